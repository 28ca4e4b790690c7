//! A structured document → .docx laid out per GB/T 9704-2012.
//!
//! Geometry (twips, 1 mm = 56.69 twips): A4; 天头 37 mm, 订口 28 mm; 版心
//! 156 × 225 mm. 22 lines a page: every paragraph has an exact line pitch of
//! 225 mm / 22 = 579 twips, and the section's `lines` grid says the same.
//! 28 characters a line: 3号 is 16 pt, 28 × 16 pt = 448 pt does not fit in
//! 156 mm = 442.2 pt, so every run is condensed by 0.25 pt (15.75 pt a
//! character: 28 fit, 29 do not).

use docx_rs::{
    AlignmentType, BorderType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer,
    InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Tab, TabValueType,
};
use gongwen_domain::{Block, Document, Layout, WrittenDate};

use super::tracked::{Revision, align, diff_runs};
use crate::FormatError;

pub(crate) const fn mm(x: f64) -> i32 {
    (x * 1440.0 / 25.4 + 0.5) as i32
}

pub const PAGE_WIDTH: i32 = 11906;
pub const PAGE_HEIGHT: i32 = 16838;
pub const MARGIN_TOP: i32 = mm(37.0);
pub const MARGIN_LEFT: i32 = mm(28.0);
pub const TEXT_WIDTH: i32 = mm(156.0);
pub const TEXT_HEIGHT: i32 = mm(225.0);
const MARGIN_RIGHT: i32 = PAGE_WIDTH - MARGIN_LEFT - TEXT_WIDTH;
const MARGIN_BOTTOM: i32 = PAGE_HEIGHT - MARGIN_TOP - TEXT_HEIGHT;
/// One of the 22 lines.
pub const LINE: i32 = 579;
/// A 3号 character as condensed: 15.75 pt.
pub const CHAR: i32 = 315;
/// The condensing, in twentieths of a point.
const CONDENSE: i32 = -5;
/// The footer's distance from the page's bottom edge, so that the top of
/// the page number (4号, one 14 pt line) sits 7 mm below the 版心.
const FOOTER: i32 = MARGIN_BOTTOM - mm(7.0) - 280;

// The geometry, checked when compiling: 37/28 mm margins in twips, 28
// characters fit a line and 29 do not, 22 lines fill the 版心.
const _: () = assert!(MARGIN_TOP == 2098 && MARGIN_LEFT == 1587);
const _: () = assert!(TEXT_WIDTH / CHAR == 28 && 29 * CHAR > TEXT_WIDTH);
const _: () = assert!(TEXT_HEIGHT / LINE == 22);

const RED: &str = "FF0000";

/// Font names as government PCs have them; a machine without one
/// substitutes by its own rules (the tests map them to free CJK fonts).
const FANGSONG: &str = "仿宋_GB2312";
const KAITI: &str = "楷体_GB2312";
const HEITI: &str = "黑体";
const XIAOBIAOSONG: &str = "方正小标宋简体";
const SONG: &str = "宋体";

/// Half-points.
const SIZE_3: usize = 32;
const SIZE_2: usize = 44;
const SIZE_4: usize = 28;

fn fonts(name: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(name)
        .ascii(name)
        .hi_ansi(name)
        .cs(name)
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new()
        .add_text(text)
        .fonts(fonts(font))
        .size(size)
        .character_spacing(CONDENSE)
}

/// One line of the grid, exactly, with no space around the paragraph.
fn exact_pitch() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(LINE)
        .before(0)
        .after(0)
}

/// A paragraph on the line grid. No widow/orphan control: a page holds its
/// 22 lines (GB/T 9704 5.2.2), a paragraph breaks wherever the page ends.
fn line() -> Paragraph {
    Paragraph::new()
        .widow_control(false)
        .line_spacing(exact_pitch())
}

fn blank_lines(n: usize) -> impl Iterator<Item = Paragraph> {
    (0..n).map(|_| line().add_run(run("", FANGSONG, SIZE_3)))
}

fn indented(p: Paragraph, left_chars: i32, first_line_chars: i32) -> Paragraph {
    let special = match first_line_chars {
        0 => None,
        n if n > 0 => Some(SpecialIndentType::FirstLine(n * CHAR)),
        n => Some(SpecialIndentType::Hanging(-n * CHAR)),
    };
    p.indent(Some(left_chars * CHAR), special, None, None)
}

fn with_borders(mut p: Paragraph, borders: &[(ParagraphBorderPosition, usize, &str)]) -> Paragraph {
    // Start from no borders: docx-rs's default set is a full box.
    let mut set = ParagraphBorders::with_empty();
    for (position, size, color) in borders {
        set = set.set(
            ParagraphBorder::new(position.clone())
                .val(BorderType::Single)
                .size(*size)
                .space(0)
                .color(*color),
        );
    }
    p.property = p.property.set_borders(set);
    p
}

/// Width of `text` in 3号 characters: CJK one, ASCII half.
pub fn width_in_chars(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

/// Splits a title into lines of at most `per_line` characters, as even as
/// possible, never leaving one character alone on the last line and never
/// breaking inside 《》 or a run of digits.
pub fn balance_title(title: &str, per_line: usize) -> Vec<String> {
    let chars: Vec<char> = title.chars().collect();
    let n = chars.len();
    if n <= per_line || per_line < 2 {
        return vec![title.to_owned()];
    }
    let lines = n.div_ceil(per_line);
    // Positions where a break is allowed.
    let mut allowed = vec![true; n + 1];
    let mut depth = 0i32;
    for (i, c) in chars.iter().enumerate() {
        match c {
            '《' | '（' | '“' => depth += 1,
            '》' | '）' | '”' => depth -= 1,
            _ => {}
        }
        if depth > 0 {
            allowed[i + 1] = false;
        }
        if c.is_ascii_digit() && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
            allowed[i + 1] = false;
        }
        // Keep closing marks with what they close.
        if chars
            .get(i + 1)
            .is_some_and(|next| matches!(next, '》' | '）' | '”' | '，' | '、'))
        {
            allowed[i + 1] = false;
        }
    }
    let mut out = Vec::with_capacity(lines);
    let mut start = 0;
    for line_index in 0..lines {
        let remaining_lines = lines - line_index;
        if remaining_lines == 1 {
            out.push(chars[start..].iter().collect());
            break;
        }
        let ideal = start + (n - start).div_ceil(remaining_lines);
        // The allowed break nearest the ideal that keeps every line in bounds.
        let best = (start + 2..n - 1)
            .filter(|&b| {
                allowed[b] && b - start <= per_line && n - b <= per_line * (remaining_lines - 1)
            })
            .min_by_key(|&b| b.abs_diff(ideal))
            .unwrap_or(ideal.min(start + per_line));
        out.push(chars[start..best].iter().collect());
        start = best;
    }
    out
}

fn date_text(date: &WrittenDate) -> String {
    date.to_standard()
}

/// Builds the .docx bytes for `doc`.
pub fn export_docx(doc: &Document) -> Result<Vec<u8>, FormatError> {
    export_inner(doc, None)
}

/// Builds `doc` with the changes since `base` as Word revisions (w:ins /
/// w:del) in the title and the body, for a reviewer to accept or reject.
pub fn export_docx_tracked(
    base: &Document,
    doc: &Document,
    revision: &Revision,
) -> Result<Vec<u8>, FormatError> {
    export_inner(doc, Some((base, revision)))
}

fn export_inner(
    doc: &Document,
    tracked: Option<(&Document, &Revision)>,
) -> Result<Vec<u8>, FormatError> {
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let chars_per_line = (TEXT_WIDTH / CHAR) as usize;

    // 版头: 份号, 密级, 紧急程度, each on its own line, flush left.
    let mut head_lines = 0;
    if let Some(copy) = &doc.copy_number {
        paragraphs.push(line().add_run(run(copy, FANGSONG, SIZE_3)));
        head_lines += 1;
    }
    if let Some(class) = &doc.classification {
        paragraphs.push(line().add_run(run(&class.to_standard(), HEITI, SIZE_3)));
        head_lines += 1;
    }
    if let Some(urgency) = &doc.urgency {
        paragraphs.push(line().add_run(run(urgency.name(), HEITI, SIZE_3)));
        head_lines += 1;
    }

    match doc.layout {
        Layout::Standard | Layout::Minutes | Layout::Order => {
            let marks = issuer_marks(doc);
            if !marks.is_empty() {
                // Top edge 35 mm below the 版心 (命令: 20 mm).
                let drop = if doc.layout == Layout::Order {
                    mm(20.0)
                } else {
                    mm(35.0)
                };
                let before = (drop - head_lines * LINE).max(0);
                for (i, mark) in marks.iter().enumerate() {
                    let size = mark_size(mark);
                    // Off the line grid: its exact height holds in every
                    // client (LibreOffice would round it up to whole lines).
                    let mut p = Paragraph::new()
                        .align(AlignmentType::Center)
                        .snap_to_grid(false)
                        .line_spacing(
                            LineSpacing::new()
                                .line_rule(LineSpacingType::Exact)
                                .line((size as i32) * 10 + 120)
                                .before(if i == 0 { before as u32 } else { 0 })
                                .after(0),
                        )
                        .add_run(run(mark, XIAOBIAOSONG, size).color(RED));
                    p = p.keep_next(true);
                    paragraphs.push(p);
                }
            }
            paragraphs.extend(blank_lines(1));
            let number = doc.doc_number.as_ref().map(|n| n.to_standard());
            match doc.layout {
                Layout::Order => {
                    if let Some(number) = number {
                        paragraphs.push(
                            line()
                                .align(AlignmentType::Center)
                                .add_run(run(&number, FANGSONG, SIZE_3)),
                        );
                        paragraphs.extend(blank_lines(1));
                    }
                }
                _ => {
                    let rule = [(ParagraphBorderPosition::Bottom, 12usize, RED)];
                    let mut p = line();
                    if !doc.signers.is_empty() {
                        // 上行文: 文号 one character in from the left, 签发人 one
                        // character in from the right, on the same line.
                        p = p
                            .indent(Some(CHAR), None, Some(CHAR), None)
                            .add_tab(
                                Tab::new()
                                    .val(TabValueType::Right)
                                    .pos((TEXT_WIDTH - 2 * CHAR) as usize),
                            )
                            .add_run(run(number.as_deref().unwrap_or(""), FANGSONG, SIZE_3))
                            .add_run(Run::new().add_tab())
                            .add_run(run("签发人：", FANGSONG, SIZE_3))
                            .add_run(run(&doc.signers.join("　"), KAITI, SIZE_3));
                    } else {
                        p = p.align(AlignmentType::Center).add_run(run(
                            number.as_deref().unwrap_or(""),
                            FANGSONG,
                            SIZE_3,
                        ));
                    }
                    // The red rule 4 mm below the 文号.
                    let mut p = with_borders(p, &rule);
                    p = p.keep_next(true);
                    paragraphs.push(p);
                    paragraphs.extend(blank_lines(1));
                }
            }
        }
        Layout::Letter => {
            // 信函: the 标志 sits higher (30 mm from the page's top edge,
            // i.e. inside the top margin): placed at the 版心's top, then the
            // red double rule and the 文号 flush right under it.
            for mark in &doc.issuer_marks {
                paragraphs.push(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(run(mark, XIAOBIAOSONG, 64).color(RED)),
                );
            }
            let mut p = line();
            let mut set = ParagraphBorders::with_empty();
            set = set.set(
                ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                    .val(BorderType::ThickThinSmallGap)
                    .size(18)
                    .space(0)
                    .color(RED),
            );
            p.property = p.property.set_borders(set);
            paragraphs.push(p.add_run(run("", FANGSONG, SIZE_3)));
            if let Some(number) = &doc.doc_number {
                paragraphs.push(line().align(AlignmentType::Right).add_run(run(
                    &number.to_standard(),
                    FANGSONG,
                    SIZE_3,
                )));
            }
            paragraphs.extend(blank_lines(1));
        }
    }

    // 标题: 2号小标宋, centred, balanced lines.
    let title_changed = tracked.filter(|(base, _)| base.title != doc.title);
    if let Some((base, revision)) = title_changed {
        let p = title_paragraph();
        let styled = |r: Run| {
            r.fonts(fonts(XIAOBIAOSONG))
                .size(SIZE_2)
                .character_spacing(CONDENSE)
        };
        paragraphs.push(diff_runs(p, &base.title, &doc.title, revision, &styled));
        paragraphs.extend(blank_lines(1));
    } else if !doc.title.is_empty() {
        let mut p = title_paragraph();
        for (i, part) in balance_title(&doc.title, (TEXT_WIDTH / 440) as usize)
            .iter()
            .enumerate()
        {
            let mut r = run(part, XIAOBIAOSONG, SIZE_2);
            if i > 0 {
                r = Run::new()
                    .add_break(BreakType::TextWrapping)
                    .fonts(fonts(XIAOBIAOSONG))
                    .size(SIZE_2);
                p = p.add_run(r);
                r = run(part, XIAOBIAOSONG, SIZE_2);
            }
            p = p.add_run(r);
        }
        paragraphs.push(p);
        paragraphs.extend(blank_lines(1));
    }

    // 主送机关: flush left, full-width colon.
    if !doc.recipients.is_empty() {
        let text = format!("{}：", doc.recipients.join("，").trim_end_matches('：'));
        paragraphs.push(
            line()
                .align(AlignmentType::Both)
                .add_run(run(&text, FANGSONG, SIZE_3)),
        );
    }

    // 正文.
    match tracked {
        None => paragraphs.extend(doc.body.iter().map(body_paragraph)),
        Some((base, revision)) => paragraphs.extend(tracked_body(&base.body, &doc.body, revision)),
    }

    // 附件说明: one blank line, then 附件：1. …, names aligned.
    if !doc.attachments.is_empty() {
        paragraphs.extend(blank_lines(1));
        for (i, item) in attachment_items(doc).into_iter().enumerate() {
            let p = if i == 0 {
                indented(line(), 5, -3).add_run(run(&format!("附件：{item}"), FANGSONG, SIZE_3))
            } else {
                indented(line(), 5, 0).add_run(run(&item, FANGSONG, SIZE_3))
            };
            paragraphs.push(p.align(AlignmentType::Both));
        }
    }

    // 署名 and 成文日期 (纪要 carry no 署名 in the body).
    let date = doc.date.as_ref().map(date_text);
    if doc.layout != Layout::Minutes && (!doc.signature.is_empty() || date.is_some()) {
        paragraphs.extend(blank_lines(if doc.sealed { 2 } else { 1 }));
        let (sign_start, date_start) = signature_columns(doc, chars_per_line as f64);
        let at = |start: f64| Some((start.max(0.0) * f64::from(CHAR)) as i32);
        for name in &doc.signature {
            paragraphs.push(
                line()
                    .indent(at(sign_start), None, None, None)
                    .add_run(run(name, FANGSONG, SIZE_3)),
            );
        }
        if let Some(date) = &date {
            paragraphs.push(
                line()
                    .indent(at(date_start), None, None, None)
                    .add_run(run(date, FANGSONG, SIZE_3)),
            );
        }
    }

    // 附注: in round brackets, two characters in, below the date.
    if let Some(note) = &doc.note {
        paragraphs.push(indented(line(), 0, 2).add_run(run(
            &format!("（{note}）"),
            FANGSONG,
            SIZE_3,
        )));
    }

    // 纪要: 出席 / 请假 / 列席.
    if let Some(att) = &doc.attendance {
        paragraphs.extend(blank_lines(1));
        for (label, names) in [
            ("出席", &att.present),
            ("请假", &att.absent),
            ("列席", &att.observers),
        ] {
            if names.is_empty() {
                continue;
            }
            paragraphs.push(
                indented(line(), 5, -3)
                    .align(AlignmentType::Both)
                    .add_run(run(&format!("{label}："), HEITI, SIZE_3))
                    .add_run(run(&names.join("、"), FANGSONG, SIZE_3)),
            );
        }
    }

    // 版记 at the end, between full-width rules.
    paragraphs.extend(imprint(doc));

    let mut docx = Docx::new()
        .page_size(PAGE_WIDTH as u32, PAGE_HEIGHT as u32)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(mm(15.0))
                .footer(FOOTER)
                .gutter(0),
        )
        .default_fonts(fonts(FANGSONG))
        .default_size(SIZE_3)
        .footer(page_number_footer(AlignmentType::Right))
        .even_footer(page_number_footer(AlignmentType::Left));
    docx.document = docx.document.doc_grid(
        DocGrid::new()
            .grid_type(DocGridType::Lines)
            .line_pitch(LINE as usize),
    );
    if doc.layout == Layout::Letter {
        // 信函: no page number on the first page.
        docx = docx.first_footer(Footer::new());
    }
    for p in paragraphs {
        docx = docx.add_paragraph(p);
    }
    let mut bytes = Vec::new();
    docx.build()
        .pack(std::io::Cursor::new(&mut bytes))
        .map_err(|e| FormatError::Write(e.to_string()))?;
    crate::docx::package::put_in_schema_order(&bytes)
}

/// Where 署名 and 成文日期 start, in characters from the left of a line of
/// `total` characters (GB/T 9704 7.3.5: with a seal the date four
/// characters in from the right and 署名 centred on it; without, 署名 two
/// characters in from the right and the date two to the right of its first
/// character).
pub fn signature_columns(doc: &Document, total: f64) -> (f64, f64) {
    let date_w = doc
        .date
        .as_ref()
        .map_or(0.0, |d| width_in_chars(&date_text(d)));
    let sign_w = doc
        .signature
        .iter()
        .map(|s| width_in_chars(s))
        .fold(0.0, f64::max);
    if doc.sealed {
        let date_start = total - 4.0 - date_w;
        (date_start + (date_w - sign_w) / 2.0, date_start)
    } else {
        // A longer date moves both left.
        let mut sign_start = total - 2.0 - sign_w;
        let mut date_start = sign_start + 2.0;
        if date_start + date_w > total - 2.0 {
            date_start = total - 2.0 - date_w;
            sign_start = date_start - 2.0;
        }
        (sign_start, date_start)
    }
}

/// The 附件说明 items: numbered "1. 名称" when there are several.
pub fn attachment_items(doc: &Document) -> Vec<String> {
    let numbered = doc.attachments.len() > 1;
    doc.attachments
        .iter()
        .enumerate()
        .map(|(i, name)| {
            if numbered {
                format!("{}. {name}", i + 1)
            } else {
                name.clone()
            }
        })
        .collect()
}

/// The centred title paragraph: 2号 lines on the 3号 pitch, off the line
/// grid (else LibreOffice gives each title line two grid lines).
fn title_paragraph() -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .snap_to_grid(false)
        .line_spacing(exact_pitch())
}

/// The 发文机关标志 lines as printed: a 纪要 without one takes its name
/// from the 署名 (……纪要).
pub fn issuer_marks(doc: &Document) -> Vec<String> {
    if doc.issuer_marks.is_empty() && doc.layout == Layout::Minutes {
        vec![format!(
            "{}纪要",
            doc.signature.first().cloned().unwrap_or_default()
        )]
    } else {
        doc.issuer_marks.clone()
    }
}

/// The 发文机关标志's size in half-points: 小初 (36 pt) unless the name
/// needs less to fit one line.
pub fn mark_size(mark: &str) -> usize {
    let n = mark.chars().count().max(1) as i32;
    (72).min(TEXT_WIDTH * 2 / 20 / n) as usize
}

fn heading_font(block: &Block) -> &'static str {
    match block {
        Block::Heading { level: 1, .. } => HEITI,
        Block::Heading { level: 2, .. } => KAITI,
        _ => FANGSONG,
    }
}

/// The body with changes as revisions: paragraphs lined up, changed ones
/// diffed character by character, added and removed ones marked whole
/// (their paragraph marks too, so accepting joins or splits correctly).
fn tracked_body(old: &[Block], new: &[Block], revision: &Revision) -> Vec<Paragraph> {
    let old_text: Vec<String> = old.iter().map(Block::to_text).collect();
    let new_text: Vec<String> = new.iter().map(Block::to_text).collect();
    let mut out = Vec::new();
    for pair in align(&old_text, &new_text) {
        // Which block gives the font, the texts to diff, and whether the
        // whole paragraph (its mark too) is added or removed.
        let (block, before, after, whole) = match pair {
            (Some(o), Some(n)) if old_text[o] == new_text[n] => {
                out.push(body_paragraph(&new[n]));
                continue;
            }
            (Some(o), Some(n)) => (&new[n], old_text[o].as_str(), new_text[n].as_str(), None),
            (Some(o), None) => (&old[o], old_text[o].as_str(), "", Some(false)),
            (None, Some(n)) => (&new[n], "", new_text[n].as_str(), Some(true)),
            (None, None) => continue,
        };
        let font = heading_font(block);
        let styled = |r: Run| {
            r.fonts(fonts(font))
                .size(SIZE_3)
                .character_spacing(CONDENSE)
        };
        let p = indented(line(), 0, 2).align(AlignmentType::Both);
        let p = match whole {
            Some(true) => p.insert(&revision.author, &revision.date),
            Some(false) => p.delete(&revision.author, &revision.date),
            None => p,
        };
        out.push(diff_runs(p, before, after, revision, &styled));
    }
    out
}

fn body_paragraph(block: &Block) -> Paragraph {
    let p = indented(line(), 0, 2).align(AlignmentType::Both);
    match block {
        Block::Paragraph { text } => p.add_run(run(text, FANGSONG, SIZE_3)),
        Block::Heading { number, text, .. } => {
            let font = heading_font(block);
            // A heading that runs into its paragraph: the heading font up
            // to the first full stop, the body font after it.
            let full = format!("{number}{text}");
            let split = full
                .char_indices()
                .find(|&(_, c)| c == '。')
                .map(|(i, c)| i + c.len_utf8())
                .filter(|&i| i < full.len());
            match split {
                Some(i) if font != FANGSONG => p
                    .add_run(run(&full[..i], font, SIZE_3))
                    .add_run(run(&full[i..], FANGSONG, SIZE_3)),
                _ => p.add_run(run(&full, font, SIZE_3)),
            }
        }
    }
}

/// 版记: 抄送 and 印发机关/印发日期 in 4号仿宋, first and last rules thick
/// (0.35 mm), the one between thin (0.25 mm).
fn imprint(doc: &Document) -> Vec<Paragraph> {
    let printed = doc.printed_by.is_some() || doc.printed_on.is_some();
    if doc.cc.is_empty() && !printed {
        return Vec::new();
    }
    const THICK: usize = 8;
    const THIN: usize = 6;
    let char4 = 280;
    let mut out = Vec::new();
    // The 版记 sits at the bottom of the last page: one frame anchored to
    // the bottom of the 版心 (consecutive paragraphs with the same frame
    // properties share it).
    let small = || {
        Paragraph::new()
            .frame_width(TEXT_WIDTH as u32)
            .wrap("around")
            .v_anchor("margin")
            .h_anchor("margin")
            .x_align("center")
            .y_align("bottom")
            .line_spacing(exact_pitch())
            .indent(Some(char4), None, Some(char4), None)
            .keep_next(true)
    };
    use ParagraphBorderPosition::{Bottom, Top};
    if !doc.cc.is_empty() {
        let text = format!("抄送：{}。", doc.cc.join("，").trim_end_matches('。'));
        let bottom = if printed { THIN } else { THICK };
        out.push(with_borders(
            small()
                .indent(
                    Some(4 * char4),
                    Some(SpecialIndentType::Hanging(3 * char4)),
                    Some(char4),
                    None,
                )
                .add_run(run(&text, FANGSONG, SIZE_4)),
            &[(Top, THICK, "000000"), (Bottom, bottom, "000000")],
        ));
    }
    if printed {
        let mut p = small()
            .add_tab(
                Tab::new()
                    .val(TabValueType::Right)
                    .pos((TEXT_WIDTH - char4) as usize),
            )
            .add_run(run(
                doc.printed_by.as_deref().unwrap_or(""),
                FANGSONG,
                SIZE_4,
            ));
        if let Some(on) = &doc.printed_on {
            p = p.add_run(Run::new().add_tab()).add_run(run(
                &format!("{}印发", on.to_standard()),
                FANGSONG,
                SIZE_4,
            ));
        }
        let borders: Vec<(ParagraphBorderPosition, usize, &str)> = if doc.cc.is_empty() {
            vec![(Top, THICK, "000000"), (Bottom, THICK, "000000")]
        } else {
            vec![(Bottom, THICK, "000000")]
        };
        out.push(with_borders(p, &borders));
    }
    out
}

/// "— N —" in 4号 半角宋体, one character in from the outer edge.
fn page_number_footer(side: AlignmentType) -> Footer {
    let number = |r: Run| r.fonts(fonts(SONG)).size(SIZE_4);
    let p = Paragraph::new()
        .align(side)
        .indent(
            matches!(side, AlignmentType::Left).then_some(280),
            None,
            matches!(side, AlignmentType::Right).then_some(280),
            None,
        )
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(280)
                .before(0)
                .after(0),
        )
        .add_run(number(Run::new().add_text("— ")))
        .add_run(number(
            Run::new().add_field_char(FieldCharType::Begin, false),
        ))
        .add_run(number(
            Run::new().add_instr_text(InstrText::PAGE(docx_rs::InstrPAGE::new())),
        ))
        .add_run(number(
            Run::new().add_field_char(FieldCharType::Separate, false),
        ))
        .add_run(number(Run::new().add_text("1")))
        .add_run(number(Run::new().add_field_char(FieldCharType::End, false)))
        .add_run(number(Run::new().add_text(" —")));
    Footer::new().add_paragraph(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_break_into_balanced_lines() {
        let title = "关于进一步加强和改进新时代基层社会治理与公共服务体系建设工作的实施意见";
        let lines = balance_title(title, 20);
        assert_eq!(lines.concat(), title);
        assert_eq!(lines.len(), 2);
        let lens: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(lens[0].abs_diff(lens[1]) <= 2, "{lens:?}");
        // One character more than a line: never a lone last character.
        let title: String = "关".repeat(21);
        let lines = balance_title(&title, 20);
        assert!(lines.iter().all(|l| l.chars().count() >= 2), "{lines:?}");
        // Not inside 《》 when a break outside fits.
        let title = "关于转发省政府办公厅《关于加强政务公开工作的意见》的通知";
        for l in balance_title(title, 20) {
            assert_eq!(l.matches('《').count(), l.matches('》').count(), "{l}");
        }
        assert_eq!(
            balance_title("关于召开会议的通知", 20),
            ["关于召开会议的通知"]
        );
    }
}
