//! Recall on a hand-written set of 公文 sentences (tests/proofread/typos.tsv:
//! one error each of the kinds the rules are meant to catch — non-words,
//! collocations, formula marks, mixed numbers — and clean sentences), rules
//! only. A sentence counts as caught when a finding touches its error.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::collections::BTreeMap;

struct Case<'a> {
    class: &'a str,
    wrong: &'a str,
    right: &'a str,
}

fn cases() -> Vec<Case<'static>> {
    include_str!("../../../tests/proofread/typos.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Case {
                class: f[0],
                wrong: f[1],
                right: f[2],
            }
        })
        .collect()
}

/// The character range where `wrong` and `right` differ.
fn difference(wrong: &str, right: &str) -> (usize, usize) {
    let w: Vec<char> = wrong.chars().collect();
    let r: Vec<char> = right.chars().collect();
    let start = w.iter().zip(&r).take_while(|(a, b)| a == b).count();
    let same_end = w
        .iter()
        .rev()
        .zip(r.iter().rev())
        .take_while(|(a, b)| a == b)
        .count()
        .min(w.len().min(r.len()) - start);
    (start, (w.len() - same_end).max(start + 1))
}

#[test]
fn rules_catch_nine_in_ten_errors_and_stay_quiet_on_clean_sentences() {
    let cases = cases();
    let mut caught: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut fixed = 0;
    let mut errors = 0;
    let mut missed = Vec::new();
    let mut false_alarms = Vec::new();
    let mut clean = 0;
    for case in &cases {
        let findings = gongwen_proofread::check(case.wrong);
        if case.class == "clean" {
            clean += 1;
            if !findings.is_empty() {
                false_alarms.push(format!(
                    "{} {:?}",
                    case.wrong,
                    findings.iter().map(|f| &f.message).collect::<Vec<_>>()
                ));
            }
            continue;
        }
        errors += 1;
        let (start, end) = difference(case.wrong, case.right);
        let hit = findings.iter().any(|f| f.start < end && start < f.end);
        let entry = caught.entry(case.class).or_default();
        entry.1 += 1;
        if hit {
            entry.0 += 1;
            if gongwen_proofread::apply(case.wrong, &findings) == case.right {
                fixed += 1;
            }
        } else {
            missed.push(format!("{}: {}", case.class, case.wrong));
        }
    }
    let found: usize = caught.values().map(|c| c.0).sum();
    let recall = found as f64 / errors as f64;
    let false_rate = false_alarms.len() as f64 / clean as f64;
    eprintln!(
        "typo set: recall {recall:.3} ({found}/{errors}), fixed exactly {fixed}, by class {caught:?}; clean flagged {}/{clean}\nmissed: {missed:#?}\nfalse alarms: {false_alarms:#?}",
        false_alarms.len()
    );
    assert!(errors >= 100 && clean >= 50);
    assert!(recall >= 0.90, "recall {recall:.3}: missed {missed:#?}");
    assert!(false_rate <= 0.02, "false alarms {false_alarms:#?}");
}
