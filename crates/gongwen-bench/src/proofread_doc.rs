//! Rules and the model pass over a whole document, as a proofreader would
//! run them: the rules on the whole text, then the model paragraph by
//! paragraph (the rules' findings and the unit's terms left alone). Given
//! the document as it should read, the slips planted in it are counted.

use std::time::Instant;

use gongwen_proofread::{
    Options, check_with,
    spelling::{self, Correction},
};

#[derive(Debug, Default, Clone, Copy)]
pub struct DocFigures {
    pub chars: usize,
    pub paragraphs: usize,
    pub rule_findings: usize,
    pub model_findings: usize,
    pub rules_ms: f64,
    pub model_seconds: f64,
    /// Characters where the document differs from the right one.
    pub planted: usize,
    pub found_by_rules: usize,
    pub found_by_model: usize,
    /// Planted slips found by either.
    pub found: usize,
    /// Model corrections where the right document reads as written.
    pub model_false: usize,
}

/// Checks `text`; `spell(paragraph, protected)` is the model pass.
/// `progress(done, of)` after each paragraph.
pub fn measure(
    text: &str,
    right: Option<&str>,
    options: &Options,
    mut spell: impl FnMut(&str, &[(usize, usize)]) -> Result<Vec<Correction>, String>,
    mut progress: impl FnMut(usize, usize),
) -> Result<DocFigures, String> {
    let started = Instant::now();
    let findings = check_with(text, options);
    let rules_ms = started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let mut corrections = Vec::new();
    let lines: Vec<&str> = text.split('\n').collect();
    let mut line_start = 0;
    for (n, line) in lines.iter().enumerate() {
        let len = line.chars().count();
        let own: Vec<_> = findings
            .iter()
            .filter(|f| f.start < line_start + len && f.end > line_start)
            .map(|f| gongwen_proofread::Finding {
                start: f.start.saturating_sub(line_start),
                end: (f.end - line_start).min(len),
                ..f.clone()
            })
            .collect();
        let protected = spelling::protected_spans(line, &own, options);
        for c in spell(line, &protected)? {
            corrections.push(Correction {
                at: c.at + line_start,
                ..c
            });
        }
        line_start += len + 1;
        progress(n + 1, lines.len());
    }
    let mut figures = DocFigures {
        chars: text.chars().count(),
        paragraphs: lines.iter().filter(|l| !l.trim().is_empty()).count(),
        rule_findings: findings.len(),
        model_findings: corrections.len(),
        rules_ms,
        model_seconds: started.elapsed().as_secs_f64(),
        ..DocFigures::default()
    };
    if let Some(right) = right {
        let written: Vec<char> = text.chars().collect();
        let right: Vec<char> = right.chars().collect();
        let planted: Vec<usize> = (0..written.len().min(right.len()))
            .filter(|&i| written[i] != right[i])
            .collect();
        figures.planted = planted.len();
        for &at in &planted {
            let by_rules = findings
                .iter()
                .any(|f| f.start <= at && at < f.end && f.suggestion.is_some());
            let by_model = corrections
                .iter()
                .any(|c| c.at == at && Some(&c.to) == right.get(at));
            figures.found_by_rules += usize::from(by_rules);
            figures.found_by_model += usize::from(by_model);
            figures.found += usize::from(by_rules || by_model);
        }
        figures.model_false = corrections
            .iter()
            .filter(|c| right.get(c.at) == written.get(c.at))
            .count();
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planted_slips_are_counted_per_finder() {
        let right = "建立健全工作机制。\n加强统筹协调。";
        let text = "建立健全工作机智。\n加强统筹协掉。";
        let figures = measure(
            text,
            Some(right),
            &Options::default(),
            |line, _| {
                // Finds the second slip, and "corrects" a right character.
                Ok(match line.find('掉') {
                    Some(_) => vec![
                        Correction {
                            at: 5,
                            from: '掉',
                            to: '调',
                            gain: 9.0,
                        },
                        Correction {
                            at: 0,
                            from: '加',
                            to: '家',
                            gain: 9.0,
                        },
                    ],
                    None => Vec::new(),
                })
            },
            |_, _| {},
        )
        .unwrap_or_default();
        assert_eq!(figures.planted, 2);
        assert_eq!(figures.found_by_model, 1);
        assert_eq!(figures.model_false, 1);
        assert_eq!(figures.paragraphs, 2);
        assert_eq!(figures.model_findings, 2);
    }
}
