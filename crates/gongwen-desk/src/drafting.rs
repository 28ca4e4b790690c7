//! Which example documents a new draft is written from: the unit's own
//! earlier documents of the same 文种 first (the store's full-text search
//! finds the most alike), the built-in 范文 after. The window lists them
//! with ticks; what the user leaves ticked is what the model sees. Nothing
//! leaves the store except into the local prompt.

use gongwen_assist::draft::{
    EXAMPLES_PER_DRAFT,
    examples::{self, Exemplar, ExemplarSource},
};
use gongwen_domain::DocKind;
use gongwen_store::{Store, StoreError};
use serde::Serialize;
use ts_rs::TS;

/// How many of the unit's own documents are offered.
pub const STORE_EXAMPLES: usize = 3;

/// An example as the window lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExampleChoice {
    pub source: ExemplarSource,
    pub title: String,
    /// Ticked unless the user unticks it.
    pub chosen: bool,
}

/// The examples offered for a new draft: the unit's most alike documents
/// of the 文种 (that can serve as examples), then the built-in ones; the
/// first `EXAMPLES_PER_DRAFT` ticked. With no store (locked, or none) the
/// built-in ones alone.
pub fn example_choices(
    store: Option<&Store>,
    kind: DocKind,
    brief: &str,
) -> Result<Vec<ExampleChoice>, StoreError> {
    let mut offered = own_examples(store, kind, brief)?;
    offered.extend(examples::pick(kind, brief, usize::MAX));
    Ok(offered
        .into_iter()
        .enumerate()
        .map(|(i, e)| ExampleChoice {
            source: e.source,
            title: e.title,
            chosen: i < EXAMPLES_PER_DRAFT,
        })
        .collect())
}

/// The unit's own documents alike to the brief, as examples.
fn own_examples(
    store: Option<&Store>,
    kind: DocKind,
    brief: &str,
) -> Result<Vec<Exemplar>, StoreError> {
    let Some(store) = store else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for found in store.similar(kind.name(), brief, STORE_EXAMPLES * 2)? {
        let doc = store.show(found.id)?;
        if let Some(e) = examples::from_document(found.id, &doc) {
            out.push(e);
        }
        if out.len() == STORE_EXAMPLES {
            break;
        }
    }
    Ok(out)
}

/// The examples for a draft: the ones named (as the window ticked them),
/// or, when none are named, the first offered. A stored document that is
/// gone or no longer serves is skipped.
pub fn chosen_examples(
    store: Option<&Store>,
    kind: DocKind,
    brief: &str,
    chosen: Option<&[ExemplarSource]>,
) -> Result<Vec<Exemplar>, StoreError> {
    let Some(chosen) = chosen else {
        let mut all = own_examples(store, kind, brief)?;
        all.extend(examples::pick(kind, brief, EXAMPLES_PER_DRAFT));
        all.truncate(EXAMPLES_PER_DRAFT);
        return Ok(all);
    };
    let builtin = examples::builtin(kind);
    let mut out = Vec::new();
    for source in chosen.iter().take(EXAMPLES_PER_DRAFT + 1) {
        match source {
            ExemplarSource::Builtin { .. } => {
                out.extend(builtin.iter().find(|e| &e.source == source).cloned());
            }
            ExemplarSource::Store { draft_id } => {
                let Some(store) = store else { continue };
                match store.show(*draft_id) {
                    Ok(doc) if doc.kind == kind => {
                        out.extend(examples::from_document(*draft_id, &doc));
                    }
                    Ok(_) | Err(StoreError::NoSuchDraft(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use gongwen_domain::structure;
    use gongwen_store::Key;

    use super::*;

    const OWN: &str = "青禾市教育局关于做好冬季校园安全工作的通知\n各区县教育局：\n为切实做好冬季校园安全工作，保障师生生命安全，现将有关事项通知如下：\n一、各学校要全面排查校舍、取暖设施和消防器材，发现隐患立即整改。\n二、各区县教育局要加强督导检查，确保各项措施落实到位。\n特此通知。";

    fn store_with_own_notice(dir: &std::path::Path) -> Store {
        let mut store = Store::open(&dir.join("g.db"), &Key::from_bytes([9; 32]))
            .unwrap_or_else(|e| panic!("{e}"));
        let doc = structure(OWN, Some(DocKind::Notice)).document;
        store
            .save(None, &doc, "2026-11-01T00:00:00Z")
            .unwrap_or_else(|e| panic!("{e}"));
        store
    }

    #[test]
    fn the_units_own_document_is_offered_first_and_used() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = store_with_own_notice(dir.path());
        let brief = "开展冬季校园安全检查，重点检查取暖设施和消防器材";
        let choices =
            example_choices(Some(&store), DocKind::Notice, brief).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(choices[0].source, ExemplarSource::Store { .. }));
        assert!(choices[0].chosen && choices[1].chosen);
        assert!(choices.iter().skip(2).all(|c| !c.chosen));
        let used = chosen_examples(Some(&store), DocKind::Notice, brief, None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(used.len(), EXAMPLES_PER_DRAFT);
        assert!(used[0].body.contains("取暖设施"));
        // Unticked: only what the user kept.
        let kept = [choices[1].source.clone()];
        let used = chosen_examples(Some(&store), DocKind::Notice, brief, Some(&kept))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(used.len(), 1);
        assert_eq!(used[0].source, choices[1].source);
    }

    #[test]
    fn without_a_store_the_builtin_examples_serve() {
        let choices =
            example_choices(None, DocKind::Request, "申请资金").unwrap_or_else(|e| panic!("{e}"));
        assert!(choices.len() >= 2);
        assert!(
            choices
                .iter()
                .all(|c| matches!(c.source, ExemplarSource::Builtin { .. }))
        );
        let gone = [ExemplarSource::Store { draft_id: 77 }];
        assert!(
            chosen_examples(None, DocKind::Request, "申请资金", Some(&gone))
                .unwrap_or_else(|e| panic!("{e}"))
                .is_empty()
        );
    }
}
