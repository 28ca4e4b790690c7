use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
pub enum Category {
    #[serde(rename = "错别字")]
    Typo,
    #[serde(rename = "标点")]
    Punctuation,
    #[serde(rename = "数字与日期")]
    NumberDate,
    #[serde(rename = "文号")]
    DocNumber,
    #[serde(rename = "格式")]
    Format,
    #[serde(rename = "结构")]
    Structure,
    #[serde(rename = "文种规范")]
    KindRule,
    #[serde(rename = "规范表述")]
    Expression,
    #[serde(rename = "个人信息")]
    PersonalData,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// What a rule is, for the catalogue and for every finding it makes.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// The clause it enforces.
    pub reference: &'static str,
    /// One line, Chinese, for the rule list in settings.
    pub summary: &'static str,
}

/// One problem found: a span of the text, why, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// Character offsets, end exclusive.
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub suggestion: Option<String>,
}
