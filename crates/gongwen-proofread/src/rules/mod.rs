//! The rule catalogue. Each rule: id, category, severity, reference, a
//! check, and examples (wrong → right) that the tests run.

mod dates;
mod doc_number;
mod expression;
mod formula;
mod kind;
mod marks;
mod misused;
mod mixed_numbers;
mod nonword;
mod numbers;
mod parts;
mod personal;
mod punctuation;
mod structure;

pub(crate) use nonword::doubtful;
pub(crate) use parts::Parts;

use regex::{Captures, Regex};

use crate::{Finding, RuleInfo, text::Text};

pub trait Rule: Sync {
    fn info(&self) -> &'static RuleInfo;
    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>);
    /// Pairs of (wrong, right): the rule must flag `wrong`, its suggestions
    /// must turn it into `right`, and `right` must be clean.
    fn examples(&self) -> &'static [(&'static str, &'static str)];
}

/// Every rule, in catalogue order.
pub fn all_rules() -> &'static [&'static dyn Rule] {
    &[
        &punctuation::HalfWidthInChinese,
        &punctuation::DoubledMark,
        &punctuation::SerialNumberMark,
        &punctuation::DunhaoBeforeDeng,
        &punctuation::DunhaoBetweenQuoted,
        &punctuation::DunhaoInApproximateNumber,
        &formula::LeadInColon,
        &formula::ClosingFormula,
        &marks::StraySpace,
        &marks::UnpairedMark,
        &dates::ImpossibleDate,
        &dates::WeekdayMismatch,
        &dates::LeadingZeroInDate,
        &parts::WrittenDateInArabic,
        &numbers::NumberRange,
        &mixed_numbers::MixedNumber,
        &doc_number::DocNumberForm,
        &structure::HeadingSequence,
        &parts::TitleEndsWithKind,
        &parts::RecipientColon,
        &parts::AttachmentNote,
        &kind::TitleFinalPunctuation,
        &kind::ReportCarriesNoRequest,
        &kind::RequestClosing,
        &kind::RequestOneRecipient,
        &kind::RequestOneMatter,
        &misused::MisusedWord,
        &misused::VariantForm,
        &misused::ConfusableWord,
        &nonword::NonWord,
        &expression::Expression,
        &personal::IdCardNumber,
        &personal::BankCardNumber,
    ]
}

/// A finding for a byte range of `text`, with the rule's own metadata.
pub(crate) fn finding(
    info: &'static RuleInfo,
    text: &Text<'_>,
    bytes: std::ops::Range<usize>,
    message: impl Into<String>,
    suggestion: Option<String>,
) -> Finding {
    let (start, end) = text.span(bytes);
    Finding {
        rule: info.id,
        category: info.category,
        severity: info.severity,
        start,
        end,
        message: message.into(),
        suggestion,
    }
}

/// Runs `re` over the text and turns each accepted match into a finding.
/// `judge` returns (message, suggestion) or None to let the match pass.
pub(crate) fn each_match(
    info: &'static RuleInfo,
    re: &Regex,
    text: &Text<'_>,
    out: &mut Vec<Finding>,
    mut judge: impl FnMut(&Captures<'_>) -> Option<(String, Option<String>)>,
) {
    for caps in re.captures_iter(text.source) {
        let Some(whole) = caps.get(0) else { continue };
        if let Some((message, suggestion)) = judge(&caps) {
            out.push(finding(info, text, whole.range(), message, suggestion));
        }
    }
}

macro_rules! pattern {
    ($name:ident, $pattern:expr) => {
        static $name: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new($pattern)
                .unwrap_or_else(|e| panic!("bad built-in pattern {}: {e}", stringify!($name)))
        });
    };
}
pub(crate) use pattern;

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::{Text, apply};

    fn findings_of(rule: &dyn Rule, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        rule.check(&Text::new(text), &mut out);
        out.sort_by_key(|f| (f.start, f.end));
        out
    }

    #[test]
    fn every_rule_flags_its_wrong_examples_and_passes_its_right_ones() {
        for rule in all_rules() {
            let id = rule.info().id;
            assert!(!rule.examples().is_empty(), "{id} has no examples");
            for (wrong, right) in rule.examples() {
                let found = findings_of(*rule, wrong);
                assert!(!found.is_empty(), "{id} missed {wrong:?}");
                for f in &found {
                    assert_eq!(f.rule, id);
                    assert!(f.start < f.end, "{id}: empty span in {wrong:?}");
                }
                if found.iter().any(|f| f.suggestion.is_some()) {
                    assert_eq!(
                        apply(wrong, &found),
                        *right,
                        "{id}: suggestions on {wrong:?}"
                    );
                }
                let clean = findings_of(*rule, right);
                assert!(
                    clean.is_empty(),
                    "{id} flags the right form {right:?}: {clean:?}"
                );
            }
        }
    }

    #[test]
    fn rule_ids_are_unique_and_referenced() {
        let mut ids = HashSet::new();
        for rule in all_rules() {
            let info = rule.info();
            assert!(ids.insert(info.id), "duplicate id {}", info.id);
            assert!(
                !info.reference.is_empty() && !info.summary.is_empty(),
                "{}",
                info.id
            );
        }
    }
}
