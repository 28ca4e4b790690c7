//! The structured 公文: every element of GB/T 9704-2012 and the 2012 条例 as
//! data. Layout is derived from this by rule (see the formats crate), never
//! typed by hand.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::DocKind;

/// A whole document. Optional elements are `None` or empty when absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub kind: DocKind,
    /// Which of the standard's layouts applies.
    pub layout: Layout,
    /// 份号: six Arabic digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_number: Option<String>,
    /// 密级和保密期限.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
    /// 紧急程度.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    /// 发文机关标志 as printed (机关名称 + 文件, or the name alone; joint
    /// documents list the lead 机关 first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issuer_marks: Vec<String>,
    /// 发文字号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<DocNumber>,
    /// 签发人 (上行文 only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signers: Vec<String>,
    /// 标题.
    pub title: String,
    /// 主送机关, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
    /// 正文.
    #[serde(default)]
    pub body: Vec<Block>,
    /// 附件说明: the attachments' names, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
    /// 发文机关署名 (one line each for joint documents).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signature: Vec<String>,
    /// 成文日期.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<WrittenDate>,
    /// Whether the document carries a seal (印章): it moves 署名 and date.
    #[serde(default)]
    pub sealed: bool,
    /// 附注, without its brackets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// 抄送机关.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    /// 印发机关.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed_by: Option<String>,
    /// 印发日期.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed_on: Option<WrittenDate>,
    /// 纪要格式: 出席, 请假, 列席.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendance: Option<Attendance>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// 文件格式.
    Standard,
    /// 信函格式.
    Letter,
    /// 命令（令）格式.
    Order,
    /// 纪要格式.
    Minutes,
}

impl Layout {
    /// The layout a type takes unless the user picks another: 命令 and
    /// 纪要 have their own; 函 usually goes out in 信函格式.
    pub fn usual_for(kind: DocKind) -> Layout {
        match kind {
            DocKind::Order => Layout::Order,
            DocKind::Minutes => Layout::Minutes,
            DocKind::Letter => Layout::Letter,
            _ => Layout::Standard,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    pub level: SecrecyLevel,
    /// 保密期限 as written, e.g. "1年".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
}

impl Classification {
    /// As printed in the 版头: 秘密★1年.
    pub fn to_standard(&self) -> String {
        let level = match self.level {
            SecrecyLevel::Secret => "秘密",
            SecrecyLevel::Confidential => "机密",
            SecrecyLevel::TopSecret => "绝密",
        };
        match &self.period {
            Some(period) => format!("{level}★{period}"),
            None => level.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecrecyLevel {
    #[serde(rename = "秘密")]
    Secret,
    #[serde(rename = "机密")]
    Confidential,
    #[serde(rename = "绝密")]
    TopSecret,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Urgency {
    #[serde(rename = "特急")]
    Extra,
    #[serde(rename = "加急")]
    Urgent,
}

impl Urgency {
    pub fn name(self) -> &'static str {
        match self {
            Urgency::Extra => "特急",
            Urgency::Urgent => "加急",
        }
    }
}

/// 发文字号: 机关代字〔年份〕序号号.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocNumber {
    /// 机关代字, e.g. "国办发".
    pub agency_code: String,
    pub year: u16,
    pub serial: u32,
}

impl DocNumber {
    /// The standard form: six-cornered brackets, full year, no 第, no
    /// leading zeros.
    pub fn to_standard(&self) -> String {
        format!("{}〔{}〕{}号", self.agency_code, self.year, self.serial)
    }
}

/// A calendar date as a document states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WrittenDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl WrittenDate {
    /// 成文日期 per GB/T 9704: Arabic numerals, full year, no leading zeros.
    pub fn to_standard(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

/// A unit of 正文.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A numbered heading: level 1 一、, 2 （一）, 3 1., 4 （1）. `number` is
    /// the numbering as written; `text` follows it. A heading may run into
    /// its paragraph on the same line (`text` then holds both).
    Heading {
        level: u8,
        number: String,
        text: String,
    },
    Paragraph {
        text: String,
    },
}

impl Block {
    /// The block as one line of text.
    pub fn to_text(&self) -> String {
        match self {
            Block::Heading { number, text, .. } => format!("{number}{text}"),
            Block::Paragraph { text } => text.clone(),
        }
    }
}

/// 纪要格式 attendance lists, names as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub present: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observers: Vec<String>,
}

impl Document {
    /// An empty document of a type, in its usual layout.
    pub fn new(kind: DocKind) -> Document {
        Document {
            kind,
            layout: Layout::usual_for(kind),
            copy_number: None,
            classification: None,
            urgency: None,
            issuer_marks: Vec::new(),
            doc_number: None,
            signers: Vec::new(),
            title: String::new(),
            recipients: Vec::new(),
            body: Vec::new(),
            attachments: Vec::new(),
            signature: Vec::new(),
            date: None,
            sealed: false,
            note: None,
            cc: Vec::new(),
            printed_by: None,
            printed_on: None,
            attendance: None,
        }
    }

    /// The body as plain text, one block a line: for search, proofreading
    /// and the model.
    pub fn body_text(&self) -> String {
        self.body
            .iter()
            .map(Block::to_text)
            .collect::<Vec<_>>()
            .join("\n")
    }
}
