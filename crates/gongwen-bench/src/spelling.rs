//! Model-assisted spelling, judged on sentence pairs (source, target) such
//! as ECSpell's: a sentence counts as corrected only when the output equals
//! the target.

use std::time::Instant;

use gongwen_proofread::spelling::Correction;

/// One labelled sentence: as written, and as it should read.
pub struct Pair {
    pub source: String,
    pub target: String,
}

/// Reads `label<TAB>source<TAB>target` lines; pairs whose two sides differ
/// in length (not single-character substitutions) are skipped.
pub fn read_pairs(tsv: &str) -> Vec<Pair> {
    tsv.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let (_, source, target) = (fields.next()?, fields.next()?, fields.next()?);
            (source.chars().count() == target.chars().count()).then(|| Pair {
                source: source.to_owned(),
                target: target.to_owned(),
            })
        })
        .collect()
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SpellingFigures {
    pub sentences: usize,
    /// Sentences with at least one error.
    pub erroneous: usize,
    /// Erroneous sentences whose output equals the target.
    pub corrected: usize,
    /// Sentences the pass changed at all.
    pub changed: usize,
    pub clean: usize,
    /// Clean sentences the pass changed.
    pub false_alarms: usize,
    pub seconds: f64,
}

impl SpellingFigures {
    pub fn precision(&self) -> f64 {
        ratio(self.corrected, self.changed)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.corrected, self.erroneous)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }
    pub fn false_alarm_rate(&self) -> f64 {
        ratio(self.false_alarms, self.clean)
    }
    pub fn sentences_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.sentences as f64 / self.seconds
        } else {
            0.0
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Applies single-character corrections.
pub fn apply(text: &str, corrections: &[Correction]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for c in corrections {
        if let Some(slot) = chars.get_mut(c.at) {
            *slot = c.to;
        }
    }
    chars.into_iter().collect()
}

/// Sentences checked as one text, a line each, as in a document: the
/// model pass scores a text's sentences together.
pub const SENTENCES_PER_TEXT: usize = 8;

/// Runs `spell` on every pair, `SENTENCES_PER_TEXT` at a time. `each`
/// sees every outcome (for a progress line or a listing of misses).
pub fn evaluate(
    pairs: &[Pair],
    mut spell: impl FnMut(&str) -> Result<Vec<Correction>, String>,
    mut each: impl FnMut(&Pair, &str, &SpellingFigures),
) -> Result<SpellingFigures, String> {
    let started = Instant::now();
    let mut figures = SpellingFigures::default();
    for group in pairs.chunks(SENTENCES_PER_TEXT) {
        let text = group
            .iter()
            .map(|p| p.source.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let corrections = spell(&text)?;
        let mut start = 0;
        for pair in group {
            let len = pair.source.chars().count();
            let own: Vec<Correction> = corrections
                .iter()
                .filter(|c| (start..start + len).contains(&c.at))
                .map(|c| Correction {
                    at: c.at - start,
                    ..c.clone()
                })
                .collect();
            start += len + 1;
            let output = apply(&pair.source, &own);
            figures.sentences += 1;
            let changed = output != pair.source;
            figures.changed += usize::from(changed);
            if pair.source == pair.target {
                figures.clean += 1;
                figures.false_alarms += usize::from(changed);
            } else {
                figures.erroneous += 1;
                figures.corrected += usize::from(output == pair.target);
            }
            figures.seconds = started.elapsed().as_secs_f64();
            each(pair, &output, &figures);
        }
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_level_figures() {
        let pairs = read_pairs(
            "1\t工作机智\t工作机制\n0\t依法行政\t依法行政\n2\t大数局\t大数据\n1\t长度\t不一样长\n",
        );
        assert_eq!(pairs.len(), 3);
        // Fixes the first, "fixes" the clean one, leaves the third: the
        // three come as one text, a line each.
        let figures = evaluate(
            &pairs,
            |text| {
                assert_eq!(text.lines().count(), 3);
                let chars: Vec<char> = text.chars().collect();
                Ok([('智', '制'), ('依', '以')]
                    .iter()
                    .filter_map(|&(from, to)| {
                        let at = chars.iter().position(|&c| c == from)?;
                        Some(Correction {
                            at,
                            from,
                            to,
                            gain: 9.0,
                        })
                    })
                    .collect())
            },
            |_, _, _| {},
        )
        .unwrap_or_default();
        assert_eq!(
            (figures.erroneous, figures.corrected, figures.changed),
            (2, 1, 2)
        );
        assert_eq!(figures.precision(), 0.5);
        assert_eq!(figures.recall(), 0.5);
        assert_eq!(figures.false_alarm_rate(), 1.0);
    }
}
