//! 版式预览: the pages of a document as the .docx export lays them out,
//! from the export's own layout plan (`plan.rs`: what prints, in which
//! font, from where) and geometry (the 22 × 579-twip line grid, 28
//! condensed 3号 characters a line), so the preview and the file agree.
//! Positions are in millimetres from the 版心's top-left corner; the window
//! draws them with CSS mm units.
//!
//! Lines are broken greedily by width (CJK one character, ASCII half) with
//! the common 禁则: a closing mark never starts a line, an opening mark
//! never ends one — what Word, WPS and LibreOffice do with
//! `overflowPunct=0`. The LibreOffice test holds the two to the same pages.

use gongwen_domain::{Document, Layout};
use serde::Serialize;
use ts_rs::TS;

use super::export::{CHAR, LINE, TEXT_HEIGHT, TEXT_WIDTH};
use super::plan::{
    ImprintRow, ImprintText, Item, PER_LINE, Piece, Weight, char_width, plan, width_in_chars,
};

const MM_PER_TWIP: f64 = 25.4 / 1440.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "PreviewFont")]
pub enum Font {
    Fangsong,
    Heiti,
    Kaiti,
    Xiaobiaosong,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "PreviewAlign")]
pub enum Align {
    Left,
    Center,
    Right,
    Justify,
}

/// A horizontal rule under a line: the red 分隔线, or the 版记's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(rename = "PreviewRule")]
pub struct Rule {
    pub red: bool,
    /// Thickness in mm.
    pub width: f64,
    /// 信函格式's thick-thin double rule.
    pub double: bool,
}

/// One printed line.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PreviewLine {
    pub text: String,
    /// mm from the 版心's top and left edges.
    pub top: f64,
    pub left: f64,
    /// The box the line sits in: its height and width in mm.
    pub height: f64,
    pub width: f64,
    pub font: Font,
    /// Point size.
    pub size: f64,
    pub align: Align,
    pub red: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rule_above: Option<Rule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rule_below: Option<Rule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PreviewPage {
    pub number: usize,
    pub lines: Vec<PreviewLine>,
    /// "— N —", on the right of odd pages and the left of even ones; none
    /// on a letter's first page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub page_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Preview {
    pub pages: Vec<PreviewPage>,
    /// Page and 版心 geometry, mm, for the window to draw.
    pub page_width: f64,
    pub page_height: f64,
    pub margin_top: f64,
    pub margin_left: f64,
    pub text_width: f64,
    pub text_height: f64,
}

/// A paragraph to place: its lines, each line's height, where it starts.
struct Para {
    lines: Vec<(String, f64)>,
    /// Twips: line height, space before, left start of each line.
    height: i32,
    before: i32,
    font: Font,
    size: f64,
    align: Align,
    red: bool,
    rule_below: Option<Rule>,
    rule_above: Option<Rule>,
    /// Kept on the page with what follows (标志 with the 文号 and rule).
    keep_next: bool,
}

impl Para {
    fn grid(lines: Vec<(String, f64)>, font: Font, align: Align) -> Para {
        Para {
            lines,
            height: LINE,
            before: 0,
            font,
            size: 16.0,
            align,
            red: false,
            rule_below: None,
            rule_above: None,
            keep_next: false,
        }
    }

    fn blank() -> Para {
        Para::grid(vec![(String::new(), 0.0)], Font::Fangsong, Align::Left)
    }
}

/// Characters that never start a line.
fn no_start(c: char) -> bool {
    "，。、；：？！）》」』”’…—%．,.;:?!)]}".contains(c)
}

/// Characters that never end a line.
fn no_end(c: char) -> bool {
    "（《「『“‘([{".contains(c)
}

/// Breaks `text` into lines: the first starts `first` characters in, the
/// rest `rest` in; a line is `total` characters wide. Returns each line
/// with its start.
fn wrap(text: &str, total: f64, first: f64, rest: f64) -> Vec<(String, f64)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut indent = first;
    while start < chars.len() {
        let room = total - indent;
        let mut width = 0.0;
        let mut end = start;
        while end < chars.len() && width + char_width(chars[end]) <= room + 1e-9 {
            width += char_width(chars[end]);
            end += 1;
        }
        if end < chars.len() && end > start + 1 {
            // 禁则: a closing mark hangs past the edge rather than start a
            // line (as LibreOffice prints it); an opening mark goes down
            // with what it opens.
            if no_start(chars[end]) {
                end += 1;
            } else if no_end(chars[end - 1]) {
                end -= 1;
            }
        }
        if end == start {
            end = start + 1;
        }
        out.push((chars[start..end].iter().collect(), indent));
        start = end;
        indent = rest;
    }
    if out.is_empty() {
        out.push((String::new(), first));
    }
    out
}

/// A paragraph of text: its lines broken as the clients break them, in
/// the font its first piece begins with.
fn text_para(pieces: &[Piece], first: f64, rest: f64) -> Para {
    let text: String = pieces.iter().map(|p| p.text.as_str()).collect();
    let font = pieces.first().map_or(Font::Fangsong, |p| p.font);
    Para::grid(wrap(&text, PER_LINE, first, rest), font, Align::Justify)
}

/// The pages of `doc` as the export lays them out: the same plan.
pub fn preview(doc: &Document) -> Preview {
    // The export's border sizes, eighths of a point, in mm.
    let eighths = |n: f64| n / 8.0 * 25.4 / 72.0;
    let red_rule = Rule {
        red: true,
        width: eighths(12.0),
        double: false,
    };
    let plan = plan(doc);
    let mut paras: Vec<Para> = Vec::new();
    for item in &plan.items {
        match item {
            Item::Header(piece) => paras.push(Para::grid(
                vec![(piece.text.clone(), 0.0)],
                piece.font,
                Align::Left,
            )),
            Item::Mark {
                text,
                size,
                before,
                exact,
            } => paras.push(Para {
                lines: vec![(text.clone(), 0.0)],
                // Exact: the paragraph's own height; on the grid, a line
                // of its size (1.2 × the font).
                height: if *exact {
                    (*size as i32) * 10 + 120
                } else {
                    (*size as i32) * 10 * 6 / 5
                },
                before: *before,
                font: Font::Xiaobiaosong,
                size: *size as f64 / 2.0,
                align: Align::Center,
                red: true,
                rule_below: None,
                rule_above: None,
                keep_next: true,
            }),
            Item::Blank => paras.push(Para::blank()),
            Item::Number { text, align, rule } => {
                let mut p = Para::grid(vec![(text.clone(), 0.0)], Font::Fangsong, *align);
                if *rule {
                    p.rule_below = Some(red_rule);
                    p.keep_next = true;
                }
                paras.push(p);
            }
            Item::NumberAndSigners { number, signers } => {
                // 文号 one character in from the left, 签发人 one in from
                // the right: one line, shown with the gap between.
                let signers = format!("签发人：{}", signers.join("　"));
                let gap =
                    (PER_LINE - 2.0 - width_in_chars(number) - width_in_chars(&signers)).max(1.0);
                let spaces = "　".repeat(gap.floor() as usize);
                let mut p = Para::grid(
                    vec![(format!("{number}{spaces}{signers}"), 1.0)],
                    Font::Fangsong,
                    Align::Left,
                );
                p.rule_below = Some(red_rule);
                p.keep_next = true;
                paras.push(p);
            }
            Item::LetterRule => {
                let mut rule = Para::blank();
                rule.rule_below = Some(Rule {
                    red: true,
                    width: eighths(18.0),
                    double: true,
                });
                paras.push(rule);
            }
            Item::Title { lines } => {
                if !lines.is_empty() {
                    let lines = lines.iter().map(|l| (l.clone(), 0.0)).collect();
                    let mut title = Para::grid(lines, Font::Xiaobiaosong, Align::Center);
                    title.size = 22.0;
                    paras.push(title);
                    paras.push(Para::blank());
                }
            }
            Item::Body(body) => paras.extend(body.iter().map(|p| text_para(p, 2.0, 0.0))),
            Item::Text {
                pieces,
                first,
                rest,
            } => paras.push(text_para(pieces, f64::from(*first), f64::from(*rest))),
            Item::Line { text, start } => paras.push(Para::grid(
                vec![(text.clone(), *start)],
                Font::Fangsong,
                Align::Left,
            )),
        }
    }
    let letter = doc.layout == Layout::Letter;
    let mut pages = paginate(&paras, letter);
    place_imprint(&plan.imprint, letter, &mut pages);
    Preview {
        pages,
        page_width: 210.0,
        page_height: 297.0,
        margin_top: 37.0,
        margin_left: 28.0,
        text_width: 156.0,
        text_height: 225.0,
    }
}

fn page_number(number: usize, letter: bool) -> Option<String> {
    (!(letter && number == 1)).then(|| format!("— {number} —"))
}

/// Lays the paragraphs down the pages: a line that does not fit starts a
/// new page (space before a paragraph is dropped there); a kept paragraph
/// moves with the one after it.
fn paginate(paras: &[Para], letter: bool) -> Vec<PreviewPage> {
    let width = f64::from(TEXT_WIDTH) * MM_PER_TWIP;
    let char_mm = f64::from(CHAR) * MM_PER_TWIP;
    let mut pages = vec![PreviewPage {
        number: 1,
        lines: Vec::new(),
        page_number: page_number(1, letter),
    }];
    let mut y = 0i32;
    for (index, para) in paras.iter().enumerate() {
        let mut before = para.before;
        // 标志 and 文号 stay together with what follows them.
        let kept: i32 = paras[index..]
            .iter()
            .take_while(|p| p.keep_next)
            .map(|p| p.before + p.height * p.lines.len() as i32)
            .sum();
        let need = if para.keep_next {
            kept + LINE
        } else {
            before + para.height
        };
        if y > 0 && y + need > TEXT_HEIGHT {
            new_page(&mut pages, letter);
            y = 0;
            before = 0;
        }
        y += before;
        for (i, (text, start)) in para.lines.iter().enumerate() {
            if y + para.height > TEXT_HEIGHT {
                new_page(&mut pages, letter);
                y = 0;
            }
            let page = pages.last_mut().map(|p| &mut p.lines);
            if let Some(lines) = page {
                let left = start * char_mm;
                lines.push(PreviewLine {
                    text: text.clone(),
                    top: f64::from(y) * MM_PER_TWIP,
                    left,
                    height: f64::from(para.height) * MM_PER_TWIP,
                    width: width - left,
                    font: para.font,
                    size: para.size,
                    align: para.align,
                    red: para.red,
                    rule_above: if i == 0 { para.rule_above } else { None },
                    rule_below: if i + 1 == para.lines.len() {
                        para.rule_below
                    } else {
                        None
                    },
                });
            }
            y += para.height;
        }
        // A paragraph border takes its own width below the text.
        if let Some(rule) = para.rule_below {
            y += (rule.width / MM_PER_TWIP).round() as i32;
        }
    }
    // Blank lines carry no text: keep only what prints or draws a rule.
    for page in &mut pages {
        page.lines
            .retain(|l| !l.text.is_empty() || l.rule_below.is_some() || l.rule_above.is_some());
    }
    pages
}

fn new_page(pages: &mut Vec<PreviewPage>, letter: bool) {
    let number = pages.len() + 1;
    pages.push(PreviewPage {
        number,
        lines: Vec::new(),
        page_number: page_number(number, letter),
    });
}

/// 版记 at the foot of the last page, in 4号 between rules; on a page of
/// its own when the last page has no room.
fn place_imprint(rows: &[ImprintRow], letter: bool, pages: &mut Vec<PreviewPage>) {
    if rows.is_empty() {
        return;
    }
    let line_mm = f64::from(LINE) * MM_PER_TWIP;
    let width = f64::from(TEXT_WIDTH) * MM_PER_TWIP;
    let char4 = 280.0 * MM_PER_TWIP;
    let rule = |weight: Weight| Rule {
        red: false,
        width: match weight {
            Weight::Thick => 0.35,
            Weight::Thin => 0.25,
        },
        double: false,
    };
    let needed = rows.len() as f64 * line_mm;
    let used = pages
        .last()
        .and_then(|p| p.lines.last())
        .map_or(0.0, |l| l.top + l.height);
    if used + needed > 225.0 + 1e-6 {
        new_page(pages, letter);
    }
    let Some(page) = pages.last_mut() else {
        return;
    };
    let top = 225.0 - needed;
    for (i, row) in rows.iter().enumerate() {
        let text = match &row.text {
            ImprintText::Cc(text) => text.clone(),
            ImprintText::Printed { by, on } => {
                // The date is flush right: the gap, in 4号 characters.
                let on = on.clone().unwrap_or_default();
                let gap = ((width - 2.0 * char4) / char4 - width_in_chars(by) - width_in_chars(&on))
                    .max(1.0)
                    .floor() as usize;
                format!("{by}{}{on}", "　".repeat(gap))
            }
        };
        page.lines.push(PreviewLine {
            text,
            top: top + i as f64 * line_mm,
            left: char4,
            height: line_mm,
            width: width - 2.0 * char4,
            font: Font::Fangsong,
            size: 14.0,
            align: Align::Left,
            red: false,
            rule_above: row.above.map(rule),
            rule_below: row.below.map(rule),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongwen_domain::structure;

    #[test]
    fn lines_hold_28_characters_and_closing_marks_hang() {
        let text = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八，九十";
        let lines = wrap(text, 28.0, 0.0, 0.0);
        assert_eq!(lines[0].0.chars().count(), 29, "{lines:?}");
        assert!(lines[0].0.ends_with("八，"), "{lines:?}");
        assert_eq!(lines[1].0, "九十");
        // ASCII counts half.
        let lines = wrap(&"1".repeat(60), 28.0, 2.0, 0.0);
        assert_eq!(lines[0].0.len(), 52);
        assert_eq!(lines[1].0.len(), 8);
    }

    #[test]
    fn a_long_notice_fills_22_lines_a_page_and_numbers_its_pages() {
        let mut text = String::from(
            "××市人民政府办公室文件\n×政办发〔2026〕12号\n关于做好冬季安全生产工作的通知\n各区人民政府：\n",
        );
        for i in 0..40 {
            text.push_str(&format!(
                "第{i}段，各单位要切实做好冬季安全生产工作，落实责任。\n"
            ));
        }
        text.push_str("××市人民政府办公室\n2026年11月29日\n抄送：市委办公室。\n××市人民政府办公室 2026年11月29日印发");
        let doc = structure(&text, None).document;
        let preview = preview(&doc);
        assert!(preview.pages.len() >= 3, "{}", preview.pages.len());
        for page in &preview.pages {
            let grid_lines = page.lines.iter().filter(|l| l.size == 16.0).count();
            assert!(grid_lines <= 22, "page {}: {grid_lines}", page.number);
            for line in &page.lines {
                assert!(line.top + line.height <= 225.0 + 1e-6, "{line:?}");
            }
        }
        assert_eq!(preview.pages[1].page_number.as_deref(), Some("— 2 —"));
        let first = &preview.pages[0].lines;
        let mark = first.iter().find(|l| l.red).unwrap();
        // The 标志's top 35 mm below the 版心's top edge.
        assert!((mark.top - 35.0).abs() < 0.1, "{mark:?}");
        assert!(first.iter().any(|l| l.rule_below.is_some_and(|r| r.red)));
        // 版记 at the foot of the last page.
        let last = preview.pages.last().unwrap();
        let imprint = last.lines.last().unwrap();
        assert!(imprint.text.ends_with("印发"), "{imprint:?}");
        assert!((imprint.top + imprint.height - 225.0).abs() < 1e-6);
    }
}
