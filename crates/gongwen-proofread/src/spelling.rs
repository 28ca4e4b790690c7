//! Model-assisted spelling: single-character errors that no list catches
//! (机智→机制, 大数局→大数据).
//!
//! The method, measured in `gongwen bench spelling`:
//! 1. Candidates: each Chinese character may be a slip for a character
//!    that sounds or looks like it (`assets/proofread/confusion/`).
//! 2. Ranking: one pass of the model over the sentence gives, where a
//!    character starts a token, how likely each candidate is to come next
//!    given the text before it. Candidates much likelier than the written
//!    character are worth a closer look.
//! 3. Verification: the sentence with the change is scored as a whole (the
//!    text after the change now counts); the change is proposed only when it
//!    makes the sentence far more likely. Then the search runs again on the
//!    corrected sentence, for sentences with more than one slip.
//!
//! Pure: the model sits behind [`LanguageModel`]; the engine implements it
//! on llama.cpp.

use std::{collections::HashMap, sync::LazyLock};

use serde::{Deserialize, Serialize};

use crate::{Category, Finding, Options, RuleInfo, Severity, occurrences, text::is_cjk};

/// The model pass as a rule in the catalogue's terms.
pub static MODEL_SPELLING: RuleInfo = RuleInfo {
    id: "typo.model",
    category: Category::Typo,
    severity: Severity::Warning,
    reference: "本地模型按上下文比较同音字、形近字的可能性；仅为建议，由用户决定",
    summary: "疑似错别字（模型判断）",
};

/// Corrections as findings, next to the rules' own.
pub fn to_findings(corrections: &[Correction]) -> Vec<Finding> {
    corrections
        .iter()
        .map(|c| Finding {
            rule: MODEL_SPELLING.id,
            category: MODEL_SPELLING.category,
            severity: MODEL_SPELLING.severity,
            start: c.at,
            end: c.at + 1,
            message: format!("“{}”疑为“{}”之误（模型判断）", c.from, c.to),
            suggestion: Some(c.to.to_string()),
        })
        .collect()
}

/// What the model pass must leave alone: text the rules already flagged
/// (one suggestion per place), and the unit's terms and ignore list.
pub fn protected_spans(text: &str, findings: &[Finding], options: &Options) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = findings.iter().map(|f| (f.start, f.end)).collect();
    spans.extend(occurrences(text, &options.terms));
    spans.extend(occurrences(text, &options.ignore));
    spans
}

/// What the spelling pass needs from a language model.
pub trait LanguageModel {
    /// Scores `text` once: its total log-probability (natural log), and for
    /// each probe the log-probability of each of its characters coming
    /// next after `text`'s first `at` characters — None where the model
    /// cannot say (the position falls inside one of its tokens).
    fn analyse(&mut self, text: &str, probes: &[Probe]) -> Result<Analysis, String>;
    /// Total log-probability of `text`.
    fn log_prob(&mut self, text: &str) -> Result<f64, String>;
    /// Total log-probabilities of variants of the text last analysed; a
    /// model may score them together.
    fn log_probs(&mut self, texts: &[String]) -> Result<Vec<f64>, String> {
        texts.iter().map(|t| self.log_prob(t)).collect()
    }
}

/// A position and the characters to weigh there: the written one first.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub at: usize,
    pub chars: Vec<char>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub log_prob: f64,
    pub probes: Vec<Option<ProbeScores>>,
}

/// What the model thinks of one position.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeScores {
    /// Log-probability of each of the probe's characters coming next.
    pub listed: Vec<f32>,
    /// The model's own likeliest next characters, likeliest first.
    pub top: Vec<(char, f32)>,
}

/// A proposed change of one character.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    /// Character offset in the checked text.
    pub at: usize,
    pub from: char,
    pub to: char,
    /// How much likelier the sentence became (natural log).
    pub gain: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpellingConfig {
    /// Verify a candidate only if it is at least this much likelier than
    /// the written character given the text before it.
    pub min_left_ratio: f32,
    /// Candidates verified per round: homophones and look-alikes, and the
    /// model's own other predictions.
    pub verify_per_round: usize,
    pub verify_open_per_round: usize,
    /// Rounds per sentence (one accepted change per round).
    pub max_rounds: usize,
    /// Accept a change that raises the sentence's log-probability by more.
    pub accept_gain: f64,
    /// For a character the model predicts that is neither a homophone nor a
    /// look-alike: the same two thresholds, stricter.
    pub min_left_ratio_open: f32,
    pub accept_gain_open: f64,
    /// Two adjacent characters changed together into a dictionary word.
    pub verify_pairs_per_round: usize,
    pub accept_gain_pair: f64,
}

impl Default for SpellingConfig {
    fn default() -> SpellingConfig {
        SpellingConfig {
            min_left_ratio: 2.0,
            verify_per_round: 6,
            verify_open_per_round: 2,
            max_rounds: 4,
            accept_gain: 5.5,
            min_left_ratio_open: 6.0,
            accept_gain_open: 10.0,
            verify_pairs_per_round: 2,
            accept_gain_pair: 8.0,
        }
    }
}

/// Sentences longer than this are split at commas: the model's context
/// stays small and the search stays quick.
const MAX_UNIT_CHARS: usize = 120;

struct Confusion {
    similar: HashMap<char, Vec<char>>,
}

fn load_confusion() -> Confusion {
    let mut similar: HashMap<char, Vec<char>> = HashMap::new();
    let mut link = |a: char, b: char| {
        if a != b && is_cjk(a) && is_cjk(b) {
            let entry = similar.entry(a).or_default();
            if !entry.contains(&b) {
                entry.push(b);
            }
        }
    };
    for line in include_str!("../../../assets/proofread/confusion/same_pinyin.txt").lines() {
        if line.starts_with('#') {
            continue;
        }
        let mut fields = line.split('\t');
        let Some(head) = fields.next().and_then(|f| f.chars().next()) else {
            continue;
        };
        for c in fields.flat_map(str::chars) {
            link(head, c);
            link(c, head);
        }
    }
    let shape = [
        include_str!("../../../assets/proofread/confusion/same_stroke.txt"),
        include_str!("../../../assets/proofread/confusion/shape-extra.txt"),
    ];
    for line in shape
        .iter()
        .flat_map(|s| s.lines())
        .filter(|l| !l.starts_with('#'))
    {
        let group: Vec<char> = line.split_whitespace().flat_map(str::chars).collect();
        for &a in &group {
            for &b in &group {
                link(a, b);
            }
        }
    }
    Confusion { similar }
}

static CONFUSION: LazyLock<Confusion> = LazyLock::new(load_confusion);

/// Characters a writer may have meant instead of `c`.
pub fn confusables(c: char) -> &'static [char] {
    CONFUSION.similar.get(&c).map_or(&[], Vec::as_slice)
}

/// Splits `chars` into units (sentences, or clauses of long sentences):
/// character ranges.
fn units(chars: &[char]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut last_comma = None;
    for (i, &c) in chars.iter().enumerate() {
        if "，,、".contains(c) {
            last_comma = Some(i);
        }
        let ends = "。！？；\n".contains(c) || i + 1 == chars.len();
        if ends || i + 1 - start >= MAX_UNIT_CHARS {
            let end = if ends {
                i + 1
            } else {
                last_comma
                    .filter(|&at| at > start)
                    .map_or(i + 1, |at| at + 1)
            };
            out.push(start..end);
            start = end;
            last_comma = None;
        }
    }
    out.retain(|r| r.clone().any(|i| is_cjk(chars[i])));
    out
}

/// Characters that are not looked at: outside Chinese text, inside 《》
/// (titles of laws and documents are quoted as written), and in `protected`
/// spans (the unit's own terms, rule findings).
fn frozen(chars: &[char], protected: &[(usize, usize)]) -> Vec<bool> {
    let mut out: Vec<bool> = chars
        .iter()
        .map(|&c| !is_cjk(c) || !c.is_alphabetic())
        .collect();
    let mut in_title = false;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '《' => in_title = true,
            '》' => in_title = false,
            _ if in_title => out[i] = true,
            _ => {}
        }
    }
    for &(s, e) in protected {
        for f in out.iter_mut().take(e.min(chars.len())).skip(s) {
            *f = true;
        }
    }
    out
}

/// Proposes corrections for `text`. `protected` spans (character offsets)
/// are never changed.
pub fn correct(
    text: &str,
    model: &mut dyn LanguageModel,
    protected: &[(usize, usize)],
    config: &SpellingConfig,
) -> Result<Vec<Correction>, String> {
    let chars: Vec<char> = text.chars().collect();
    let frozen = frozen(&chars, protected);
    let mut out = Vec::new();
    for unit in units(&chars) {
        let mut sentence: Vec<char> = chars[unit.clone()].to_vec();
        let mut fixed: Vec<bool> = frozen[unit.clone()].to_vec();
        for _ in 0..config.max_rounds {
            let Some(changes) = best_change(&sentence, &fixed, model, config)? else {
                break;
            };
            for change in changes {
                sentence[change.at] = change.to;
                fixed[change.at] = true;
                out.push(Correction {
                    at: unit.start + change.at,
                    ..change
                });
            }
        }
    }
    out.sort_by_key(|c| c.at);
    Ok(out)
}

/// A change to verify: one character, or two adjacent ones.
struct Candidate {
    left_ratio: f32,
    at: usize,
    to: Vec<char>,
    /// Gain the change must bring.
    needed: f64,
}

/// One round: the best verified change of `sentence` (one or two adjacent
/// characters), if any.
fn best_change(
    sentence: &[char],
    fixed: &[bool],
    model: &mut dyn LanguageModel,
    config: &SpellingConfig,
) -> Result<Option<Vec<Correction>>, String> {
    let probes: Vec<Probe> = sentence
        .iter()
        .enumerate()
        .filter(|&(i, _)| !fixed[i])
        .filter_map(|(i, &c)| {
            let candidates = confusables(c);
            (!candidates.is_empty()).then(|| Probe {
                at: i,
                chars: std::iter::once(c)
                    .chain(candidates.iter().copied())
                    .collect(),
            })
        })
        .collect();
    if probes.is_empty() {
        return Ok(None);
    }
    let text: String = sentence.iter().collect();
    let analysis = model.analyse(&text, &probes)?;
    let mut single = Vec::new();
    let mut open = Vec::new();
    let mut pairs = Vec::new();
    let by_position: HashMap<usize, (&Probe, &ProbeScores)> = probes
        .iter()
        .zip(&analysis.probes)
        .filter_map(|(p, s)| Some((p.at, (p, s.as_ref()?))))
        .collect();
    for (probe, scores) in probes.iter().zip(&analysis.probes) {
        let Some(scores) = scores else { continue };
        let Some(&written) = scores.listed.first() else {
            continue;
        };
        for (&c, &score) in probe.chars.iter().zip(&scores.listed).skip(1) {
            let ratio = score - written;
            if ratio >= config.min_left_ratio {
                single.push(Candidate {
                    left_ratio: ratio,
                    at: probe.at,
                    to: vec![c],
                    needed: config.accept_gain,
                });
            }
            // Two slips that only make sense together (有福→优抚): the pair
            // must become a dictionary word.
            if ratio >= 0.0
                && let Some((next, _)) = by_position.get(&(probe.at + 1))
            {
                for &d in &next.chars[1..] {
                    let word: String = [c, d].iter().collect();
                    if crate::text::is_common_word(&word) {
                        pairs.push(Candidate {
                            left_ratio: ratio,
                            at: probe.at,
                            to: vec![c, d],
                            needed: config.accept_gain_pair,
                        });
                    }
                }
            }
        }
        for &(c, score) in &scores.top {
            let ratio = score - written;
            if is_cjk(c)
                && c != probe.chars[0]
                && !probe.chars.contains(&c)
                && ratio >= config.min_left_ratio_open
            {
                open.push(Candidate {
                    left_ratio: ratio,
                    at: probe.at,
                    to: vec![c],
                    needed: config.accept_gain_open,
                });
            }
        }
    }
    let mut verify = Vec::new();
    for (mut list, n) in [
        (single, config.verify_per_round),
        (open, config.verify_open_per_round),
        (pairs, config.verify_pairs_per_round),
    ] {
        list.sort_by(|a, b| b.left_ratio.total_cmp(&a.left_ratio));
        list.truncate(n);
        verify.extend(list);
    }
    let variants: Vec<String> = verify
        .iter()
        .map(|candidate| {
            let mut variant = sentence.to_vec();
            for (i, &c) in candidate.to.iter().enumerate() {
                variant[candidate.at + i] = c;
            }
            variant.iter().collect()
        })
        .collect();
    let scores = if variants.is_empty() {
        Vec::new()
    } else {
        model.log_probs(&variants)?
    };
    // The margin over its own threshold decides between candidates.
    let mut best: Option<(f64, Vec<Correction>)> = None;
    for (candidate, score) in verify.into_iter().zip(scores) {
        let gain = score - analysis.log_prob;
        let margin = gain - candidate.needed;
        if margin > 0.0 && best.as_ref().is_none_or(|(m, _)| margin > *m) {
            let changes = candidate
                .to
                .iter()
                .enumerate()
                .map(|(i, &to)| Correction {
                    at: candidate.at + i,
                    from: sentence[candidate.at + i],
                    to,
                    gain,
                })
                .collect();
            best = Some((margin, changes));
        }
    }
    Ok(best.map(|(_, changes)| changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in model that knows the right text: each character that
    /// differs from it costs 10; a probe likes the right character.
    struct Knows(Vec<char>);

    impl LanguageModel for Knows {
        fn analyse(&mut self, text: &str, probes: &[Probe]) -> Result<Analysis, String> {
            let probes = probes
                .iter()
                .map(|p| {
                    Some(ProbeScores {
                        listed: p
                            .chars
                            .iter()
                            .map(|&c| {
                                if self.0.get(p.at) == Some(&c) {
                                    0.0
                                } else {
                                    -5.0
                                }
                            })
                            .collect(),
                        top: Vec::new(),
                    })
                })
                .collect();
            Ok(Analysis {
                log_prob: self.log_prob(text)?,
                probes,
            })
        }
        fn log_prob(&mut self, text: &str) -> Result<f64, String> {
            let wrong = text.chars().zip(&self.0).filter(|(a, b)| a != *b).count();
            Ok(-10.0 * wrong as f64)
        }
    }

    #[test]
    fn confusion_sets_hold_sound_and_shape_neighbours_both_ways() {
        assert!(confusables('智').contains(&'制'));
        assert!(confusables('制').contains(&'智'));
        assert!(confusables('已').contains(&'己'));
        assert!(confusables('a').is_empty());
    }

    #[test]
    fn fixes_several_slips_in_one_sentence_and_keeps_protected_text() {
        let right = "建立健全工作机制，加强统筹协调。";
        let wrong = "建立健全工作机智，加强统筹协掉。";
        let mut model = Knows(right.chars().collect());
        let found = correct(wrong, &mut model, &[], &SpellingConfig::default()).unwrap_or_default();
        let fixed: Vec<(usize, char, char)> = found.iter().map(|c| (c.at, c.from, c.to)).collect();
        assert_eq!(fixed, [(7, '智', '制'), (14, '掉', '调')]);
        // The unit's own term and 《》 titles stay as written.
        let found =
            correct(wrong, &mut model, &[(6, 8)], &SpellingConfig::default()).unwrap_or_default();
        assert_eq!(found.len(), 1);
        let titled = "学习《工作机智》。";
        let mut model = Knows("学习《工作机制》。".chars().collect());
        assert!(
            correct(titled, &mut model, &[], &SpellingConfig::default())
                .unwrap_or_default()
                .is_empty()
        );
    }

    #[test]
    fn two_adjacent_slips_are_fixed_together_into_a_word() {
        let mut model = Knows("对退役士兵优抚安置。".chars().collect());
        let found = correct(
            "对退役士兵有福安置。",
            &mut model,
            &[],
            &SpellingConfig::default(),
        )
        .unwrap_or_default();
        let fixed: Vec<(usize, char, char)> = found.iter().map(|c| (c.at, c.from, c.to)).collect();
        assert_eq!(fixed, [(5, '有', '优'), (6, '福', '抚')]);
    }

    #[test]
    fn long_sentences_split_at_commas() {
        let long: Vec<char> = "一二三四五六七八九十，".repeat(30).chars().collect();
        let parts = units(&long);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|r| r.len() <= MAX_UNIT_CHARS));
        assert_eq!(parts.last().map(|r| r.end), Some(long.len()));
    }
}
