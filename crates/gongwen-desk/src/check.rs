//! Proofreading the form: the whole document is checked (rules on the
//! title, 主送, dates and structure need all of it), and each finding is
//! traced back to the field it is in, with UTF-16 offsets the editor and
//! the input fields can use directly.

use gongwen_domain::{ElementIssue, Part, check_elements, plain_lines};
use gongwen_proofread::{
    Category, Finding, Options, Severity, check_with,
    spelling::{self, Correction},
};
use serde::Serialize;
use ts_rs::TS;

use crate::form::{DraftForm, FieldProblem};

/// A finding where the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(rename = "Finding")]
pub struct Located {
    pub rule: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    pub suggestion: Option<String>,
    /// The text flagged.
    pub original: String,
    pub part: Part,
    /// The form field it is in, and its UTF-16 range there, when the flagged
    /// text can be found in that field unambiguously; a quick fix needs both.
    #[ts(type = "FormField | null")]
    pub field: Option<&'static str>,
    pub from: Option<usize>,
    pub to: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Checked {
    pub findings: Vec<Located>,
    pub element_issues: Vec<ElementIssue>,
    pub field_problems: Vec<FieldProblem>,
    /// Characters checked.
    pub chars: usize,
}

/// The fields a part's line may come from.
pub(crate) fn fields_of(part: Part) -> &'static [&'static str] {
    match part {
        Part::Header => &["copy_number", "classification", "urgency", "issuer"],
        Part::DocNumber => &["doc_number", "signers"],
        Part::Title => &["title"],
        Part::Recipients => &["recipients"],
        Part::Body => &["body"],
        Part::Attendance => &["present", "absent", "observers"],
        Part::Attachments => &["attachments"],
        Part::Signature => &["signature"],
        Part::Date => &["date"],
        Part::Note => &["note"],
        Part::Cc => &["cc"],
        Part::Imprint => &["printed_by", "printed_on"],
    }
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// What the model's spelling pass leaves alone in one paragraph of the
/// body: what the rules flag there (one suggestion per place), the unit's
/// terms and its ignore list.
pub fn spelling_protected(paragraph: &str, options: &Options) -> Vec<(usize, usize)> {
    let findings = check_with(paragraph, options);
    spelling::protected_spans(paragraph, &findings, options)
}

/// The model's corrections of one paragraph of the body as findings in the
/// body field, with UTF-16 offsets from the paragraph's start (the window
/// adds where the paragraph starts).
pub fn spelling_findings(paragraph: &str, corrections: &[Correction]) -> Vec<Located> {
    spelling::to_findings(corrections)
        .into_iter()
        .map(|f| Located {
            rule: f.rule,
            category: f.category,
            severity: f.severity,
            message: f.message,
            suggestion: f.suggestion,
            original: paragraph
                .chars()
                .skip(f.start)
                .take(f.end - f.start)
                .collect(),
            part: Part::Body,
            field: Some("body"),
            from: Some(utf16_at(paragraph, f.start)),
            to: Some(utf16_at(paragraph, f.end)),
        })
        .collect()
}

/// UTF-16 offset of the char offset `at` in `s`.
fn utf16_at(s: &str, at: usize) -> usize {
    s.chars().take(at).map(char::len_utf16).sum()
}

/// A line of the checked text: where it starts (chars), its part, and for
/// the body, where the editor's text starts.
struct Span {
    start: usize,
    end: usize,
    part: Part,
}

/// Checks the document the form describes. The body goes in exactly as the
/// editor holds it, so body offsets are the editor's.
pub fn proofread(form: &DraftForm, options: &Options) -> Checked {
    let (doc, field_problems) = form.to_document();
    let mut text = String::new();
    let mut spans: Vec<Span> = Vec::new();
    let mut at = 0;
    let mut push = |text: &mut String, part: Part, line: &str| {
        if !text.is_empty() {
            text.push('\n');
            at += 1;
        }
        let len = line.chars().count();
        spans.push(Span {
            start: at,
            end: at + len,
            part,
        });
        text.push_str(line);
        at += len;
    };
    let mut body_done = false;
    for line in plain_lines(&doc) {
        if line.part == Part::Body {
            if !body_done {
                push(&mut text, Part::Body, &form.body);
                body_done = true;
            }
        } else {
            if line.part > Part::Body && !body_done && !form.body.trim().is_empty() {
                push(&mut text, Part::Body, &form.body);
                body_done = true;
            }
            push(&mut text, line.part, &line.text);
        }
    }
    let findings = check_with(&text, options);
    let chars = text.chars().count();
    let findings = findings
        .into_iter()
        .filter_map(|f| locate(form, &text, &spans, f))
        .collect();
    Checked {
        findings,
        element_issues: check_elements(&doc),
        field_problems,
        chars,
    }
}

fn locate(form: &DraftForm, text: &str, spans: &[Span], f: Finding) -> Option<Located> {
    let span = spans
        .iter()
        .find(|s| f.start >= s.start && f.start <= s.end)
        .or_else(|| spans.last())?;
    let original: String = text.chars().skip(f.start).take(f.end - f.start).collect();
    let mut located = Located {
        rule: f.rule,
        category: f.category,
        severity: f.severity,
        message: f.message,
        suggestion: f.suggestion,
        original: original.clone(),
        part: span.part,
        field: None,
        from: None,
        to: None,
    };
    if span.part == Part::Body && f.end <= span.end {
        let body = &form.body;
        located.field = Some("body");
        located.from = Some(utf16_at(body, f.start - span.start));
        located.to = Some(utf16_at(body, f.end - span.start));
        return Some(located);
    }
    // Elsewhere the line is a rendering of the field (labels, joiners): the
    // flagged text is placed in the field only where it occurs exactly once.
    let fields = fields_of(span.part);
    located.field = fields.first().copied();
    if original.is_empty() {
        return Some(located);
    }
    let mut places = fields.iter().flat_map(|&name| {
        let value = form.field(name).unwrap_or_default();
        value
            .match_indices(original.as_str())
            .map(move |(byte, _)| (name, utf16_len(&value[..byte])))
    });
    if let (Some((name, from)), None) = (places.next(), places.next()) {
        located.field = Some(name);
        located.from = Some(from);
        located.to = Some(from + utf16_len(&original));
    }
    Some(located)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongwen_domain::DocKind;

    fn notice() -> DraftForm {
        let mut form = DraftForm::new(DocKind::Notice);
        form.issuer = "××市人民政府办公室文件".into();
        form.title = "关于做好冬季安全生产工作的通知。".into();
        form.recipients = "各区人民政府".into();
        form.body =
            "为做好工作，现通知如下：\n\n一、各单位要按时完成自查，认真落实工作布署。".into();
        form.signature = "××市人民政府办公室".into();
        form.date = "2026年11月29日".into();
        form
    }

    fn apply(value: &str, from: usize, to: usize, with: &str) -> String {
        let units: Vec<u16> = value.encode_utf16().collect();
        let mut out = String::from_utf16_lossy(&units[..from]);
        out.push_str(with);
        out.push_str(&String::from_utf16_lossy(&units[to..]));
        out
    }

    #[test]
    fn body_findings_carry_the_editors_offsets() {
        let form = notice();
        let checked = proofread(&form, &Options::default());
        let typo = checked
            .findings
            .iter()
            .find(|f| f.original == "布署")
            .expect("布署 flagged");
        assert_eq!(typo.field, Some("body"));
        let (from, to) = (typo.from.unwrap(), typo.to.unwrap());
        let fixed = apply(&form.body, from, to, typo.suggestion.as_deref().unwrap());
        assert!(fixed.ends_with("认真落实工作部署。"), "{fixed}");
    }

    #[test]
    fn a_title_finding_lands_in_the_title_field() {
        let form = notice();
        let checked = proofread(&form, &Options::default());
        let title = checked
            .findings
            .iter()
            .find(|f| f.part == Part::Title)
            .expect("title flagged");
        assert_eq!(title.field, Some("title"));
        let fixed = apply(
            &form.title,
            title.from.unwrap(),
            title.to.unwrap(),
            title.suggestion.as_deref().unwrap_or(""),
        );
        assert_eq!(fixed, "关于做好冬季安全生产工作的通知");
    }

    #[test]
    fn offsets_count_utf16_units_past_astral_characters() {
        let mut form = notice();
        // 𠀀 (U+20000) is two UTF-16 units.
        form.body = "𠀀𠀀单位要认真落实工作布署。".into();
        let checked = proofread(&form, &Options::default());
        let typo = checked
            .findings
            .iter()
            .find(|f| f.original == "布署")
            .unwrap();
        let fixed = apply(&form.body, typo.from.unwrap(), typo.to.unwrap(), "部署");
        assert_eq!(fixed, "𠀀𠀀单位要认真落实工作部署。");
    }

    #[test]
    fn a_clean_notice_has_no_findings_and_missing_elements_are_issues() {
        let mut form = notice();
        form.title = "关于做好冬季安全生产工作的通知".into();
        form.body =
            "为做好冬季安全生产工作，现将有关事项通知如下：\n一、压实责任\n各单位要按时完成自查。"
                .into();
        let checked = proofread(&form, &Options::default());
        assert!(checked.findings.is_empty(), "{:?}", checked.findings);
        form.recipients.clear();
        let checked = proofread(&form, &Options::default());
        assert!(
            checked
                .element_issues
                .iter()
                .any(|i| i.message.contains("主送")),
            "{:?}",
            checked.element_issues
        );
    }

    #[test]
    fn model_corrections_land_in_the_body_paragraph_in_utf16() {
        // A character outside the BMP before the slip: two UTF-16 units.
        let paragraph = "𠀀建立健全工作机智。";
        let found = spelling_findings(
            paragraph,
            &[Correction {
                at: 8,
                from: '智',
                to: '制',
                gain: 9.0,
            }],
        );
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!((f.from, f.to), (Some(9), Some(10)));
        assert_eq!(
            (f.original.as_str(), f.suggestion.as_deref()),
            ("智", Some("制"))
        );
        assert_eq!((f.field, f.part), (Some("body"), Part::Body));
        assert_eq!(f.rule, "typo.model");
        // The rules' own findings and the unit's terms stay out of its way.
        let options = Options {
            terms: vec!["机智".to_owned()],
            ..Options::default()
        };
        let protected = spelling_protected("要认真落实工作布署，建立机智。", &options);
        assert!(protected.contains(&(12, 14)), "{protected:?}");
        assert!(
            protected.iter().any(|&(s, e)| s <= 7 && e >= 9),
            "{protected:?}"
        );
    }
}
