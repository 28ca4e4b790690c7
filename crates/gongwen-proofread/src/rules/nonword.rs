//! Non-words (别字 that no list holds): a stretch of 2–4 characters that is
//! not a word, where one character swapped for a homophone or look-alike
//! gives a dictionary word or idiom that also makes the clause read better.
//!
//! "Reads better" is jieba's own measure: the log-probability of the
//! clause's best segmentation under its unigram dictionary. 再接再励 falls
//! apart into four lone characters; 再接再厉 is one idiom, many nats more
//! likely. A swap that only trades one good reading for another (在会上 →
//! 再会上) gains nothing and is left alone. The search starts only at
//! characters segmentation leaves alone — the mark a broken word leaves:
//! two- and three-character words where two lone ones stand side by side,
//! idioms at any lone one (众志成诚 reads 众/志成/诚) — so clean prose
//! costs little more than one segmentation pass.

use std::ops::ControlFlow;

use super::{Rule, finding, misused::TABLE};
use crate::{
    Category, Finding, RuleInfo, Severity,
    spelling::confusables,
    text::{JIEBA, Text},
};

pub struct NonWord;

static NON_WORD: RuleInfo = RuleInfo {
    id: "typo.nonword",
    category: Category::Typo,
    severity: Severity::Warning,
    reference: "《现代汉语词典》（第7版）、《通用规范汉字表》（2013）；结巴分词词典（含成语）与同音、形近字表（assets/proofread/confusion）",
    summary: "疑似别字（不成词）",
};

/// ln of the jieba dictionary's total count (about 6.0 × 10⁷): a token's
/// log-probability is ln(freq) minus this.
const LOG_TOTAL: f64 = 17.91;

/// How much more likely (in nats) the corrected clause must read: an idiom
/// restored (4 characters) is rarely a coincidence; a two- or three-
/// character word needs a clearer gain, because jieba's general dictionary
/// lacks many words of today's 公文 (提标, 驻村) whose pieces look like
/// broken common words. Set on the clean corpus (tests/corpus/
/// clean-official.txt) and the typo set (tests/proofread/typos.tsv).
const MIN_GAIN_IDIOM: f64 = 6.0;
const MIN_GAIN_WORD: f64 = 7.0;

/// Words of today's 公文 that jieba's dictionary lacks: never "corrected".
static VOCABULARY: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        include_str!("../../../../assets/proofread/vocabulary.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    });

/// What follows (or precedes) a proper name: 齐圣村, 一冶集团, 镇姜曹村.
const NAME_ENDINGS: &str =
    "村镇乡街道社区居民区集团公司有限百货银行学校大学医院县区市省湖山河路街园厂矿站局场馆庄屯寨坊";

/// A suggested word must be at least this common in jieba's counts: rarer
/// entries are as often names or archaic forms as real words.
const MIN_FREQ: usize = 10;

/// Characters that stand alone all the time (的, 在, 是…): a lone one is
/// grammar, not a broken word, so the search never swaps them.
const FUNCTION: &str = "的了是在和与及或等对为将把被从向于以之其各本该有无不没也都并又还就才要可能会应让使给由按据到至中上下内外时后前里个年月日次项名位家所人我你他她它们这那此每一二三四五六七八九十百千万亿两几多少并而但即如若因且则已曾更最很再";

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF)
}

/// Byte ranges of text quoted or titled (《…》, “…”, ‘…’, 「…」): names
/// and quotations are the writer's, not ours to respell.
fn protected(source: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    for (open, close) in [('《', '》'), ('“', '”'), ('‘', '’'), ('「', '」')] {
        let mut from = 0;
        while let Some(start) = source[from..].find(open).map(|i| from + i) {
            let after = start + open.len_utf8();
            let Some(end) = source[after..]
                .find(close)
                .map(|i| after + i + close.len_utf8())
            else {
                break;
            };
            out.push(start..end);
            from = end;
        }
    }
    out
}

/// Log-probability of the clause's best segmentation.
fn reading(clause: &str) -> f64 {
    JIEBA
        .cut(clause, false)
        .iter()
        .map(|t| word_logp(t.word))
        .sum()
}

fn word_logp(word: &str) -> f64 {
    let freq = if JIEBA.has_word(word) {
        JIEBA.suggest_freq(word)
    } else {
        1
    };
    (freq as f64).ln() - LOG_TOTAL
}

/// Where jieba (with its name model) reads a person's name in a short
/// clause, as in a list of attendees (陈静、王磊): names are the writer's.
/// In running prose the name model also takes typos for names (严励), so
/// it is not asked there. Character ranges.
fn person_names(clause: &str, chars: usize) -> Vec<std::ops::Range<usize>> {
    if chars > 12 {
        return Vec::new();
    }
    let mut at = 0;
    let mut names = Vec::new();
    for t in JIEBA.tag(clause, true) {
        let n = t.word.chars().count();
        if t.tag == "nr" && (2..=3).contains(&n) {
            names.push(at..at + n);
        }
        at += n;
    }
    names
}

/// Whether a word of the 公文 vocabulary covers any part of the window.
fn known_around(chars: &[char], start: usize, end: usize) -> bool {
    let from = start.saturating_sub(5);
    let to = (end + 5).min(chars.len());
    (from..to).any(|a| {
        (a + 2..=to.min(a + 6)).any(|b| {
            b > start && a < end && {
                let piece: String = chars[a..b].iter().collect();
                VOCABULARY.contains(piece.as_str())
            }
        })
    })
}

struct Swap {
    /// Character range of the word in the clause.
    start: usize,
    end: usize,
    word: String,
    gain: f64,
}

/// The words of a clause's best segmentation.
fn words(clause: &str) -> Vec<&str> {
    JIEBA.cut(clause, false).iter().map(|t| t.word).collect()
}

/// Which of a clause's `chars` its segmentation (`words`) leaves alone.
fn lone_characters(words: &[&str], chars: &[char]) -> Vec<bool> {
    let mut lone = vec![false; chars.len()];
    let mut at = 0;
    for word in words {
        let n = word.chars().count();
        if n == 1 && at < lone.len() {
            lone[at] = true;
        }
        at += n;
    }
    lone
}

/// A lone character that is not grammar: the mark a broken word leaves.
fn broken(chars: &[char], lone: &[bool], j: usize) -> bool {
    lone[j] && !FUNCTION.contains(chars[j])
}

/// The windows (2–4 characters) around the broken character `j` that one of
/// its homophones or look-alikes turns into a dictionary word of some use,
/// while the window as written is none: `visit(c, start, end, word)` for
/// each, until it says to stop. Beside another lone character any length;
/// otherwise only idioms (众志成诚 reads 众/志成/诚), unless `any_length`.
fn broken_words(
    chars: &[char],
    lone: &[bool],
    j: usize,
    any_length: bool,
    mut visit: impl FnMut(char, usize, usize, &str) -> ControlFlow<()>,
) {
    let lone_beside =
        any_length || (j > 0 && lone[j - 1]) || lone.get(j + 1).copied().unwrap_or(false);
    let mut buffer = String::new();
    for &c in confusables(chars[j]) {
        for len in (if lone_beside { 2 } else { 4 })..=4usize {
            for start in j.saturating_sub(len - 1)..=j {
                let end = start + len;
                if end > chars.len() {
                    continue;
                }
                buffer.clear();
                buffer.extend((start..end).map(|k| if k == j { c } else { chars[k] }));
                if !JIEBA.has_word(&buffer) || JIEBA.suggest_freq(&buffer) < MIN_FREQ {
                    continue;
                }
                let original: String = chars[start..end].iter().collect();
                if JIEBA.has_word(&original) {
                    continue;
                }
                if visit(c, start, end, &buffer).is_break() {
                    return;
                }
            }
        }
    }
}

/// Characters of a sentence that may be slips by the dictionary's lights,
/// each with what it may stand for: broken ones that a homophone or
/// look-alike would make a word (国务原 → 国务院: any length here), and
/// words far rarer than a word one or two such swaps away. A loose net — no
/// gain is weighed, names are not asked — for the model pass to look closer
/// at. Runs of Han characters not `frozen` are read apart. Sorted by
/// position.
pub(crate) fn doubtful(chars: &[char], frozen: &[bool]) -> Vec<(usize, char)> {
    let open = |k: usize| is_han(chars[k]) && !frozen.get(k).copied().unwrap_or(false);
    let mut out = Vec::new();
    let mut j = 0;
    while j < chars.len() {
        if !open(j) {
            j += 1;
            continue;
        }
        let start = j;
        while j < chars.len() && open(j) {
            j += 1;
        }
        let run = &chars[start..j];
        let clause: String = run.iter().collect();
        let words = words(&clause);
        let lone = lone_characters(&words, run);
        for k in (0..run.len()).filter(|&k| broken(run, &lone, k)) {
            broken_words(run, &lone, k, true, |c, _, _, _| {
                out.push((start + k, c));
                ControlFlow::Continue(())
            });
        }
        out.extend(
            overshadowed(&words)
                .into_iter()
                .map(|(k, c)| (start + k, c)),
        );
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A word this many times rarer than a word one or two homophones or
/// look-alikes away may be a slip for it (机智 for 机制, 家猫 for 假冒).
/// Set with `gongwen-bench spelling` on ECSpell sentences: 20 and single
/// swaps only proposed fewer right characters to the model and found fewer
/// slips.
const OVERSHADOWED: usize = 5;

/// Characters of words (2–3 characters) in a clause's segmentation that
/// one swap (or, in a two-character word, two) would turn into a far more
/// frequent word, with the swap: real-word slips no segmentation shows.
fn overshadowed(words: &[&str]) -> Vec<(usize, char)> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut buffer = String::new();
    for written_word in words {
        let word: Vec<char> = written_word.chars().collect();
        let n = word.len();
        if (2..=3).contains(&n) {
            let freq = JIEBA.suggest_freq(written_word).max(1);
            for (k, &written) in word.iter().enumerate() {
                for &c in confusables(written) {
                    buffer.clear();
                    buffer.extend(
                        word.iter()
                            .enumerate()
                            .map(|(i, &o)| if i == k { c } else { o }),
                    );
                    if JIEBA.has_word(&buffer) && JIEBA.suggest_freq(&buffer) >= OVERSHADOWED * freq
                    {
                        out.push((at + k, c));
                    }
                }
            }
            if n == 2 {
                for &c in confusables(word[0]) {
                    for &d in confusables(word[1]) {
                        buffer.clear();
                        buffer.push(c);
                        buffer.push(d);
                        if JIEBA.has_word(&buffer)
                            && JIEBA.suggest_freq(&buffer) >= OVERSHADOWED * freq
                        {
                            out.push((at, c));
                            out.push((at + 1, d));
                        }
                    }
                }
            }
        }
        at += n;
    }
    out
}

/// The best swap at each broken spot of `clause` (a run of Han characters).
fn swaps(clause: &str) -> Vec<Swap> {
    let chars: Vec<char> = clause.chars().collect();
    let lone = lone_characters(&words(clause), &chars);
    let mut base = None;
    let mut names = None;
    let mut found: Vec<Swap> = Vec::new();
    for j in (0..chars.len()).filter(|&j| broken(&chars, &lone, j)) {
        broken_words(&chars, &lone, j, false, |c, start, end, word| {
            if known_around(&chars, start, end) {
                return ControlFlow::Continue(());
            }
            // A name: the window sits against a place or organisation
            // ending (齐圣村, 佳惠百货).
            let ending = |k: usize| chars.get(k).is_some_and(|c| NAME_ENDINGS.contains(*c));
            if ending(end)
                || (start > 0 && ending(start - 1) && j == start)
                || (ending(start) && j > start)
                || (ending(end - 1) && j < end - 1)
            {
                return ControlFlow::Continue(());
            }
            let fixed: String = chars
                .iter()
                .enumerate()
                .map(|(k, &o)| if k == j { c } else { o })
                .collect();
            // The swapped character must join a word when the fixed
            // clause is read (a longer one is fine: 严厉打击).
            let mut k = 0;
            let joins = JIEBA.cut(&fixed, false).iter().any(|t| {
                let n = t.word.chars().count();
                let hit = n >= 2 && k <= j && j < k + n;
                k += n;
                hit
            });
            if !joins {
                return ControlFlow::Continue(());
            }
            let names = names.get_or_insert_with(|| person_names(clause, chars.len()));
            if names.iter().any(|n| n.start < end && start < n.end) {
                return ControlFlow::Continue(());
            }
            let base = *base.get_or_insert_with(|| reading(clause));
            let gain = reading(&fixed) - base;
            let needed = if end - start == 4 {
                MIN_GAIN_IDIOM
            } else {
                MIN_GAIN_WORD
            };
            if gain >= needed {
                found.push(Swap {
                    start,
                    end,
                    word: word.to_owned(),
                    gain,
                });
            }
            ControlFlow::Continue(())
        });
    }
    // The best swap wins where they overlap.
    found.sort_by(|a, b| b.gain.total_cmp(&a.gain));
    let mut kept: Vec<Swap> = Vec::new();
    for swap in found {
        if kept
            .iter()
            .all(|k| swap.end <= k.start || k.end <= swap.start)
        {
            kept.push(swap);
        }
    }
    kept
}

impl Rule for NonWord {
    fn info(&self) -> &'static RuleInfo {
        &NON_WORD
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let source = text.source;
        let mut protected = protected(source);
        protected.sort_by_key(|r| r.start);
        let mut next_protected = protected.iter().peekable();
        let listed: Vec<std::ops::Range<usize>> =
            TABLE.matcher.find_iter(source).map(|m| m.range()).collect();
        let mut clause_start = None;
        let ends = source.char_indices().map(|(i, c)| (i, is_han(c)));
        for (i, han) in ends.chain(std::iter::once((source.len(), false))) {
            while next_protected.peek().is_some_and(|r| r.end <= i) {
                next_protected.next();
            }
            let inside = next_protected.peek().is_some_and(|r| r.contains(&i));
            match (clause_start, han && !inside) {
                (None, true) => clause_start = Some(i),
                (Some(start), false) => {
                    clause_start = None;
                    let clause = &source[start..i];
                    let offsets: Vec<usize> = clause
                        .char_indices()
                        .map(|(b, _)| start + b)
                        .chain(std::iter::once(i))
                        .collect();
                    for swap in swaps(clause) {
                        let bytes = offsets[swap.start]..offsets[swap.end];
                        // The misused-word list speaks for its own entries.
                        if listed
                            .iter()
                            .any(|r| r.start < bytes.end && bytes.start < r.end)
                        {
                            continue;
                        }
                        let wrong = &source[bytes.clone()];
                        out.push(finding(
                            &NON_WORD,
                            text,
                            bytes.clone(),
                            format!("“{wrong}”不成词，疑为“{}”", swap.word),
                            Some(swap.word),
                        ));
                    }
                }
                _ => {}
            }
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "这项改革刻不容援，要抓紧推进。",
                "这项改革刻不容缓，要抓紧推进。",
            ),
            (
                "各部门要齐心协利，形成工作合力。",
                "各部门要齐心协力，形成工作合力。",
            ),
            (
                "整改工作要一抓到抵，决不半途而废。",
                "整改工作要一抓到底，决不半途而废。",
            ),
        ]
    }
}
