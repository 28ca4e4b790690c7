//! What a summary point or a task asserts that can be checked mechanically
//! against its source: numbers (Arabic, or Chinese numerals with a measure
//! word), dates (as their numbers), names (jieba's person, place and
//! organisation words, and words ending like an organisation) and 《titles》;
//! plus how much of its wording the source holds.

use std::{collections::HashSet, sync::LazyLock};

use gongwen_domain::structure::chinese_number;
use regex::Regex;
use serde::Serialize;

macro_rules! re {
    ($name:ident, $pattern:expr) => {
        #[allow(clippy::unwrap_used)] // a constant pattern, covered by tests
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pattern).unwrap());
    };
}

re!(ARABIC, r"[0-9０-９]+(?:[.．][0-9０-９]+)?");
re!(
    CHINESE_NUMBER,
    r"[〇零一二两三四五六七八九十百千万亿]+(?:[个项所名人年月日条家次批类件元天周岁户座亩台辆种位处份期届倍]|万元|亿元)"
);
re!(TITLE, r"《[^《》]{1,60}》");
// Units a reader takes whole: a day (5月31日), an amount (800万元), a share
// (78%). Matched on text whose numerals are already digits.
re!(
    UNIT,
    r"(\d+)月(\d+)日|(\d+(?:\.\d+)?)(万元|亿元|元|万吨|吨|万人|公里|%)"
);
// 万 and 亿 stay words: 800万元 must not become 80010000元.
re!(
    CHINESE_RUN,
    r"[〇零一二两三四五六七八九十][〇零一二两三四五六七八九十百千]*"
);

/// Words that turn a statement round: a point that has more of them than
/// its source says something else. Compounds where the character is no
/// negation (不断, 未来, 无人机…) are not counted.
const NEGATIONS: [(&str, &[&str]); 5] = [
    (
        "不",
        &["不断", "不少", "不仅", "不同", "不久", "不良", "不论"],
    ),
    ("未", &["未来"]),
    ("没有", &[]),
    ("无", &["无人机", "无线", "无论"]),
    ("禁止", &[]),
];

/// Organisation-like endings: jieba does not tag every 机关 as one.
pub(crate) const ORG_ENDINGS: [&str; 22] = [
    "局",
    "厅",
    "委",
    "办",
    "部",
    "院",
    "署",
    "处",
    "科",
    "中心",
    "政府",
    "委员会",
    "办公室",
    "公司",
    "集团",
    "学校",
    "医院",
    "大学",
    "街道",
    "支队",
    "大队",
    "小组",
];

/// Fact kinds, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    Number,
    Name,
    Title,
    /// A day, an amount or a share, taken whole.
    Unit,
    /// A negation the source does not have.
    Negation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub kind: FactKind,
    pub text: String,
}

/// Normalised numbers in a text: Arabic digit runs (full-width folded) and
/// Chinese numerals that a measure word marks as quantities.
pub fn numbers(text: &str) -> HashSet<String> {
    let mut out: HashSet<String> = ARABIC
        .find_iter(text)
        .map(|m| normalise_arabic(m.as_str()))
        .collect();
    for m in CHINESE_NUMBER.find_iter(text) {
        let digits: String = m
            .as_str()
            .chars()
            .take_while(|c| "〇零一二两三四五六七八九十百千万亿".contains(*c))
            .collect();
        if let Some(n) = chinese_number(&digits.replace('两', "二")) {
            out.insert(n.to_string());
        }
    }
    out
}

/// Arabic numbers only, normalised as in [`numbers`].
pub fn arabic_numbers(text: &str) -> HashSet<String> {
    ARABIC
        .find_iter(text)
        .map(|m| normalise_arabic(m.as_str()))
        .collect()
}

/// The 《titles》 a text cites.
pub fn titles(text: &str) -> impl Iterator<Item = &str> {
    TITLE.find_iter(text).map(|m| m.as_str())
}

fn normalise_arabic(s: &str) -> String {
    let folded = fold_digits(s);
    // "08" and "8" are the same number in a date.
    match folded.split_once('.') {
        Some((int, frac)) => format!("{}.{frac}", int.trim_start_matches('0').max("0")),
        None => {
            let t = folded.trim_start_matches('0');
            if t.is_empty() {
                "0".to_owned()
            } else {
                t.to_owned()
            }
        }
    }
}

/// Full-width digits and decimal point as ASCII.
pub(crate) fn fold_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFF10 + 0x30).unwrap_or(c),
            '．' => '.',
            c => c,
        })
        .collect()
}

/// Names in a text: what jieba tags as a person, place, organisation or
/// other proper noun, and words with an organisation's ending.
pub fn names(text: &str) -> Vec<String> {
    let jieba = gongwen_proofread::segmenter();
    let mut out: Vec<String> = Vec::new();
    for tag in jieba.tag(text, true) {
        let chars = tag.word.chars().count();
        if chars < 2 || !tag.word.chars().all(is_han) {
            continue;
        }
        let proper = matches!(tag.tag, "nr" | "ns" | "nt" | "nz" | "nrt" | "nrfg");
        let org = chars >= 3 && ORG_ENDINGS.iter().any(|e| tag.word.ends_with(e));
        if (proper || org) && !out.iter().any(|w| w == tag.word) {
            out.push(tag.word.to_owned());
        }
    }
    out
}

fn is_han(c: char) -> bool {
    gongwen_proofread::is_cjk(c) && c.is_alphabetic()
}

/// The checkable facts of a claim.
pub fn facts(claim: &str) -> Vec<Fact> {
    let mut out: Vec<Fact> = Vec::new();
    let mut numbers: Vec<String> = numbers(claim).into_iter().collect();
    numbers.sort();
    out.extend(numbers.into_iter().map(|text| Fact {
        kind: FactKind::Number,
        text,
    }));
    out.extend(names(claim).into_iter().map(|text| Fact {
        kind: FactKind::Name,
        text,
    }));
    out.extend(TITLE.find_iter(claim).map(|m| Fact {
        kind: FactKind::Title,
        text: m.as_str().to_owned(),
    }));
    out
}

/// Share of the claim's two-character Chinese pieces that occur in the
/// source: 1.0 = every piece of its wording is there.
pub fn coverage(claim: &str, source: &str) -> f32 {
    let source_pairs: HashSet<(char, char)> = han_pairs(source).collect();
    let claim_pairs: Vec<(char, char)> = han_pairs(claim).collect();
    if claim_pairs.is_empty() {
        return 0.0;
    }
    let found = claim_pairs
        .iter()
        .filter(|p| source_pairs.contains(p))
        .count();
    found as f32 / claim_pairs.len() as f32
}

fn han_pairs(text: &str) -> impl Iterator<Item = (char, char)> + '_ {
    let chars: Vec<char> = text.chars().collect();
    (1..chars.len())
        .map(move |i| (chars[i - 1], chars[i]))
        .filter(|(a, b)| is_han(*a) && is_han(*b))
}

/// Whether a claim rests on its source text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Facts of the claim that the source does not hold.
    pub missing: Vec<Fact>,
    pub coverage: f32,
}

impl Verdict {
    pub fn holds(&self, min_coverage: f32) -> bool {
        self.missing.is_empty() && self.coverage >= min_coverage
    }

    /// Plain Chinese: why a claim was not accepted.
    pub fn reason(&self, min_coverage: f32) -> String {
        if let Some(fact) = self.missing.first() {
            let what = match fact.kind {
                FactKind::Number => "数字",
                FactKind::Name => "名称",
                FactKind::Title => "文件名",
                FactKind::Unit => "日期或数额",
                FactKind::Negation => {
                    return format!(
                        "要点中的否定词“{}”在所引段落中没有，意思可能被说反了",
                        fact.text
                    );
                }
            };
            format!("{what}“{}”在所引段落中找不到", fact.text)
        } else if self.coverage < min_coverage {
            format!("与所引段落的文字重合过少（{:.0}%）", self.coverage * 100.0)
        } else {
            String::new()
        }
    }
}

pub fn verify(claim: &str, source: &str) -> Verdict {
    let source_numbers = numbers(source);
    let mut missing: Vec<Fact> = facts(claim)
        .into_iter()
        .filter(|f| match f.kind {
            FactKind::Number => !source_numbers.contains(&f.text),
            FactKind::Name | FactKind::Title => !source.contains(&f.text),
            FactKind::Unit | FactKind::Negation => false,
        })
        .collect();
    // 5月1日 … 3月31日 in the source is not 5月31日: days, amounts and
    // shares must occur whole.
    let source_units = units(source);
    missing.extend(
        units(claim)
            .into_iter()
            .filter(|u| !source_units.contains(u))
            .map(|text| Fact {
                kind: FactKind::Unit,
                text,
            }),
    );
    // An inserted 不 turns the source round.
    missing.extend(
        NEGATIONS
            .iter()
            .filter(|(word, except)| {
                negations(claim, word, except) > negations(source, word, except)
            })
            .map(|(word, _)| Fact {
                kind: FactKind::Negation,
                text: (*word).to_owned(),
            }),
    );
    Verdict {
        missing,
        coverage: coverage(claim, source),
    }
}

/// The days, amounts and shares of a text, canonical (leading zeros and
/// full-width digits folded, Chinese numerals read).
fn units(text: &str) -> HashSet<String> {
    let digits = CHINESE_RUN.replace_all(text, |caps: &regex::Captures<'_>| {
        let run = caps[0].replace('两', "二");
        chinese_number(&run).map_or_else(|| caps[0].to_owned(), |n| n.to_string())
    });
    let folded = fold_digits(&digits).replace('％', "%");
    UNIT.captures_iter(&folded)
        .map(|c| match (c.get(1), c.get(2), c.get(3), c.get(4)) {
            (Some(m), Some(d), _, _) => {
                format!(
                    "{}月{}日",
                    normalise_arabic(m.as_str()),
                    normalise_arabic(d.as_str())
                )
            }
            (_, _, Some(n), Some(unit)) => {
                format!("{}{}", normalise_arabic(n.as_str()), unit.as_str())
            }
            _ => String::new(),
        })
        .filter(|u| !u.is_empty())
        .collect()
}

/// How often `word` occurs as a negation (not inside one of `except`).
fn negations(text: &str, word: &str, except: &[&str]) -> usize {
    let all = text.matches(word).count();
    let inside: usize = except.iter().map(|e| text.matches(e).count()).sum();
    all.saturating_sub(inside)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "市教育局申请拨付2026年农村学校校舍维修专项资金800万元，涉及三十二所学校，预计9月底前完工。";

    #[test]
    fn numbers_fold_forms() {
        let n = numbers(SOURCE);
        for x in ["2026", "800", "32", "9"] {
            assert!(n.contains(x), "{x}: {n:?}");
        }
        assert!(numbers("３月０８日").contains("8"));
        assert!(numbers("一是加强领导，十分重要").is_empty());
    }

    #[test]
    fn a_faithful_claim_holds() {
        let v = verify("市教育局申请800万元校舍维修资金，涉及32所学校", SOURCE);
        assert!(v.holds(0.5), "{v:?}");
    }

    #[test]
    fn invented_numbers_and_names_do_not() {
        let v = verify("市教育局申请900万元校舍维修资金", SOURCE);
        assert_eq!(v.missing[0].text, "900");
        assert!(v.reason(0.5).contains("900"));
        let v = verify("市财政局申请800万元校舍维修资金", SOURCE);
        assert!(v.missing.iter().any(|f| f.text.contains("财政局")), "{v:?}");
        let v = verify("依据《校舍安全条例》维修校舍", SOURCE);
        assert!(v.missing.iter().any(|f| f.kind == FactKind::Title));
    }

    #[test]
    fn days_and_amounts_are_taken_whole() {
        let source = "5月1日起施行，原办法3月31日废止，共投入1200万元，完成计划的78%。";
        let v = verify("办法5月31日起施行", source);
        assert!(v.missing.iter().any(|f| f.text == "5月31日"), "{v:?}");
        assert!(v.reason(0.5).contains("日期或数额"));
        assert!(
            verify("办法5月1日起施行，投入1200万元", source)
                .missing
                .is_empty()
        );
        // 1200 and 78 are in the source, but not as 78万元.
        assert!(!verify("投入78万元", source).missing.is_empty());
        // The source may write the day in Chinese numerals.
        assert!(
            verify("3月31日废止", "原办法三月三十一日废止。")
                .missing
                .is_empty()
        );

        assert!(verify("完成计划的78％", source).missing.is_empty());
    }

    #[test]
    fn an_inserted_negation_fails() {
        let source = "各单位要在6月10日前报送检查情况。";
        let v = verify("各单位不要在6月10日前报送检查情况", source);
        assert!(
            v.missing.iter().any(|f| f.kind == FactKind::Negation),
            "{v:?}"
        );
        assert!(v.reason(0.5).contains("说反"));
        // A negation the source has, and 不断 which is none, pass.
        assert!(
            verify("不得迟报", "各单位不得迟报、漏报。")
                .missing
                .is_empty()
        );
        assert!(verify("不断加强检查", "持续加强检查。").missing.is_empty());
    }

    #[test]
    fn unrelated_wording_is_low_coverage() {
        let v = verify("全面加强党的建设，推动高质量发展", SOURCE);
        assert!(v.missing.is_empty());
        assert!(!v.holds(0.5));
    }
}
