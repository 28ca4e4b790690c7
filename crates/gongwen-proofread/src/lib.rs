//! Proofreading rules for 公文. Pure: text in, findings out.
//!
//! A rule is one small unit (`rules/*.rs`): an id, a category, a severity,
//! the clause it enforces, a check, and its own examples of wrong and right
//! text, which the tests run. Findings carry character offsets (Unicode
//! scalar values), end exclusive, and a suggested replacement where one
//! exists: the user decides.

mod finding;
mod rules;
pub mod spelling;
mod text;

pub use finding::{Category, Finding, RuleInfo, Severity};
pub use rules::{Rule, all_rules};
pub use text::{Text, is_cjk, segmenter};

/// A unit's own words, kept in the store.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Never flag these: any finding that touches an occurrence is dropped.
    pub ignore: Vec<String>,
    /// The unit's vocabulary (names, 机关代字, local terms): spelling
    /// findings inside an occurrence are dropped; punctuation still counts.
    pub terms: Vec<String>,
}

/// Runs every rule on `text`; findings sorted by position.
pub fn check(text: &str) -> Vec<Finding> {
    let text = Text::new(text);
    let mut findings = Vec::new();
    for rule in all_rules() {
        rule.check(&text, &mut findings);
    }
    sort(&mut findings);
    findings
}

/// The order findings are reported in: by position, then rule id.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| (a.start, a.end, a.rule).cmp(&(b.start, b.end, b.rule)));
}

/// `check`, then the unit's ignore list and terms applied.
pub fn check_with(text: &str, options: &Options) -> Vec<Finding> {
    let mut findings = check(text);
    filter(text, &mut findings, options);
    findings
}

/// Drops the findings the unit's lists rule out. Used for the model's
/// suggestions too, so both obey the same lists.
pub fn filter(text: &str, findings: &mut Vec<Finding>, options: &Options) {
    let ignored = occurrences(text, &options.ignore);
    let terms = occurrences(text, &options.terms);
    let touches = |spans: &[(usize, usize)], f: &Finding| {
        spans.iter().any(|&(s, e)| f.start < e && s < f.end)
    };
    findings.retain(|f| {
        let unit_term = f.category == Category::Typo && touches(&terms, f);
        !(unit_term || touches(&ignored, f))
    });
}

/// Character spans of every occurrence of each word.
pub(crate) fn occurrences(text: &str, words: &[String]) -> Vec<(usize, usize)> {
    let text = Text::new(text);
    let mut spans = Vec::new();
    for word in words.iter().filter(|w| !w.is_empty()) {
        for (at, _) in text.source.match_indices(word.as_str()) {
            spans.push(text.span(at..at + word.len()));
        }
    }
    spans
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ignore_list_and_unit_terms_silence_what_they_cover() {
        let text = "会议由海阳局召集,请按时参加。";
        let mut options = Options::default();
        // A unit whose section is really called 帐务科 keeps its name.
        let text2 = "请向帐务科报送。";
        assert!(!check_with(text2, &options).is_empty());
        options.terms.push("帐务科".to_owned());
        assert!(check_with(text2, &options).is_empty());
        // Terms do not hide punctuation; the ignore list hides anything.
        assert!(
            check_with(text, &options)
                .iter()
                .any(|f| f.rule == "punct.half-width")
        );
        options.ignore.push("召集,".to_owned());
        assert!(check_with(text, &options).is_empty());
    }
}
