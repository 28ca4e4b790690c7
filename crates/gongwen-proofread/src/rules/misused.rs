//! Misused words (错别字): 别字, 异形词 and confusable pairs from
//! `assets/proofread/misused-words.tsv` (its header documents the format).
//!
//! One table, three rules (one per kind of list), so a unit can turn the
//! 异形词 advice off without losing the 别字. Every entry is guarded twice:
//! by its own context conditions, and, for short entries, by word
//! segmentation, because a two-character "wrong" form is often just the seam
//! between two right words (一份|内部 holds 份内).

use std::{ops::Range, sync::LazyLock};

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use super::{Rule, finding};
use crate::{
    Category, Finding, RuleInfo, Severity,
    text::{JIEBA, Text},
};

const DATA: &str = include_str!("../../../../assets/proofread/misused-words.tsv");

/// Entries this long or shorter must line up with word boundaries.
const SEGMENTED_UP_TO: usize = 3;

/// How far around a match segmentation looks (characters each side).
const WINDOW: usize = 12;

pub(crate) struct Entry {
    pub wrong: &'static str,
    pub right: &'static str,
    pub rule: &'static str,
    pub basis: &'static str,
    next: Option<Regex>,
    not_next: Option<Regex>,
    prev: Option<Regex>,
    not_prev: Option<Regex>,
    /// For guarded entries: a sentence the entry must flag.
    pub example: Option<&'static str>,
    /// The wrong form is wrong wherever it occurs: no segmentation check.
    anywhere: bool,
}

impl Entry {
    pub fn is_guarded(&self) -> bool {
        self.next.is_some() || self.prev.is_some()
    }

    /// Short unguarded entries must line up with words; entries with their
    /// own context conditions are judged by those.
    fn needs_segmentation(&self) -> bool {
        !self.anywhere && !self.is_guarded() && self.wrong.chars().count() <= SEGMENTED_UP_TO
    }

    fn context_allows(&self, before: &str, after: &str) -> bool {
        let hit = |re: &Option<Regex>, s: &str| re.as_ref().map(|re| re.is_match(s));
        hit(&self.next, after) != Some(false)
            && hit(&self.prev, before) != Some(false)
            && hit(&self.not_next, after) != Some(true)
            && hit(&self.not_prev, before) != Some(true)
    }
}

pub(crate) struct Table {
    pub entries: Vec<Entry>,
    pub matcher: AhoCorasick,
}

/// Parses the built-in table. The data ships with the binary and the tests
/// load it, so a malformed line is a build defect: it panics with its line.
fn parse(data: &'static str) -> Table {
    let mut entries = Vec::new();
    let mut section: Option<(&'static str, &'static str)> = None;
    for (n, line) in data.lines().enumerate() {
        let n = n + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&'static str> = line.split('\t').collect();
        if fields[0] == "@source" {
            match fields[..] {
                [_, rule, basis] => section = Some((rule, basis)),
                _ => panic!("misused-words.tsv:{n}: @source needs a rule and a basis"),
            }
            continue;
        }
        let Some((rule, basis)) = section else {
            panic!("misused-words.tsv:{n}: entry before any @source line");
        };
        let (wrong, right, conditions) = match fields[..] {
            [wrong, right] => (wrong, right, ""),
            [wrong, right, conditions] => (wrong, right, conditions),
            _ => panic!("misused-words.tsv:{n}: expected 2 or 3 fields"),
        };
        let mut entry = Entry {
            wrong,
            right,
            rule,
            basis,
            next: None,
            not_next: None,
            prev: None,
            not_prev: None,
            example: None,
            anywhere: false,
        };
        for condition in conditions.split(' ').filter(|c| !c.is_empty()) {
            if condition == "anywhere" {
                entry.anywhere = true;
                continue;
            }
            let (key, value) = condition
                .split_once('=')
                .unwrap_or_else(|| panic!("misused-words.tsv:{n}: bad condition {condition}"));
            let re = || {
                Regex::new(value)
                    .unwrap_or_else(|e| panic!("misused-words.tsv:{n}: bad pattern: {e}"))
            };
            match key {
                "next" => entry.next = Some(re()),
                "!next" => entry.not_next = Some(re()),
                "prev" => entry.prev = Some(re()),
                "!prev" => entry.not_prev = Some(re()),
                "eg" => entry.example = Some(value),
                _ => panic!("misused-words.tsv:{n}: unknown condition {key}"),
            }
        }
        entries.push(entry);
    }
    let matcher = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(entries.iter().map(|e| e.wrong))
        .unwrap_or_else(|e| panic!("misused-words.tsv: {e}"));
    Table { entries, matcher }
}

pub(crate) static TABLE: LazyLock<Table> = LazyLock::new(|| parse(DATA));

/// Whether `m` (a byte range of `source`) starts and ends on word
/// boundaries of the surrounding clause.
fn on_word_boundaries(source: &str, m: &Range<usize>) -> bool {
    let is_break = |c: char| !crate::text::is_cjk(c) || "，。；：！？、（）《》“”‘’".contains(c);
    let mut start = m.start;
    for (i, c) in source[..m.start].char_indices().rev().take(WINDOW) {
        if is_break(c) {
            break;
        }
        start = i;
    }
    let mut end = m.end;
    for (i, c) in source[m.end..].char_indices().take(WINDOW) {
        if is_break(c) {
            break;
        }
        end = m.end + i + c.len_utf8();
    }
    let mut at = start;
    let mut starts_on = m.start == start;
    let mut ends_on = m.end == end;
    for word in JIEBA.cut(&source[start..end], false) {
        at += word.word.len();
        starts_on |= at == m.start;
        ends_on |= at == m.end;
    }
    starts_on && ends_on
}

fn check_kind(info: &'static RuleInfo, text: &Text<'_>, out: &mut Vec<Finding>) {
    let table = &*TABLE;
    let source = text.source;
    for m in table.matcher.find_iter(source) {
        let Some(entry) = table.entries.get(m.pattern().as_usize()) else {
            continue;
        };
        if entry.rule != info.id
            || !entry.context_allows(&source[..m.start()], &source[m.end()..])
            || (entry.needs_segmentation() && !on_word_boundaries(source, &m.range()))
        {
            continue;
        }
        out.push(finding(
            info,
            text,
            m.range(),
            format!("“{}”应为“{}”（{}）", entry.wrong, entry.right, entry.basis),
            Some(entry.right.to_owned()),
        ));
    }
}

pub struct MisusedWord;

static MISUSED: RuleInfo = RuleInfo {
    id: "typo.misused",
    category: Category::Typo,
    severity: Severity::Error,
    reference: "《现代汉语词典》（第7版）、《通用规范汉字表》（2013）规范词形（assets/proofread/misused-words.tsv）",
    summary: "常见别字",
};

impl Rule for MisusedWord {
    fn info(&self) -> &'static RuleInfo {
        &MISUSED
    }
    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        check_kind(&MISUSED, text, out);
    }
    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "抓好工作布署，认真惯彻落实。",
                "抓好工作部署，认真贯彻落实。",
            ),
            ("建立工作台帐", "建立工作台账"),
        ]
    }
}

pub struct VariantForm;

static VARIANT: RuleInfo = RuleInfo {
    id: "typo.variant",
    category: Category::Typo,
    severity: Severity::Warning,
    reference: "《第一批异形词整理表》（GF 1001—2001）",
    summary: "异形词未用推荐词形",
};

impl Rule for VariantForm {
    fn info(&self) -> &'static RuleInfo {
        &VARIANT
    }
    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        check_kind(&VARIANT, text, out);
    }
    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[("调整产业结构的成份", "调整产业结构的成分")]
    }
}

pub struct ConfusableWord;

static CONFUSABLE: RuleInfo = RuleInfo {
    id: "typo.confusable",
    category: Category::Typo,
    severity: Severity::Warning,
    reference: "《现代汉语词典》（第7版）释义：截止/截至、必需/必须、泄露/泄漏等",
    summary: "易混词误用",
};

impl Rule for ConfusableWord {
    fn info(&self) -> &'static RuleInfo {
        &CONFUSABLE
    }
    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        check_kind(&CONFUSABLE, text, out);
    }
    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "截止2026年10月底，已完成90%。",
                "截至2026年10月底，已完成90%。",
            ),
            ("报名截至日期为11月30日。", "报名截止日期为11月30日。"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::{all_rules, apply};

    fn findings(text: &str) -> Vec<Finding> {
        let text = Text::new(text);
        let mut out = Vec::new();
        for rule in [&MisusedWord as &dyn Rule, &VariantForm, &ConfusableWord] {
            rule.check(&text, &mut out);
        }
        out.sort_by_key(|f| (f.start, f.end));
        out
    }

    #[test]
    fn the_table_holds_over_a_thousand_distinct_entries_of_known_rules() {
        let table = &*TABLE;
        assert!(table.entries.len() >= 1000, "{}", table.entries.len());
        let ids: HashSet<&str> = all_rules().iter().map(|r| r.info().id).collect();
        let mut wrongs = HashSet::new();
        for e in &table.entries {
            assert!(ids.contains(e.rule), "unknown rule {}", e.rule);
            assert!(wrongs.insert(e.wrong), "{} listed twice", e.wrong);
            assert_ne!(e.wrong, e.right);
            assert!(
                !e.is_guarded() || e.example.is_some(),
                "{}: guarded without eg=",
                e.wrong
            );
        }
    }

    /// Every entry: its wrong form (alone, or in its example when guarded)
    /// is flagged, the suggestion gives the right form, and the right form
    /// is clean.
    #[test]
    fn every_entry_flags_its_wrong_form_and_passes_its_right_form() {
        let mut failures = Vec::new();
        for e in &TABLE.entries {
            let wrong = e.example.unwrap_or(e.wrong);
            let right = wrong.replacen(e.wrong, e.right, 1);
            let found = findings(wrong);
            if apply(wrong, &found) != right {
                failures.push(format!("{wrong} → {:?}", apply(wrong, &found)));
            }
            let clean = findings(&right);
            if !clean.is_empty() {
                failures.push(format!("{right} flagged: {clean:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn a_wrong_form_spanning_two_right_words_is_left_alone() {
        for sentence in [
            "请各单位报送一份内部文件。",
            "这是一个有代表性的案例。",
            "协商确定实施方案。",
            "逾期未还的借款须及时催收。",
            "冷不防出现新问题。",
        ] {
            assert!(
                findings(sentence).is_empty(),
                "{sentence}: {:?}",
                findings(sentence)
            );
        }
    }

    #[test]
    fn context_conditions_decide_confusable_pairs() {
        assert_eq!(apply("截止目前", &findings("截止目前")), "截至目前");
        assert!(findings("截止日期为12月1日").is_empty());
        assert!(findings("截止到12月1日").is_empty());
        assert_eq!(
            apply("防止泄漏国家秘密", &findings("防止泄漏国家秘密")),
            "防止泄露国家秘密"
        );
        assert!(findings("防止天然气泄漏").is_empty());
        assert!(findings("药品不良反应情况").is_empty());
        assert!(findings("生活必需品").is_empty());
    }
}
