//! Benchmarks that print absolute figures and ratios against an outside
//! reference run in the same process or script. No timing is asserted
//! anywhere: these are for people to read.

pub mod drafting;
pub mod formats;
pub mod llama_bench;
pub mod proofread;
pub mod proofread_doc;
pub mod redteam;
pub mod spelling;
pub mod store;
pub mod summary;

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{0}")]
    Engine(String),
    #[error("准备 llama-bench 失败：{0}")]
    Reference(String),
    #[error("读写 {path} 失败：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl BenchError {
    pub fn code(&self) -> &'static str {
        match self {
            BenchError::Engine(_) => "bench-engine",
            BenchError::Reference(_) => "bench-reference",
            BenchError::Io { .. } => "bench-io",
        }
    }
}

/// The median of some measurements (0 when there are none).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[f64::NAN, 1.0]), 1.0);
    }
}
