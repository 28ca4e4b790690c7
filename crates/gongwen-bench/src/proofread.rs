//! Rules-only proofreading throughput on a 100,000-character document.

use std::time::Instant;

use crate::median;

const CORPUS: &str = include_str!("../../../tests/corpus/clean-official.txt");

/// Errors of the kinds the rules catch, spread through the document so the
/// rules do real work, not just scan.
const ERRORS: [&str; 6] = [
    "会议定于2026年11月28日（星期五）召开,请准时参加。",
    "根据国办发[2026]07号文件精神。",
    "1、建立工作台账",
    "认真学习《条例》、《办法》等文件。",
    "参会人员约三、四十人。。",
    "联系人身份证号110105199001011232。",
];

pub struct ProofreadFigures {
    pub chars: usize,
    pub findings: usize,
    pub runs_ms: Vec<f64>,
}

impl ProofreadFigures {
    pub fn chars_per_second(&self) -> f64 {
        let ms = median(&self.runs_ms);
        if ms > 0.0 {
            self.chars as f64 * 1000.0 / ms
        } else {
            0.0
        }
    }
}

/// A document of about `chars` characters: corpus sentences, with an error
/// sentence every tenth line.
pub fn document(chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for (i, line) in CORPUS.lines().cycle().enumerate() {
        if count >= chars {
            break;
        }
        let line = if i % 10 == 9 {
            ERRORS[(i / 10) % ERRORS.len()]
        } else {
            line
        };
        out.push_str(line);
        out.push('\n');
        count += line.chars().count() + 1;
    }
    out
}

pub fn measure(chars: usize, runs: usize) -> ProofreadFigures {
    let text = document(chars);
    // Warm-up: compiles the patterns and loads the tables.
    let findings = gongwen_proofread::check(&text).len();
    let runs_ms = (0..runs.max(1))
        .map(|_| {
            let started = Instant::now();
            let n = gongwen_proofread::check(&text).len();
            std::hint::black_box(n);
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ProofreadFigures {
        chars: text.chars().count(),
        findings,
        runs_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_has_the_size_asked_and_findings() {
        let text = document(100_000);
        let n = text.chars().count();
        assert!((100_000..101_000).contains(&n), "{n}");
        assert!(gongwen_proofread::check(&text).len() >= 6);
    }
}
