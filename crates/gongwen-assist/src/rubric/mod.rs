//! What a draft or a polished text must be before anyone sees it: the
//! checks a careful 核稿 reader applies, as code.
//!
//! One check = one small unit with its id, what it enforces and its own
//! examples of wrong and right text, which the tests run (like the
//! proofreading rules). `review` applies every check; drafting applies the
//! paragraph-scoped ones to each candidate piece as the model writes it,
//! and the whole set to the finished draft. A draft is offered as the
//! model's only when `review` finds nothing; the benchmark counts the same.

mod copy;
pub mod facts;
mod form;
mod register;
mod talk;

pub(crate) use talk::{asks_up, own_names};

use gongwen_domain::DocKind;
use serde::Serialize;

/// The text under review, as the user will see it.
#[derive(Debug, Clone, Default)]
pub struct Subject<'a> {
    /// The title (a draft), or none (a polished selection).
    pub title: Option<&'a str>,
    /// The body, one paragraph a line, headings with their numbers.
    pub paragraphs: Vec<&'a str>,
    /// The draft's other elements as text (主送, 署名, 附注…): where a
    /// brief's fact may also have gone.
    pub elements: &'a str,
    /// The whole document as plain text (title, 主送, body, 署名…), for the
    /// proofreader's structure rules; without it they see title and body.
    pub document: Option<&'a str>,
}

impl<'a> Subject<'a> {
    /// A title line followed by body lines (blank lines skipped).
    pub fn from_lines(title: Option<&'a str>, body: &'a str) -> Subject<'a> {
        Subject {
            title,
            paragraphs: body
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect(),
            elements: "",
            document: None,
        }
    }

    /// The whole body, one paragraph a line.
    pub fn body(&self) -> String {
        self.paragraphs.join("\n")
    }
}

/// What the text is judged against.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The 文种 of a draft; none for a polished selection.
    pub kind: Option<DocKind>,
    /// The user's 要点 (a draft) or the original selection (a polish).
    pub brief: &'a str,
    /// Everything the user supplied — the brief and every filled element —
    /// as text: the only place a fact may come from.
    pub known: &'a str,
    /// The 发文机关's name, if known.
    pub issuer: Option<&'a str>,
}

/// Where a failure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "at", content = "index", rename_all = "snake_case")]
pub enum Place {
    Title,
    /// A body paragraph, by index into `Subject::paragraphs`.
    Paragraph(usize),
    Whole,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub check: &'static str,
    pub place: Place,
    /// Plain Chinese, naming what was found.
    pub message: String,
}

/// Whether a check looks at one paragraph at a time (and can judge a piece
/// of a draft as it is written) or at the whole draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Paragraph,
    Document,
}

/// What a check applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// Drafts only (needs a 文种 and a brief to draft from).
    Drafts,
    /// Drafts and polished text.
    All,
}

#[derive(Debug)]
pub struct CheckInfo {
    pub id: &'static str,
    /// Short Chinese name for reports.
    pub name: &'static str,
    pub scope: Scope,
    pub applies: Applies,
    /// What a reviewer expects, in a sentence.
    pub summary: &'static str,
}

/// An example for the tests: with `brief` as the user's 要点 (the issuer
/// 青禾市教育局 and the recipient 青禾市人民政府 are known too), `wrong`
/// fails the check and `right` passes the whole rubric. Texts are a title
/// line then body lines.
pub struct Example {
    pub kind: DocKind,
    pub brief: &'static str,
    pub wrong: &'static str,
    pub right: &'static str,
}

pub trait Check: Sync {
    fn info(&self) -> &'static CheckInfo;
    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>);
    fn examples(&self) -> &'static [Example];
}

/// Every check, in report order.
pub fn all_checks() -> &'static [&'static dyn Check] {
    &[
        &talk::TaskTalk,
        &talk::Salutation,
        &talk::SelfReference,
        &form::Placeholder,
        &form::OutlineLabel,
        &form::Markdown,
        &form::Latin,
        &copy::BriefCopy,
        &copy::Runaway,
        &facts::InventedFact,
        &copy::RepeatedParagraph,
        &facts::FactsKept,
        &register::TitleForm,
        &register::LeadIn,
        &register::Closing,
        &register::Length,
        &register::Structure,
    ]
}

fn applies(check: &dyn Check, context: &Context<'_>) -> bool {
    check.info().applies == Applies::All || context.kind.is_some()
}

/// Every check on the whole text.
pub fn review(subject: &Subject<'_>, context: &Context<'_>) -> Vec<Failure> {
    let mut out = Vec::new();
    for check in all_checks() {
        if applies(*check, context) {
            check.check(subject, context, &mut out);
        }
    }
    out
}

/// The paragraph-scoped checks only: for a piece of a draft while the rest
/// is still to be written.
pub fn review_piece(subject: &Subject<'_>, context: &Context<'_>) -> Vec<Failure> {
    let mut out = Vec::new();
    for check in all_checks() {
        if check.info().scope == Scope::Paragraph && applies(*check, context) {
            check.check(subject, context, &mut out);
        }
    }
    out
}

/// A title on its own: its form and the paragraph checks.
pub fn review_title(title: &str, context: &Context<'_>) -> Vec<Failure> {
    let subject = Subject {
        title: Some(title),
        ..Subject::default()
    };
    let mut out = review_piece(&subject, context);
    register::TitleForm.check(&subject, context, &mut out);
    out
}

/// The check's Chinese name, for reports.
pub fn name_of(id: &str) -> &'static str {
    all_checks()
        .iter()
        .find(|c| c.info().id == id)
        .map_or("其他", |c| c.info().name)
}

/// Paragraphs with their index, and the title as `Place::Title`: what the
/// paragraph-scoped checks walk.
pub(crate) fn lines<'s>(subject: &'s Subject<'_>) -> impl Iterator<Item = (Place, &'s str)> {
    subject.title.map(|t| (Place::Title, t)).into_iter().chain(
        subject
            .paragraphs
            .iter()
            .enumerate()
            .map(|(i, p)| (Place::Paragraph(i), *p)),
    )
}

pub(crate) fn fail(check: &CheckInfo, place: Place, message: impl Into<String>) -> Failure {
    Failure {
        check: check.id,
        place,
        message: message.into(),
    }
}

/// A paragraph without its heading number (一、 （一） 1. （1）).
pub fn unnumbered(line: &str) -> &str {
    let t = line.trim();
    for (open, close) in [("（", "）"), ("(", ")")] {
        if let Some(rest) = t.strip_prefix(open)
            && let Some((n, after)) = rest.split_once(close)
            && !n.is_empty()
            && n.chars().all(is_numeral)
        {
            return after.trim_start();
        }
    }
    let digits = t.trim_start_matches(is_numeral);
    if digits.len() != t.len() {
        for mark in ['、', '.', '．'] {
            if let Some(after) = digits.strip_prefix(mark) {
                return after.trim_start();
            }
        }
    }
    t
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十".contains(c)
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0xF900..=0xFAFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const ISSUER: &str = "青禾市教育局";
    pub(crate) const RECIPIENT: &str = "青禾市人民政府";

    fn known(brief: &str) -> String {
        format!("{ISSUER}\n{RECIPIENT}\n{brief}")
    }

    fn split(text: &str) -> (&str, &str) {
        text.split_once('\n').unwrap_or((text, ""))
    }

    #[test]
    fn ids_are_unique_and_every_check_has_examples() {
        let mut ids: Vec<&str> = all_checks().iter().map(|c| c.info().id).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
        for check in all_checks() {
            assert!(!check.examples().is_empty(), "{}", check.info().id);
            assert!(!check.info().name.is_empty() && !check.info().summary.is_empty());
        }
    }

    #[test]
    fn every_check_flags_its_wrong_examples_and_passes_its_right_ones() {
        for check in all_checks() {
            let id = check.info().id;
            for example in check.examples() {
                let known = known(example.brief);
                let context = Context {
                    kind: Some(example.kind),
                    brief: example.brief,
                    known: &known,
                    issuer: Some(ISSUER),
                };
                let (title, body) = split(example.wrong);
                let wrong = Subject::from_lines(Some(title), body);
                let mut out = Vec::new();
                check.check(&wrong, &context, &mut out);
                assert!(!out.is_empty(), "{id} does not flag:\n{}", example.wrong);
                assert!(out.iter().all(|f| f.check == id && !f.message.is_empty()));
                let (title, body) = split(example.right);
                let right = Subject::from_lines(Some(title), body);
                let failures = review(&right, &context);
                assert!(
                    failures.is_empty(),
                    "{id}: the right example fails {failures:?}:\n{}",
                    example.right
                );
            }
        }
    }

    #[test]
    fn unnumbered_strips_every_heading_level() {
        assert_eq!(unnumbered("一、总体要求"), "总体要求");
        assert_eq!(unnumbered("（二）加强领导。"), "加强领导。");
        assert_eq!(unnumbered("3.做好保障"), "做好保障");
        assert_eq!(unnumbered("（1）按时报送"), "按时报送");
        assert_eq!(unnumbered("2026年3月"), "2026年3月");
    }
}
