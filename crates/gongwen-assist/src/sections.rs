//! The parts of a document a reader would list: its top-level sections
//! (一、…; where there are fewer than two, its （一） items), the （一）
//! sub-sections inside top-level ones, and the 一是/二是 items written
//! inside paragraphs. A summary says something of
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
    /// 1 for a top-level section, 2 for a sub-section inside one.
    pub level: u8,
    pub item: Option<String>,
}

/// The document's parts, in order; empty for a document without structure.
pub fn parts(paragraphs: &[String]) -> Vec<Part> {
    let levels: Vec<Option<u8>> = paragraphs
        .iter()
        .map(|p| match body_block(p) {
            Block::Heading { level, .. } => Some(level),
            Block::Paragraph { .. } => None,
        })
        .collect();
    let mut out = headed(&levels, 1);
    if out.len() >= 2 {
        out.extend(
            headed(&levels, 2)
                .into_iter()
                .map(|p| Part { level: 2, ..p }),
        );
    } else {
        out = headed(&levels, 2);
        if out.len() < 2 {
            out.clear();
        }
    }
    for (i, p) in paragraphs.iter().enumerate() {
        out.extend(items(p).into_iter().map(|item| Part {
            paragraphs: i..i + 1,
            heading: None,
            level: 0,
            item: Some(item),
        }));
    }
    out
}

/// Sections opened by headings of `level` (1 for 一、, 2 for （一）), as
/// 一键排版 reads them, each up to the next heading of its level or above.
/// `level` is reported as 1: the caller says which are nested.
fn headed(levels: &[Option<u8>], level: u8) -> Vec<Part> {
    let starts: Vec<usize> = (0..levels.len())
        .filter(|&i| levels[i] == Some(level))
        .collect();
    starts
        .iter()
        .map(|&start| {
            let end = (start + 1..levels.len())
                .find(|&i| levels[i].is_some_and(|l| l <= level))
                .unwrap_or(levels.len());
            Part {
                paragraphs: start..end,
                heading: Some(start),
                level: 1,
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
    fn sub_sections_inside_top_level_ones_are_parts_too() {
        let d = doc(&[
            "一、主要任务",
            "（一）推进决策公开。征求意见期限不少于30日。",
            "（二）规范依申请公开。答复期限为20个工作日。",
            "二、保障措施",
            "各单位要明确分管负责同志。",
        ]);
        let parts = parts(&d);
        let spans: Vec<_> = parts
            .iter()
            .map(|p| (p.level, p.paragraphs.clone()))
            .collect();
        assert_eq!(spans, [(1, 0..3), (1, 3..5), (2, 1..2), (2, 2..3)]);
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
