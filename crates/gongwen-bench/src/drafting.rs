//! Drafting on a fixed set of briefs, judged by the rubric a 核稿 reader
//! applies (`gongwen_assist::rubric`): how many drafts pass, which checks
//! fail, how many facts were invented, how many of the brief's facts were
//! kept, and how long a draft takes.

use std::{collections::BTreeMap, time::Instant};

use gongwen_assist::{
    Flow, Mode, TextModel,
    draft::{self, DraftEvent, DraftRequest, Drafted},
    rubric::{
        self,
        facts::{Known, dropped, facts_of, invented},
    },
};
use gongwen_domain::{DocKind, Document, WrittenDate, structure::parse_doc_number};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Brief {
    pub kind: String,
    pub issuer: String,
    #[serde(default)]
    pub doc_number: Option<String>,
    #[serde(default)]
    pub recipients: Vec<String>,
    #[serde(default)]
    pub signers: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// "full": the office filled the elements; "brief": only the issuer
    /// (from the unit profile) and the brief.
    #[serde(default = "full")]
    pub elements: String,
    pub brief: String,
}

fn full() -> String {
    "full".to_owned()
}

#[derive(Deserialize)]
struct Briefs {
    brief: Vec<Brief>,
}

pub fn read_briefs(toml_text: &str) -> Result<Vec<Brief>, String> {
    toml::from_str::<Briefs>(toml_text)
        .map(|b| b.brief)
        .map_err(|e| format!("起草题目文件格式有误：{e}"))
}

/// The request a brief stands for, drafted greedily so runs repeat.
pub fn request_of(brief: &Brief, date: WrittenDate) -> Result<DraftRequest, String> {
    let kind: DocKind = brief.kind.parse().map_err(|e| format!("{e}"))?;
    let mut request = DraftRequest::new(kind, &brief.brief);
    request.creative = false;
    request.date = Some(date);
    let doc = &mut request.elements;
    doc.issuer_marks.push(brief.issuer.clone());
    if brief.elements != "brief" {
        doc.doc_number = brief
            .doc_number
            .as_deref()
            .and_then(parse_doc_number)
            .map(|(number, _)| number);
        doc.recipients = brief.recipients.clone();
        doc.signers = brief.signers.clone();
        doc.note = brief.note.clone();
    }
    Ok(request)
}

/// One draft judged.
#[derive(Debug, Clone, Default)]
pub struct Scored {
    /// Passes the whole rubric, written by the model.
    pub passed: bool,
    /// The model wrote it (not the skeleton fallback).
    pub by_model: bool,
    /// (check, message) of every failure.
    pub failures: Vec<(&'static str, String)>,
    /// Facts of the title and body that neither the brief nor the elements hold.
    pub invented: Vec<String>,
    pub brief_facts: usize,
    pub kept_facts: usize,
    pub seconds: f64,
    pub attempts: usize,
    pub tokens: usize,
}

/// Judges a drafted document against its request: the same rubric the
/// drafting code applies, computed here from the document alone, so any
/// drafting code can be measured by it.
pub fn score(request: &DraftRequest, document: &Document, mode: Mode) -> Scored {
    let failures = draft::review(request, document);
    let known_text = request.known();
    let known = Known::new(&known_text);
    // Line by line, a heading's own number aside (as the rubric reads).
    let lines =
        std::iter::once(document.title.clone()).chain(document.body.iter().map(|b| b.to_text()));
    let invented: Vec<String> = lines
        .flat_map(|line| invented(rubric::unnumbered(&line), &known))
        .map(|f| f.text().to_owned())
        .collect();
    let whole = gongwen_domain::to_plain_text(document);
    let brief_facts = facts_of(&request.brief).len();
    let kept_facts = brief_facts - dropped(&request.brief, &whole).len();
    Scored {
        passed: failures.is_empty() && mode == Mode::Model,
        by_model: mode == Mode::Model,
        failures: failures.into_iter().map(|f| (f.check, f.message)).collect(),
        invented,
        brief_facts,
        kept_facts,
        ..Scored::default()
    }
}

#[derive(Debug, Clone, Default)]
pub struct DraftingFigures {
    pub drafts: usize,
    pub passed: usize,
    /// Drafts the model wrote (the rest fell back to the skeleton).
    pub by_model: usize,
    /// Failures by check id.
    pub failures: BTreeMap<&'static str, usize>,
    pub invented: usize,
    /// Facts of the briefs, and how many the model's drafts kept.
    pub brief_facts: usize,
    pub kept_facts: usize,
    pub generated_tokens: usize,
    pub seconds: f64,
}

impl DraftingFigures {
    pub fn pass_rate(&self) -> f64 {
        ratio(self.passed, self.drafts)
    }

    pub fn facts_kept(&self) -> f64 {
        ratio(self.kept_facts, self.brief_facts)
    }

    pub fn seconds_per_draft(&self) -> f64 {
        if self.drafts == 0 {
            0.0
        } else {
            self.seconds / self.drafts as f64
        }
    }

    /// The summary line of `gongwen-bench drafting`.
    pub fn last_line(&self) -> String {
        format!(
            "drafting pass {:.3} invented {} facts_kept {:.3} s_per_draft {:.1}",
            self.pass_rate(),
            self.invented,
            self.facts_kept(),
            self.seconds_per_draft()
        )
    }

    fn add(&mut self, scored: &Scored) {
        self.drafts += 1;
        self.passed += usize::from(scored.passed);
        self.invented += scored.invented.len();
        if scored.by_model {
            self.by_model += 1;
            // Facts kept count the model's drafts only: the fallback slots
            // the brief in and would flatter the figure.
            self.brief_facts += scored.brief_facts;
            self.kept_facts += scored.kept_facts;
        }
        for (check, _) in &scored.failures {
            *self.failures.entry(check).or_default() += 1;
        }
        self.generated_tokens += scored.tokens;
        self.seconds += scored.seconds;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Drafts every brief; `each` sees every draft and its score (or why it
/// failed).
pub fn evaluate(
    briefs: &[Brief],
    model: &dyn TextModel,
    date: WrittenDate,
    mut each: impl FnMut(&Brief, &Result<(Drafted, Scored), String>),
) -> DraftingFigures {
    let mut figures = DraftingFigures::default();
    for brief in briefs {
        let started = Instant::now();
        let result = request_of(brief, date).and_then(|request| {
            let drafted = draft::draft(&request, model, &mut |_: DraftEvent<'_>| Flow::Continue)
                .map_err(|e| e.to_string())?;
            let mut scored = score(&request, &drafted.document, drafted.mode);
            scored.seconds = started.elapsed().as_secs_f64();
            scored.attempts = drafted.attempts;
            scored.tokens = drafted.generated_tokens;
            Ok((drafted, scored))
        });
        match &result {
            Ok((_, scored)) => figures.add(scored),
            Err(_) => {
                figures.drafts += 1;
                figures.seconds += started.elapsed().as_secs_f64();
            }
        }
        each(brief, &result);
    }
    figures
}

/// The Chinese name of a check, for the report.
pub fn check_name(id: &str) -> &'static str {
    rubric::name_of(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brief_set_reads_and_covers_every_kind() {
        let text = include_str!("../../../tests/drafting/briefs.toml");
        let briefs = read_briefs(text).unwrap_or_default();
        assert!(briefs.len() >= 40);
        let date = WrittenDate {
            year: 2026,
            month: 3,
            day: 1,
        };
        for kind in DocKind::ALL {
            let n = briefs.iter().filter(|b| b.kind == kind.name()).count();
            assert!(n >= 2, "{}: {n}", kind.name());
        }
        assert!(briefs.iter().any(|b| b.elements == "brief"));
        for b in briefs.iter().filter(|b| b.elements == "full") {
            let r = request_of(b, date).unwrap_or_else(|e| panic!("{e}"));
            // The elements the office supplies are complete: only what the
            // model writes (title, body) can fail the checks.
            let skeleton = draft::skeleton(&r);
            let missing: Vec<_> = skeleton
                .element_issues
                .iter()
                .filter(|i| i.presence == gongwen_domain::Presence::Required)
                .filter(|i| {
                    !matches!(
                        i.element,
                        gongwen_domain::Element::Title | gongwen_domain::Element::Body
                    )
                })
                .collect();
            assert!(missing.is_empty(), "{}: {missing:?}", b.brief);
        }
    }

    #[test]
    fn scoring_names_inventions_and_kept_facts() {
        let briefs =
            read_briefs(include_str!("../../../tests/drafting/briefs.toml")).unwrap_or_default();
        let Some(brief) = briefs.iter().find(|b| b.kind == "请示") else {
            panic!("no 请示 brief");
        };
        let date = WrittenDate {
            year: 2026,
            month: 3,
            day: 1,
        };
        let request = request_of(brief, date).unwrap_or_else(|e| panic!("{e}"));
        let mut doc = draft::skeleton(&request).document;
        doc.title = "关于申请资金的请示".to_owned();
        doc.body = gongwen_domain::structure(
            "关于申请资金的请示\n根据《资金管理办法》（财建〔2019〕88号），申请资金9999万元。\n妥否，请批示。",
            Some(DocKind::Request),
        )
        .document
        .body;
        let scored = score(&request, &doc, Mode::Model);
        assert!(!scored.passed);
        assert!(
            scored.invented.iter().any(|f| f.contains("9999")),
            "{scored:?}"
        );
        assert!(scored.invented.iter().any(|f| f.contains("资金管理办法")));
        assert!(scored.kept_facts < scored.brief_facts);
        assert!(scored.failures.iter().any(|(c, _)| *c == "invented-fact"));
    }
}
