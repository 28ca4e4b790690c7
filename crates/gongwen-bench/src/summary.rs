//! Summary coverage: the documents of `tests/summaries/` each carry their
//! key points, written by hand (`NN-name.points.toml` beside `NN-name.txt`).
//! A key point is covered when one item the user is shown (a point, or a
//! task with its deadline and owner) holds every term of one of the point's
//! alternatives. Beside coverage: whether each point's numbers stand in the
//! paragraphs it cites, how long the points are against their source, and
//! how long it took.

use std::path::{Path, PathBuf};

use gongwen_assist::summary::Summary;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct KeyPoint {
    /// The point in plain words, for the report.
    pub text: String,
    /// Alternatives: the point is covered when one shown item holds all the
    /// terms of one of them.
    pub any: Vec<Vec<String>>,
}

#[derive(Deserialize)]
struct KeyPoints {
    point: Vec<KeyPoint>,
}

/// A document of the set with its key points.
pub struct Document {
    pub path: PathBuf,
    pub text: String,
    pub points: Vec<KeyPoint>,
}

/// Every `*.txt` of `dir` that has a `*.points.toml` beside it, by name.
pub fn read_set(dir: &Path) -> Result<Vec<Document>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("无法读取 {}：{e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let mut set = Vec::new();
    for path in paths {
        let points_path = path.with_extension("points.toml");
        let Ok(points) = std::fs::read_to_string(&points_path) else {
            continue;
        };
        let points: KeyPoints = toml::from_str(&points)
            .map_err(|e| format!("{} 格式有误：{e}", points_path.display()))?;
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("无法读取 {}：{e}", path.display()))?;
        set.push(Document {
            path,
            text,
            points: points.point,
        });
    }
    Ok(set)
}

/// What the user is shown, item by item: the points, then each task with
/// its deadline and owner.
pub fn shown_items(summary: &Summary) -> Vec<String> {
    let mut items: Vec<String> = summary.points.iter().map(|p| p.text.clone()).collect();
    for t in &summary.tasks {
        items.push(format!(
            "{} {} {}",
            t.task,
            t.deadline.as_deref().unwrap_or(""),
            t.owner.as_deref().unwrap_or("")
        ));
    }
    items
}

/// Whether one of `items` covers `point`.
pub fn covers(items: &[String], point: &KeyPoint) -> bool {
    point.any.iter().any(|terms| {
        items
            .iter()
            .any(|item| terms.iter().all(|term| item.contains(term.as_str())))
    })
}

/// Runs of ASCII digits in `text` (numbers, dates' figures).
fn digit_runs(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .collect()
}

/// Whether a point cites paragraphs, and every number in it stands there.
pub fn citation_holds(summary: &Summary, point: &gongwen_assist::summary::Point) -> bool {
    let cited: String = point
        .sources
        .iter()
        .filter_map(|&i| summary.paragraphs.get(i))
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    !point.sources.is_empty() && digit_runs(&point.text).iter().all(|d| cited.contains(d))
}

/// One document's figures.
pub struct Figures {
    pub covered: usize,
    pub points: usize,
    pub missed: Vec<String>,
    pub verified: usize,
    pub shown_points: usize,
    pub summary_chars: usize,
    pub source_chars: usize,
    pub seconds: f64,
}

pub fn measure(doc: &Document, summary: &Summary, seconds: f64) -> Figures {
    let items = shown_items(summary);
    let missed: Vec<String> = doc
        .points
        .iter()
        .filter(|p| !covers(&items, p))
        .map(|p| p.text.clone())
        .collect();
    Figures {
        covered: doc.points.len() - missed.len(),
        points: doc.points.len(),
        missed,
        verified: summary
            .points
            .iter()
            .filter(|p| citation_holds(summary, p))
            .count(),
        shown_points: summary.points.len(),
        // The points are the summary; the task table lists duties again.
        summary_chars: summary
            .points
            .iter()
            .map(|p| p.text.trim().chars().count())
            .sum(),
        source_chars: doc.text.chars().filter(|c| !c.is_whitespace()).count(),
        seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> Vec<Document> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/summaries");
        read_set(&dir).unwrap_or_default()
    }

    /// The hand-written key points hold together: at least twelve
    /// documents, every term is the document's own wording, and each point
    /// can be covered by some sentence of its document.
    #[test]
    fn every_key_point_uses_its_documents_words() {
        let set = set();
        assert!(set.len() >= 12, "{} documents with key points", set.len());
        for doc in &set {
            assert!(doc.points.len() >= 3, "{}", doc.path.display());
            let sentences: Vec<String> = doc
                .text
                .split(['。', '；', '\n'])
                .map(str::to_owned)
                .collect();
            for point in &doc.points {
                for term in point.any.iter().flatten() {
                    assert!(
                        doc.text.contains(term.as_str()),
                        "{}: {term} is not in the document",
                        doc.path.display()
                    );
                }
                let paragraphs: Vec<String> = doc.text.lines().map(str::to_owned).collect();
                assert!(
                    covers(&paragraphs, point) || covers(&sentences, point),
                    "{}: no paragraph covers {}",
                    doc.path.display(),
                    point.text
                );
            }
        }
    }

    #[test]
    fn a_point_is_covered_by_one_item_holding_all_terms_of_one_alternative() {
        let point = KeyPoint {
            text: "6月底前完成120个小区改造".into(),
            any: vec![
                vec!["120个".into(), "6月底".into()],
                vec!["老旧小区".into()],
            ],
        };
        assert!(covers(&["改造120个小区，6月底前开工".into()], &point));
        assert!(covers(&["推进老旧小区改造".into()], &point));
        // Terms split over two items do not count.
        assert!(!covers(&["改造120个".into(), "6月底前".into()], &point));
    }
}
