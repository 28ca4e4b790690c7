//! The element form: what the editor shows and the user types, one string
//! per element (lists one item a line or separated as a 公文 writes them),
//! the body exactly as the editor holds it. `to_document` reads it into a
//! `Document`; what does not read is reported per field, never dropped
//! silently from the form (the form, not the document, is what the user
//! keeps editing).

use gongwen_domain::structure::{
    parse_classification, parse_date, parse_doc_number, parse_urgency, split_agencies, split_list,
};
use gongwen_domain::{Attendance, DocKind, Document, Layout, WrittenDate, body_block};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DraftForm {
    pub kind: DocKind,
    pub layout: Layout,
    #[serde(default)]
    pub copy_number: String,
    /// 密级和保密期限, e.g. 秘密★1年.
    #[serde(default)]
    pub classification: String,
    /// 特急, 加急 or empty.
    #[serde(default)]
    pub urgency: String,
    /// 发文机关标志, one 机关 a line.
    #[serde(default)]
    pub issuer: String,
    /// 发文字号, e.g. 京政办发〔2026〕12号.
    #[serde(default)]
    pub doc_number: String,
    /// 签发人, separated by 、.
    #[serde(default)]
    pub signers: String,
    #[serde(default)]
    pub title: String,
    /// 主送机关, separated by ，.
    #[serde(default)]
    pub recipients: String,
    /// 正文 as the editor holds it: one block a line.
    #[serde(default)]
    pub body: String,
    /// 附件名称, one a line.
    #[serde(default)]
    pub attachments: String,
    /// 发文机关署名, one a line.
    #[serde(default)]
    pub signature: String,
    /// 成文日期, e.g. 2026年7月1日.
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub sealed: bool,
    /// 附注, without its brackets.
    #[serde(default)]
    pub note: String,
    /// 抄送机关, separated by ，.
    #[serde(default)]
    pub cc: String,
    #[serde(default)]
    pub printed_by: String,
    #[serde(default)]
    pub printed_on: String,
    /// 纪要: 出席, 请假, 列席, names separated by 、.
    #[serde(default)]
    pub present: String,
    #[serde(default)]
    pub absent: String,
    #[serde(default)]
    pub observers: String,
}

/// A field whose text does not read as its element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FieldProblem {
    #[ts(type = "FormField")]
    pub field: &'static str,
    pub message: String,
}

fn lines(text: &str) -> Vec<String> {
    gongwen_domain::paragraphs::paragraphs(text)
        .into_iter()
        .map(|p| p.text.to_owned())
        .collect()
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// An attachment line without the 附件： label or its number.
fn attachment_name(line: &str) -> String {
    let line = line
        .strip_prefix("附件：")
        .or_else(|| line.strip_prefix("附件:"))
        .unwrap_or(line)
        .trim();
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest = &line[digits..];
        for mark in ['.', '．', '、'] {
            if let Some(name) = rest.strip_prefix(mark) {
                return name.trim().to_owned();
            }
        }
    }
    line.to_owned()
}

impl DraftForm {
    /// An empty form of a type, in its usual layout.
    pub fn new(kind: DocKind) -> DraftForm {
        DraftForm::from_document(&Document::new(kind))
    }

    pub fn from_document(doc: &Document) -> DraftForm {
        let date = |d: Option<WrittenDate>| d.map(|d| d.to_standard()).unwrap_or_default();
        let attendance = doc.attendance.clone().unwrap_or_default();
        DraftForm {
            kind: doc.kind,
            layout: doc.layout,
            copy_number: doc.copy_number.clone().unwrap_or_default(),
            classification: doc
                .classification
                .as_ref()
                .map(|c| c.to_standard())
                .unwrap_or_default(),
            urgency: doc.urgency.map(|u| u.name().to_owned()).unwrap_or_default(),
            issuer: doc.issuer_marks.join("\n"),
            doc_number: doc
                .doc_number
                .as_ref()
                .map(|n| n.to_standard())
                .unwrap_or_default(),
            signers: doc.signers.join("、"),
            title: doc.title.clone(),
            recipients: doc.recipients.join("，"),
            body: doc.body_text(),
            attachments: doc.attachments.join("\n"),
            signature: doc.signature.join("\n"),
            date: date(doc.date),
            sealed: doc.sealed,
            note: doc.note.clone().unwrap_or_default(),
            cc: doc.cc.join("，"),
            printed_by: doc.printed_by.clone().unwrap_or_default(),
            printed_on: date(doc.printed_on),
            present: attendance.present.join("、"),
            absent: attendance.absent.join("、"),
            observers: attendance.observers.join("、"),
        }
    }

    /// The document the form describes, and what in it did not read.
    pub fn to_document(&self) -> (Document, Vec<FieldProblem>) {
        let mut problems = Vec::new();
        let mut problem = |field: &'static str, message: &str| {
            problems.push(FieldProblem {
                field,
                message: message.to_owned(),
            });
        };
        let mut doc = Document::new(self.kind);
        doc.layout = self.layout;

        doc.copy_number = optional(&self.copy_number);
        if let Some(copy) = &doc.copy_number
            && !(copy.len() == 6 && copy.bytes().all(|b| b.is_ascii_digit()))
        {
            problem("copy_number", "份号应为 6 位阿拉伯数字");
        }
        if let Some(text) = optional(&self.classification) {
            doc.classification = parse_classification(&text);
            if doc.classification.is_none() {
                problem(
                    "classification",
                    "密级应为“绝密”“机密”或“秘密”，可加“★”和保密期限",
                );
            }
        }
        if let Some(text) = optional(&self.urgency) {
            doc.urgency = parse_urgency(&text);
            if doc.urgency.is_none() {
                problem("urgency", "紧急程度应为“特急”或“加急”");
            }
        }
        doc.issuer_marks = lines(&self.issuer);
        if let Some(text) = optional(&self.doc_number) {
            doc.doc_number = parse_doc_number(&text).map(|(number, _)| number);
            if doc.doc_number.is_none() {
                problem("doc_number", "发文字号应写作“机关代字〔年份〕序号号”");
            }
        }
        doc.signers = split_list(&self.signers);
        doc.title = self.title.trim().to_owned();
        doc.recipients = split_agencies(&self.recipients);
        doc.body = lines(&self.body).iter().map(|l| body_block(l)).collect();
        doc.attachments = lines(&self.attachments)
            .iter()
            .map(|l| attachment_name(l))
            .filter(|n| !n.is_empty())
            .collect();
        doc.signature = lines(&self.signature);
        for (field, text, slot) in [
            ("date", &self.date, &mut doc.date),
            ("printed_on", &self.printed_on, &mut doc.printed_on),
        ] {
            if let Some(text) = optional(text) {
                *slot = parse_date(&text);
                if slot.is_none() {
                    problem(
                        field,
                        "日期应写作“2026年7月1日”，用阿拉伯数字，且须是真实日期",
                    );
                }
            }
        }
        doc.sealed = self.sealed;
        doc.note = optional(&self.note).map(|n| {
            n.trim_start_matches(['（', '('])
                .trim_end_matches(['）', ')'])
                .to_owned()
        });
        doc.cc = split_agencies(&self.cc);
        doc.printed_by = optional(&self.printed_by);
        let attendance = Attendance {
            present: split_list(&self.present),
            absent: split_list(&self.absent),
            observers: split_list(&self.observers),
        };
        if attendance != Attendance::default() {
            doc.attendance = Some(attendance);
        }
        (doc, problems)
    }

    /// The text of a field by its serde name, for tracing findings back.
    pub fn field(&self, name: &str) -> Option<&str> {
        Some(match name {
            "copy_number" => &self.copy_number,
            "classification" => &self.classification,
            "urgency" => &self.urgency,
            "issuer" => &self.issuer,
            "doc_number" => &self.doc_number,
            "signers" => &self.signers,
            "title" => &self.title,
            "recipients" => &self.recipients,
            "body" => &self.body,
            "attachments" => &self.attachments,
            "signature" => &self.signature,
            "date" => &self.date,
            "note" => &self.note,
            "cc" => &self.cc,
            "printed_by" => &self.printed_by,
            "printed_on" => &self.printed_on,
            "present" => &self.present,
            "absent" => &self.absent,
            "observers" => &self.observers,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongwen_domain::{Block, structure, to_plain_text};

    const NOTICE: &str = "\
秘密★1年
特急
××市人民政府办公室文件
×政办发〔2026〕12号
关于做好2026年冬季安全生产工作的通知
各区人民政府，市政府各部门：
为切实做好冬季安全生产工作，现将有关事项通知如下。
一、压实工作责任
各单位要于12月10日前完成自查。
附件：1. 检查表
2. 联系人名单
××市人民政府办公室
2026年11月29日
（联系人：王明，电话：12345678）
抄送：市委办公室。
××市人民政府办公室 2026年11月29日印发";

    #[test]
    fn a_document_survives_the_form() {
        let doc = structure(NOTICE, None).document;
        let form = DraftForm::from_document(&doc);
        assert_eq!(form.doc_number, "×政办发〔2026〕12号");
        assert_eq!(form.attachments, "检查表\n联系人名单");
        let (back, problems) = form.to_document();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(back, doc);
        assert_eq!(to_plain_text(&back), NOTICE);
    }

    #[test]
    fn the_body_is_read_line_by_line_and_blank_lines_do_not_count() {
        let mut form = DraftForm::new(DocKind::Notice);
        form.body = "　　现将有关事项通知如下。\n\n一、总体要求\n（一）提高认识\n".into();
        let (doc, _) = form.to_document();
        assert_eq!(doc.body.len(), 3);
        assert!(
            matches!(&doc.body[1], Block::Heading { level: 1, text, .. } if text == "总体要求")
        );
        assert!(matches!(&doc.body[2], Block::Heading { level: 2, .. }));
    }

    #[test]
    fn fields_that_do_not_read_are_reported_not_dropped_from_the_form() {
        let mut form = DraftForm::new(DocKind::Request);
        form.doc_number = "第十二号".into();
        form.date = "2026年2月30日".into();
        form.copy_number = "12".into();
        form.urgency = "很急".into();
        let (doc, problems) = form.to_document();
        let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["copy_number", "urgency", "doc_number", "date"]);
        assert!(doc.doc_number.is_none() && doc.date.is_none());
        assert_eq!(form.field("doc_number"), Some("第十二号"));
    }

    #[test]
    fn attachments_lose_their_label_and_numbers() {
        let mut form = DraftForm::new(DocKind::Notice);
        form.attachments = "附件：1. 检查表\n2．名单\n3、 说明".into();
        form.note = "（联系人：王明）".into();
        let (doc, _) = form.to_document();
        assert_eq!(doc.attachments, ["检查表", "名单", "说明"]);
        assert_eq!(doc.note.as_deref(), Some("联系人：王明"));
    }

    #[test]
    fn the_form_travels_as_json_with_missing_fields_empty() {
        let form: DraftForm =
            serde_json::from_str(r#"{"kind":"通知","layout":"standard","title":"关于X的通知"}"#)
                .unwrap();
        assert_eq!(form.title, "关于X的通知");
        assert!(form.body.is_empty());
    }
}
