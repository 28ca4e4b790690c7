//! False alarms: on clean official prose the rules must stay quiet.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::collections::BTreeMap;

#[test]
fn at_most_two_percent_of_clean_sentences_get_any_finding() {
    let corpus = include_str!("../../../tests/corpus/clean-official.txt");
    let sentences: Vec<&str> = corpus.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(sentences.len() >= 1000);
    let mut flagged = 0;
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for sentence in &sentences {
        let findings = gongwen_proofread::check(sentence);
        if !findings.is_empty() {
            flagged += 1;
        }
        for f in findings {
            *by_rule.entry(f.rule).or_default() += 1;
        }
    }
    let rate = flagged as f64 / sentences.len() as f64;
    eprintln!(
        "clean corpus: {flagged} of {} sentences flagged ({:.2}%): {by_rule:?}",
        sentences.len(),
        rate * 100.0
    );
    assert!(
        rate <= 0.02,
        "{flagged} of {} flagged: {by_rule:?}",
        sentences.len()
    );
}

/// Whole documents, well formed: every rule, structure included, stays
/// quiet on them.
#[test]
fn well_formed_documents_get_no_finding() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/documents");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let findings = gongwen_proofread::check(&text);
        assert!(findings.is_empty(), "{}: {findings:#?}", path.display());
        seen += 1;
    }
    assert!(seen >= 6);
}
