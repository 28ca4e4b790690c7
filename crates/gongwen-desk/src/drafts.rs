//! The draft list and new drafts: defaults from the unit profile, the
//! list's filters, the file name an export gets.

use gongwen_domain::{DocKind, DocNumber, Element, Layout, Presence, WrittenDate};
use gongwen_store::{Store, StoreError};
use serde::Deserialize;
use ts_rs::TS;

use crate::form::DraftForm;

/// A new draft of `kind` from the unit profile in `store`: numbered types
/// take the unit's next 文号 of `today`'s year — taken in the store, so a
/// number is never given twice, also across the window and the CLI — when
/// the unit has a 机关代字. `now` stamps the taking.
pub fn new_draft(
    store: &mut Store,
    kind: DocKind,
    today: WrittenDate,
    now: &str,
) -> Result<DraftForm, StoreError> {
    let profile = store.unit_profile()?;
    let number = if takes_number(kind) && !profile.code.is_empty() {
        Some(store.take_doc_number(today.year, now)?)
    } else {
        None
    };
    Ok(new_form(
        kind,
        &profile.name,
        &profile.recipients,
        number.as_ref(),
        today,
    ))
}

/// A new draft of `kind` for the unit `issuer`: 发文机关标志 and 署名 from
/// the unit's name, the 文号 taken for it, the first of the usual 主送机关
/// (where the type has one), and today's date.
pub fn new_form(
    kind: DocKind,
    issuer: &str,
    recipients: &[String],
    number: Option<&DocNumber>,
    today: WrittenDate,
) -> DraftForm {
    let mut form = DraftForm::new(kind);
    let issuer = issuer.trim();
    if !issuer.is_empty() {
        form.issuer = match form.layout {
            Layout::Standard => format!("{issuer}文件"),
            Layout::Letter => issuer.to_owned(),
            // 命令 and 纪要 carry their own mark (……令, ……纪要).
            Layout::Order | Layout::Minutes => String::new(),
        };
        if kind.presence(Element::Signature) != Presence::NotUsed {
            form.signature = issuer.to_owned();
        }
    }
    if kind.presence(Element::Recipients) != Presence::NotUsed
        && let Some(first) = recipients.first()
    {
        form.recipients = first.clone();
    }
    if let Some(number) = number {
        form.doc_number = number.to_standard();
    }
    form.date = today.to_standard();
    form
}

/// Whether a type's drafts are numbered: a new one takes the next 文号.
pub fn takes_number(kind: DocKind) -> bool {
    kind.presence(Element::DocNumber) != Presence::NotUsed
}

/// The draft list's filter: a 文种 and a range of days (YYYY-MM-DD,
/// inclusive) of the last change. The text query goes to the store's index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
pub struct DraftFilter {
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<String>,
}

impl DraftFilter {
    /// `updated_at` is an ISO 8601 timestamp; its day is its first ten
    /// characters.
    pub fn matches(&self, kind: &str, updated_at: &str) -> bool {
        let day = updated_at.get(..10).unwrap_or(updated_at);
        let nonempty = |s: &Option<String>| s.clone().filter(|s| !s.is_empty());
        nonempty(&self.kind).is_none_or(|k| k == kind)
            && nonempty(&self.from).is_none_or(|f| day >= f.as_str())
            && nonempty(&self.to).is_none_or(|t| day <= t.as_str())
    }
}

/// A file name for an exported draft: its title without characters file
/// systems refuse, at most 60 characters, `.docx`.
pub fn export_file_name(title: &str, kind: DocKind) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !c.is_control() && !r#"/\:*?"<>|"#.contains(*c))
        .take(60)
        .collect();
    let clean = clean.trim().trim_start_matches('.');
    if clean.is_empty() {
        format!("未命名{}.docx", kind.name())
    } else {
        format!("{clean}.docx")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: WrittenDate = WrittenDate {
        year: 2026,
        month: 11,
        day: 29,
    };

    #[test]
    fn a_new_notice_is_prefilled_from_the_profile() {
        let number = DocNumber {
            agency_code: "×政办发".into(),
            year: 2026,
            serial: 13,
        };
        let form = new_form(
            DocKind::Notice,
            "××市人民政府办公室",
            &["各区人民政府，市政府各部门".into()],
            Some(&number),
            TODAY,
        );
        assert_eq!(form.issuer, "××市人民政府办公室文件");
        assert_eq!(form.signature, "××市人民政府办公室");
        assert_eq!(form.recipients, "各区人民政府，市政府各部门");
        assert_eq!(form.doc_number, "×政办发〔2026〕13号");
        assert_eq!(form.date, "2026年11月29日");
    }

    #[test]
    fn types_without_a_recipient_or_signature_get_none() {
        let form = new_form(
            DocKind::Announcement,
            "某市人民政府",
            &["各区".into()],
            None,
            TODAY,
        );
        assert!(form.recipients.is_empty());
        let minutes = new_form(DocKind::Minutes, "某市人民政府", &[], None, TODAY);
        assert!(minutes.signature.is_empty() && minutes.issuer.is_empty());
        let letter = new_form(DocKind::Letter, "某市人民政府办公室", &[], None, TODAY);
        assert_eq!(letter.issuer, "某市人民政府办公室");
    }

    #[test]
    fn filters_by_kind_and_day() {
        let filter = DraftFilter {
            kind: Some("通知".into()),
            from: Some("2026-11-01".into()),
            to: Some("2026-11-29".into()),
        };
        assert!(filter.matches("通知", "2026-11-29T23:59:59Z"));
        assert!(!filter.matches("通知", "2026-11-30T00:00:00Z"));
        assert!(!filter.matches("请示", "2026-11-15T00:00:00Z"));
        assert!(DraftFilter::default().matches("函", "2020-01-01T00:00:00Z"));
    }

    #[test]
    fn export_names_are_safe_file_names() {
        assert_eq!(
            export_file_name("关于A/B的通知", DocKind::Notice),
            "关于AB的通知.docx"
        );
        assert_eq!(export_file_name("  ", DocKind::Request), "未命名请示.docx");
        assert_eq!(export_file_name("../..", DocKind::Letter), "未命名函.docx");
    }

    #[test]
    fn new_drafts_take_the_units_next_number_once_it_has_a_code() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let key = gongwen_store::Key::from_bytes([7; 32]);
        let mut store =
            Store::open(&dir.path().join("g.db"), &key).unwrap_or_else(|e| panic!("{e}"));
        let now = "2026-11-29T08:00:00Z";
        // No 机关代字 yet: no number, nothing taken.
        let form =
            new_draft(&mut store, DocKind::Notice, TODAY, now).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(form.doc_number, "");
        let profile = gongwen_store::UnitProfile {
            name: "青禾市教育局".into(),
            code: "青教发".into(),
            recipients: vec!["各区县教育局".into()],
        };
        store
            .set_unit_profile(&profile, now)
            .unwrap_or_else(|e| panic!("{e}"));
        let numbers: Vec<String> = (0..2)
            .map(|_| {
                new_draft(&mut store, DocKind::Notice, TODAY, now)
                    .unwrap_or_else(|e| panic!("{e}"))
                    .doc_number
            })
            .collect();
        assert_eq!(numbers, ["青教发〔2026〕1号", "青教发〔2026〕2号"]);
    }
}
