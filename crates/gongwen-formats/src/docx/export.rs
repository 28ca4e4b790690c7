//! A structured document → .docx laid out per GB/T 9704-2012: renders the
//! layout plan (`plan.rs`) as WordprocessingML.
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
use gongwen_domain::{Block, Document, Layout};

use super::plan::{ImprintRow, ImprintText, Item, Piece, Weight, body_pieces, heading_font, plan};
use super::preview::{Align, Font};
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

/// The red 分隔线 under the 文号, in eighths of a point.
const RED_RULE: [(ParagraphBorderPosition, usize, &str); 1] =
    [(ParagraphBorderPosition::Bottom, 12, RED)];

fn font_name(font: Font) -> &'static str {
    match font {
        Font::Fangsong => FANGSONG,
        Font::Heiti => HEITI,
        Font::Kaiti => KAITI,
        Font::Xiaobiaosong => XIAOBIAOSONG,
    }
}

fn piece_run(piece: &Piece) -> Run {
    run(&piece.text, font_name(piece.font), SIZE_3)
}

fn alignment(align: Align) -> AlignmentType {
    match align {
        Align::Left => AlignmentType::Left,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
        Align::Justify => AlignmentType::Both,
    }
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
    let plan = plan(doc);
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    for item in &plan.items {
        match item {
            Item::Header(piece) => paragraphs.push(line().add_run(piece_run(piece))),
            Item::Mark {
                text,
                size,
                before,
                exact: true,
            } => {
                // Off the line grid: its exact height holds in every
                // client (LibreOffice would round it up to whole lines).
                let p = Paragraph::new()
                    .align(AlignmentType::Center)
                    .snap_to_grid(false)
                    .line_spacing(
                        LineSpacing::new()
                            .line_rule(LineSpacingType::Exact)
                            .line((*size as i32) * 10 + 120)
                            .before(*before as u32)
                            .after(0),
                    )
                    .add_run(run(text, XIAOBIAOSONG, *size).color(RED));
                paragraphs.push(p.keep_next(true));
            }
            Item::Mark { text, size, .. } => paragraphs.push(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(run(text, XIAOBIAOSONG, *size).color(RED)),
            ),
            Item::Blank => paragraphs.extend(blank_lines(1)),
            Item::Number { text, align, rule } => {
                let p = line()
                    .align(alignment(*align))
                    .add_run(run(text, FANGSONG, SIZE_3));
                paragraphs.push(if *rule {
                    // The red rule 4 mm below the 文号.
                    with_borders(p, &RED_RULE).keep_next(true)
                } else {
                    p
                });
            }
            Item::NumberAndSigners { number, signers } => {
                let p = line()
                    .indent(Some(CHAR), None, Some(CHAR), None)
                    .add_tab(
                        Tab::new()
                            .val(TabValueType::Right)
                            .pos((TEXT_WIDTH - 2 * CHAR) as usize),
                    )
                    .add_run(run(number, FANGSONG, SIZE_3))
                    .add_run(Run::new().add_tab())
                    .add_run(run("签发人：", FANGSONG, SIZE_3))
                    .add_run(run(&signers.join("　"), KAITI, SIZE_3));
                paragraphs.push(with_borders(p, &RED_RULE).keep_next(true));
            }
            Item::LetterRule => {
                let mut p = line();
                let set = ParagraphBorders::with_empty().set(
                    ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                        .val(BorderType::ThickThinSmallGap)
                        .size(18)
                        .space(0)
                        .color(RED),
                );
                p.property = p.property.set_borders(set);
                paragraphs.push(p.add_run(run("", FANGSONG, SIZE_3)));
            }
            Item::Title { lines } => {
                let changed = tracked.filter(|(base, _)| base.title != doc.title);
                if let Some((base, revision)) = changed {
                    let styled = |r: Run| {
                        r.fonts(fonts(XIAOBIAOSONG))
                            .size(SIZE_2)
                            .character_spacing(CONDENSE)
                    };
                    paragraphs.push(diff_runs(
                        title_paragraph(),
                        &base.title,
                        &doc.title,
                        revision,
                        &styled,
                    ));
                    paragraphs.extend(blank_lines(1));
                } else if !lines.is_empty() {
                    paragraphs.push(title(lines));
                    paragraphs.extend(blank_lines(1));
                }
            }
            Item::Body(body) => match tracked {
                None => paragraphs.extend(body.iter().map(|pieces| body_paragraph(pieces))),
                Some((base, revision)) => {
                    paragraphs.extend(tracked_body(&base.body, &doc.body, revision));
                }
            },
            Item::Text {
                pieces,
                first,
                rest,
            } => paragraphs.push(text_paragraph(pieces, *first, *rest)),
            Item::Line { text, start } => paragraphs.push(
                line()
                    .indent(Some((start * f64::from(CHAR)) as i32), None, None, None)
                    .add_run(run(text, FANGSONG, SIZE_3)),
            ),
        }
    }
    // 版记 at the end, between full-width rules.
    paragraphs.extend(imprint(&plan.imprint));

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

/// The centred title paragraph: 2号 lines on the 3号 pitch, off the line
/// grid (else LibreOffice gives each title line two grid lines).
fn title_paragraph() -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .snap_to_grid(false)
        .line_spacing(exact_pitch())
}

/// The title's balanced lines, broken where the plan breaks them.
fn title(lines: &[String]) -> Paragraph {
    let mut p = title_paragraph();
    for (i, part) in lines.iter().enumerate() {
        if i > 0 {
            p = p.add_run(
                Run::new()
                    .add_break(BreakType::TextWrapping)
                    .fonts(fonts(XIAOBIAOSONG))
                    .size(SIZE_2),
            );
        }
        p = p.add_run(run(part, XIAOBIAOSONG, SIZE_2));
    }
    p
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
                out.push(body_paragraph(&body_pieces(&new[n])));
                continue;
            }
            (Some(o), Some(n)) => (&new[n], old_text[o].as_str(), new_text[n].as_str(), None),
            (Some(o), None) => (&old[o], old_text[o].as_str(), "", Some(false)),
            (None, Some(n)) => (&new[n], "", new_text[n].as_str(), Some(true)),
            (None, None) => continue,
        };
        let font = font_name(heading_font(block));
        let styled = |r: Run| {
            r.fonts(fonts(font))
                .size(SIZE_3)
                .character_spacing(CONDENSE)
        };
        // The body paragraph's shell; its runs are the diff's.
        let p = body_paragraph(&[]);
        let p = match whole {
            Some(true) => p.insert(&revision.author, &revision.date),
            Some(false) => p.delete(&revision.author, &revision.date),
            None => p,
        };
        out.push(diff_runs(p, before, after, revision, &styled));
    }
    out
}

/// Justified text on the grid, its first line `first` characters in and
/// the others `rest` in.
fn text_paragraph(pieces: &[Piece], first: i32, rest: i32) -> Paragraph {
    let p = indented(line(), rest, first - rest).align(AlignmentType::Both);
    pieces
        .iter()
        .fold(p, |p, piece| p.add_run(piece_run(piece)))
}

/// A body paragraph: its first line two characters in.
fn body_paragraph(pieces: &[Piece]) -> Paragraph {
    text_paragraph(pieces, 2, 0)
}

/// 版记: 4号仿宋 rows in one frame at the foot of the last page, between
/// the plan's rules (0.35 mm thick, 0.25 mm thin).
fn imprint(rows: &[ImprintRow]) -> Vec<Paragraph> {
    let char4 = 280;
    // Consecutive paragraphs with the same frame properties share one frame,
    // anchored to the bottom of the 版心.
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
    let eighths = |weight: Weight| match weight {
        Weight::Thick => 8,
        Weight::Thin => 6,
    };
    rows.iter()
        .map(|row| {
            let p = match &row.text {
                ImprintText::Cc(text) => small()
                    .indent(
                        Some(4 * char4),
                        Some(SpecialIndentType::Hanging(3 * char4)),
                        Some(char4),
                        None,
                    )
                    .add_run(run(text, FANGSONG, SIZE_4)),
                ImprintText::Printed { by, on } => {
                    let p = small()
                        .add_tab(
                            Tab::new()
                                .val(TabValueType::Right)
                                .pos((TEXT_WIDTH - char4) as usize),
                        )
                        .add_run(run(by, FANGSONG, SIZE_4));
                    match on {
                        Some(on) => p
                            .add_run(Run::new().add_tab())
                            .add_run(run(on, FANGSONG, SIZE_4)),
                        None => p,
                    }
                }
            };
            let borders: Vec<(ParagraphBorderPosition, usize, &str)> = [
                row.above
                    .map(|w| (ParagraphBorderPosition::Top, eighths(w), "000000")),
                row.below
                    .map(|w| (ParagraphBorderPosition::Bottom, eighths(w), "000000")),
            ]
            .into_iter()
            .flatten()
            .collect();
            with_borders(p, &borders)
        })
        .collect()
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
