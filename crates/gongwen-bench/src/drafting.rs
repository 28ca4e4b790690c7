//! Drafting on a fixed set of briefs: how many drafts carry their required
//! elements and pass the structure checks (`gongwen_assist::draft`).

use std::time::Instant;

use gongwen_assist::{
    Flow, TextModel,
    draft::{self, DraftRequest, Drafted},
};
use gongwen_domain::{DocKind, WrittenDate, structure::parse_doc_number};
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
    pub brief: String,
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
    doc.doc_number = brief
        .doc_number
        .as_deref()
        .and_then(parse_doc_number)
        .map(|(number, _)| number);
    doc.recipients = brief.recipients.clone();
    doc.signers = brief.signers.clone();
    doc.note = brief.note.clone();
    Ok(request)
}

#[derive(Debug, Clone, Copy, Default)]
pub struct DraftingFigures {
    pub drafts: usize,
    pub passed: usize,
    /// Drafts whose first answer the guard discarded (then generated again).
    pub retried: usize,
    pub generated_tokens: usize,
    pub seconds: f64,
}

impl DraftingFigures {
    pub fn pass_rate(&self) -> f64 {
        if self.drafts == 0 {
            0.0
        } else {
            self.passed as f64 / self.drafts as f64
        }
    }
}

/// Drafts every brief; `each` sees every draft (or why it failed).
pub fn evaluate(
    briefs: &[Brief],
    model: &dyn TextModel,
    date: WrittenDate,
    mut each: impl FnMut(&Brief, &Result<Drafted, String>),
) -> DraftingFigures {
    let mut figures = DraftingFigures::default();
    let start = Instant::now();
    for brief in briefs {
        let result = request_of(brief, date).and_then(|request| {
            draft::draft(&request, model, &mut |_| Flow::Continue).map_err(|e| e.to_string())
        });
        figures.drafts += 1;
        if let Ok(d) = &result {
            figures.generated_tokens += d.generated_tokens;
            if d.notices.iter().any(|n| n.contains("重新生成")) {
                figures.retried += 1;
            }
            if d.structure_problems.is_empty() && d.mode == gongwen_assist::Mode::Model {
                figures.passed += 1;
            }
        }
        each(brief, &result);
    }
    figures.seconds = start.elapsed().as_secs_f64();
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brief_set_reads_and_covers_every_kind() {
        let text = include_str!("../../../tests/drafting/briefs.toml");
        let briefs = read_briefs(text).unwrap_or_default();
        assert!(briefs.len() >= 20);
        let date = WrittenDate {
            year: 2026,
            month: 3,
            day: 1,
        };
        for kind in DocKind::ALL {
            assert!(
                briefs.iter().any(|b| b.kind == kind.name()),
                "{}",
                kind.name()
            );
        }
        for b in &briefs {
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
}
