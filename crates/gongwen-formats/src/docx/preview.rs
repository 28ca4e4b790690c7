//! 版式预览: the pages of a document as the .docx export lays them out,
//! computed with the export's own geometry (the 22 × 579-twip line grid,
//! 28 condensed 3号 characters a line, the 标志's drop and size, balanced
//! title lines, the 署名/日期 columns), so the preview and the file agree.
//! Positions are in millimetres from the 版心's top-left corner; the window
//! draws them with CSS mm units.
//!
//! Lines are broken greedily by width (CJK one character, ASCII half) with
//! the common 禁则: a closing mark never starts a line, an opening mark
//! never ends one — what Word, WPS and LibreOffice do with
//! `overflowPunct=0`. The LibreOffice test holds the two to the same pages.

use gongwen_domain::{Block, Document, Layout};
use serde::Serialize;
use ts_rs::TS;

use super::export::{
    CHAR, LINE, TEXT_HEIGHT, TEXT_WIDTH, attachment_items, balance_title, issuer_marks, mark_size,
    mm, signature_columns, width_in_chars,
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

fn char_width(c: char) -> f64 {
    if c.is_ascii() { 0.5 } else { 1.0 }
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

fn body_para(block: &Block, per_line: f64) -> Para {
    let (text, font) = match block {
        Block::Paragraph { text } => (text.clone(), Font::Fangsong),
        Block::Heading {
            level,
            number,
            text,
        } => (
            format!("{number}{text}"),
            match level {
                1 => Font::Heiti,
                2 => Font::Kaiti,
                _ => Font::Fangsong,
            },
        ),
    };
    Para::grid(wrap(&text, per_line, 2.0, 0.0), font, Align::Justify)
}

/// The pages of `doc` as the export lays them out.
pub fn preview(doc: &Document) -> Preview {
    let per_line = f64::from(TEXT_WIDTH / CHAR);
    let mut paras: Vec<Para> = Vec::new();

    let mut head_lines = 0;
    let header = [
        (doc.copy_number.clone(), Font::Fangsong),
        (
            doc.classification.as_ref().map(|c| c.to_standard()),
            Font::Heiti,
        ),
        (doc.urgency.map(|u| u.name().to_owned()), Font::Heiti),
    ];
    for (text, font) in header {
        if let Some(text) = text {
            paras.push(Para::grid(vec![(text, 0.0)], font, Align::Left));
            head_lines += 1;
        }
    }
    // The export's border sizes, eighths of a point, in mm.
    let eighths = |n: f64| n / 8.0 * 25.4 / 72.0;
    let red_rule = Rule {
        red: true,
        width: eighths(12.0),
        double: false,
    };
    match doc.layout {
        Layout::Standard | Layout::Minutes | Layout::Order => {
            let marks = issuer_marks(doc);
            // The 标志's top edge 35 mm below the 版心's (命令: 20 mm).
            let drop = if doc.layout == Layout::Order {
                mm(20.0)
            } else {
                mm(35.0)
            };
            for (i, mark) in marks.iter().enumerate() {
                let size = mark_size(mark);
                paras.push(Para {
                    lines: vec![(mark.clone(), 0.0)],
                    height: (size as i32) * 10 + 120,
                    before: if i == 0 {
                        (drop - head_lines * LINE).max(0)
                    } else {
                        0
                    },
                    font: Font::Xiaobiaosong,
                    size: size as f64 / 2.0,
                    align: Align::Center,
                    red: true,
                    rule_below: None,
                    rule_above: None,
                    keep_next: true,
                });
            }
            paras.push(Para::blank());
            let number = doc.doc_number.as_ref().map(|n| n.to_standard());
            if doc.layout == Layout::Order {
                if let Some(number) = number {
                    paras.push(Para::grid(
                        vec![(number, 0.0)],
                        Font::Fangsong,
                        Align::Center,
                    ));
                    paras.push(Para::blank());
                }
            } else {
                let mut p = if doc.signers.is_empty() {
                    Para::grid(
                        vec![(number.unwrap_or_default(), 0.0)],
                        Font::Fangsong,
                        Align::Center,
                    )
                } else {
                    // 文号 one character in from the left, 签发人 one in from
                    // the right: one line, shown with the gap between.
                    let number = number.unwrap_or_default();
                    let signers = format!("签发人：{}", doc.signers.join("　"));
                    let gap = (per_line - 2.0 - width_in_chars(&number) - width_in_chars(&signers))
                        .max(1.0);
                    let spaces = "　".repeat(gap.floor() as usize);
                    Para::grid(
                        vec![(format!("{number}{spaces}{signers}"), 1.0)],
                        Font::Fangsong,
                        Align::Left,
                    )
                };
                p.rule_below = Some(red_rule);
                p.keep_next = true;
                paras.push(p);
                paras.push(Para::blank());
            }
        }
        Layout::Letter => {
            for mark in &doc.issuer_marks {
                paras.push(Para {
                    lines: vec![(mark.clone(), 0.0)],
                    height: 32 * 20 * 6 / 5,
                    before: 0,
                    font: Font::Xiaobiaosong,
                    size: 32.0,
                    align: Align::Center,
                    red: true,
                    rule_below: None,
                    rule_above: None,
                    keep_next: true,
                });
            }
            let mut rule = Para::blank();
            rule.rule_below = Some(Rule {
                red: true,
                width: eighths(18.0),
                double: true,
            });
            paras.push(rule);
            if let Some(number) = &doc.doc_number {
                paras.push(Para::grid(
                    vec![(number.to_standard(), 0.0)],
                    Font::Fangsong,
                    Align::Right,
                ));
            }
            paras.push(Para::blank());
        }
    }

    if !doc.title.is_empty() {
        let lines = balance_title(&doc.title, (TEXT_WIDTH / 440) as usize)
            .into_iter()
            .map(|l| (l, 0.0))
            .collect();
        let mut title = Para::grid(lines, Font::Xiaobiaosong, Align::Center);
        title.size = 22.0;
        paras.push(title);
        paras.push(Para::blank());
    }
    if !doc.recipients.is_empty() {
        let text = format!("{}：", doc.recipients.join("，").trim_end_matches('：'));
        paras.push(Para::grid(
            wrap(&text, per_line, 0.0, 0.0),
            Font::Fangsong,
            Align::Justify,
        ));
    }
    paras.extend(doc.body.iter().map(|b| body_para(b, per_line)));

    if !doc.attachments.is_empty() {
        paras.push(Para::blank());
        for (i, item) in attachment_items(doc).into_iter().enumerate() {
            let (text, first) = if i == 0 {
                (format!("附件：{item}"), 2.0)
            } else {
                (item, 5.0)
            };
            paras.push(Para::grid(
                wrap(&text, per_line, first, 5.0),
                Font::Fangsong,
                Align::Justify,
            ));
        }
    }

    let date = doc.date.map(|d| d.to_standard());
    if doc.layout != Layout::Minutes && (!doc.signature.is_empty() || date.is_some()) {
        for _ in 0..(if doc.sealed { 2 } else { 1 }) {
            paras.push(Para::blank());
        }
        let (sign_start, date_start) = signature_columns(doc, per_line);
        for name in &doc.signature {
            paras.push(Para::grid(
                vec![(name.clone(), sign_start.max(0.0))],
                Font::Fangsong,
                Align::Left,
            ));
        }
        if let Some(date) = date {
            paras.push(Para::grid(
                vec![(date, date_start.max(0.0))],
                Font::Fangsong,
                Align::Left,
            ));
        }
    }
    if let Some(note) = &doc.note {
        paras.push(Para::grid(
            wrap(&format!("（{note}）"), per_line, 2.0, 0.0),
            Font::Fangsong,
            Align::Justify,
        ));
    }
    if let Some(att) = &doc.attendance {
        paras.push(Para::blank());
        for (label, names) in [
            ("出席", &att.present),
            ("请假", &att.absent),
            ("列席", &att.observers),
        ] {
            if !names.is_empty() {
                let text = format!("{label}：{}", names.join("、"));
                paras.push(Para::grid(
                    wrap(&text, per_line, 2.0, 5.0),
                    Font::Fangsong,
                    Align::Justify,
                ));
            }
        }
    }

    let mut pages = paginate(&paras, doc.layout == Layout::Letter);
    place_imprint(doc, &mut pages);
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
fn place_imprint(doc: &Document, pages: &mut Vec<PreviewPage>) {
    let printed = doc.printed_by.is_some() || doc.printed_on.is_some();
    if doc.cc.is_empty() && !printed {
        return;
    }
    let line_mm = f64::from(LINE) * MM_PER_TWIP;
    let width = f64::from(TEXT_WIDTH) * MM_PER_TWIP;
    let char4 = 280.0 * MM_PER_TWIP;
    let thick = Rule {
        red: false,
        width: 0.35,
        double: false,
    };
    let thin = Rule {
        width: 0.25,
        ..thick
    };
    let mut rows: Vec<(String, Option<Rule>, Option<Rule>)> = Vec::new();
    if !doc.cc.is_empty() {
        let text = format!("抄送：{}。", doc.cc.join("，").trim_end_matches('。'));
        rows.push((text, Some(thick), Some(if printed { thin } else { thick })));
    }
    if printed {
        let by = doc.printed_by.clone().unwrap_or_default();
        let on = doc
            .printed_on
            .map(|d| format!("{}印发", d.to_standard()))
            .unwrap_or_default();
        // The date is flush right: the gap, in 4号 characters.
        let gap = ((width - 2.0 * char4) / char4 - width_in_chars(&by) - width_in_chars(&on))
            .max(1.0)
            .floor() as usize;
        let above = doc.cc.is_empty().then_some(thick);
        rows.push((format!("{by}{}{on}", "　".repeat(gap)), above, Some(thick)));
    }
    let needed = rows.len() as f64 * line_mm;
    let used = pages
        .last()
        .and_then(|p| p.lines.last())
        .map_or(0.0, |l| l.top + l.height);
    if used + needed > 225.0 + 1e-6 {
        let letter = doc.layout == Layout::Letter;
        new_page(pages, letter);
    }
    let Some(page) = pages.last_mut() else {
        return;
    };
    let top = 225.0 - needed;
    for (i, (text, above, below)) in rows.into_iter().enumerate() {
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
            rule_above: above,
            rule_below: below,
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
