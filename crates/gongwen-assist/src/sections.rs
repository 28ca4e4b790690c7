//! The parts of a document a reader would list: its top-level sections
//! (一、…; where there are fewer than two, its （一） items) and the
//! 一是/二是 items written inside paragraphs. A summary says something of
//! each part: the model's points come first, and a part none of them
//! speaks for gets a sentence of its own, taken from the part.

use std::{ops::Range, sync::LazyLock};

use gongwen_domain::{Block, body_block};
use regex::Regex;

#[allow(clippy::unwrap_used)] // a constant pattern
static ITEM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[一二三四五六七八九十]是").unwrap());

/// A part: paragraphs (by index), and for an item inside a paragraph, its
/// text.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub paragraphs: Range<usize>,
    /// A heading paragraph that names the part (一、总体要求), if any.
    pub heading: Option<usize>,
    pub item: Option<String>,
}

/// The document's parts, in order; empty for a document without structure.
pub fn parts(paragraphs: &[String]) -> Vec<Part> {
    let mut out = headed(paragraphs, 1);
    if out.len() < 2 {
        out = headed(paragraphs, 2);
    }
    if out.len() < 2 {
        out.clear();
    }
    for (i, p) in paragraphs.iter().enumerate() {
        out.extend(items(p).into_iter().map(|item| Part {
            paragraphs: i..i + 1,
            heading: None,
            item: Some(item),
        }));
    }
    out
}

/// Sections opened by headings of `level` (1 for 一、, 2 for （一）), as
/// 一键排版 reads them, each up to the next one.
fn headed(paragraphs: &[String], level: u8) -> Vec<Part> {
    let starts: Vec<usize> = (0..paragraphs.len())
        .filter(|&i| matches!(body_block(&paragraphs[i]), Block::Heading { level: l, .. } if l == level))
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let end = starts.get(n + 1).copied().unwrap_or(paragraphs.len());
            Part {
                paragraphs: start..end,
                heading: Some(start),
                item: None,
            }
        })
        .collect()
}

/// The 一是…二是… items of a paragraph that has at least two.
fn items(paragraph: &str) -> Vec<String> {
    let marks: Vec<usize> = ITEM
        .find_iter(paragraph)
        .map(|m| m.start())
        // 一是 after a character that ends a clause (or at the start): an
        // enumeration, not 唯一是.
        .filter(|&at| {
            paragraph[..at]
                .chars()
                .next_back()
                .is_none_or(|c| "，。；：、".contains(c))
        })
        .collect();
    if marks.len() < 2 {
        return Vec::new();
    }
    marks
        .iter()
        .enumerate()
        .map(|(n, &at)| {
            let end = marks.get(n + 1).copied().unwrap_or(paragraph.len());
            paragraph[at..end]
                .trim_end_matches(['，', '；', '。'])
                .to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| (*l).to_owned()).collect()
    }

    #[test]
    fn top_level_sections_then_items_inside_paragraphs() {
        let d = doc(&[
            "关于加强基层减负的意见",
            "一、总体要求",
            "坚持问题导向。",
            "二、精简文件",
            "一是压减发文数量，二是控制篇幅，三是提高质量。",
            "三、保障措施",
            "各地要加强领导。",
        ]);
        let parts = parts(&d);
        assert_eq!(parts.len(), 6);
        assert_eq!(parts[0].paragraphs, 1..3);
        assert_eq!(parts[1].paragraphs, 3..5);
        assert_eq!(parts[2].paragraphs, 5..7);
        assert_eq!(parts[3].item.as_deref(), Some("一是压减发文数量"));
        assert_eq!(parts[5].item.as_deref(), Some("三是提高质量"));
    }

    #[test]
    fn second_level_headings_when_there_is_no_top_level() {
        let d = doc(&[
            "（一）压实责任。各单位要负责。",
            "（二）加强督查。市政府督查室负责。",
        ]);
        assert_eq!(parts(&d).len(), 2);
        assert!(parts(&doc(&["一段话，没有结构。", "唯一是指这一项。"])).is_empty());
    }
}
