//! Proofreading rules for 公文. Pure: text in, findings out.
//!
//! A rule is one small unit (`rules/*.rs`): an id, a category, a severity,
//! the clause it enforces, a check, and its own examples of wrong and right
//! text, which the tests run. Findings carry character offsets (Unicode
//! scalar values), end exclusive, and a suggested replacement where one
//! exists: the user decides.

mod finding;
mod rules;
mod text;

pub use finding::{Category, Finding, RuleInfo, Severity};
pub use rules::{Rule, all_rules};
pub use text::Text;

/// Runs every rule on `text`; findings sorted by position.
pub fn check(text: &str) -> Vec<Finding> {
    let text = Text::new(text);
    let mut findings = Vec::new();
    for rule in all_rules() {
        rule.check(&text, &mut findings);
    }
    findings.sort_by(|a, b| (a.start, a.end, a.rule).cmp(&(b.start, b.end, b.rule)));
    findings
}

/// Applies the suggestions of `findings` to `text` (non-overlapping ones,
/// earliest first): what "accept all" does.
pub fn apply(text: &str, findings: &[Finding]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for finding in findings {
        let Some(suggestion) = &finding.suggestion else {
            continue;
        };
        if finding.start < at || finding.end > chars.len() {
            continue;
        }
        out.extend(&chars[at..finding.start]);
        out.push_str(suggestion);
        at = finding.end;
    }
    out.extend(&chars[at..]);
    out
}
