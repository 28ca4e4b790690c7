//! The layout plan: which lines a document prints, in which order, in which
//! font and from where — decided once, here. The .docx writer renders the
//! plan (`export.rs`) and the preview lays it down the pages (`preview.rs`);
//! neither decides layout of its own, so the two cannot disagree. The
//! LibreOffice test holds them to the same printed lines.

use gongwen_domain::{Block, Document, Layout};

use super::export::{CHAR, LINE, TEXT_WIDTH, mm};
use super::preview::{Align, Font};

/// Text in one font.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Piece {
    pub text: String,
    pub font: Font,
}

impl Piece {
    fn new(text: impl Into<String>, font: Font) -> Piece {
        Piece {
            text: text.into(),
            font,
        }
    }
}

/// One paragraph of the plan, 3号 on the line grid unless it says otherwise.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// 份号, 密级 or 紧急程度, flush left.
    Header(Piece),
    /// A line of the 发文机关标志: red 小标宋 of `size` half-points, centred,
    /// `before` twips below what precedes it. `exact`: its own height, off
    /// the grid, kept with what follows (信函's sits on the grid).
    Mark {
        text: String,
        size: usize,
        before: i32,
        exact: bool,
    },
    /// An empty grid line.
    Blank,
    /// 发文字号 alone on its line; with the red 分隔线 under it (and kept
    /// with what follows) when `rule`.
    Number {
        text: String,
        align: Align,
        rule: bool,
    },
    /// 上行文: 文号 one character in from the left, 签发人 one in from the
    /// right, the red 分隔线 under them.
    NumberAndSigners {
        number: String,
        signers: Vec<String>,
    },
    /// 信函格式's red thick-thin double rule.
    LetterRule,
    /// 标题 in balanced 2号 lines, then a blank line; nothing when empty.
    Title { lines: Vec<String> },
    /// 正文: each paragraph justified, its first line two characters in.
    Body(Vec<Vec<Piece>>),
    /// Justified text whose first line starts `first` characters in and
    /// the others `rest` in.
    Text {
        pieces: Vec<Piece>,
        first: i32,
        rest: i32,
    },
    /// 署名 or 成文日期: one line from `start` characters in.
    Line { text: String, start: f64 },
}

/// A 版记 rule's weight: 0.35 mm first and last, 0.25 mm between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Thick,
    Thin,
}

/// A 版记 row in 4号, with the rules above and below it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ImprintRow {
    pub text: ImprintText,
    pub above: Option<Weight>,
    pub below: Option<Weight>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ImprintText {
    /// "抄送：…。", its continuation lines under the first name.
    Cc(String),
    /// 印发机关 flush left, "…印发" flush right.
    Printed { by: String, on: Option<String> },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    pub items: Vec<Item>,
    /// At the foot of the last page.
    pub imprint: Vec<ImprintRow>,
}

/// Characters of a 3号 line.
pub(crate) const PER_LINE: f64 = (TEXT_WIDTH / CHAR) as f64;

/// The plan of `doc` (GB/T 9704-2012 7.2–7.4, 10.1–10.3).
pub(crate) fn plan(doc: &Document) -> Plan {
    let mut items = Vec::new();

    // 版头: 份号, 密级, 紧急程度, each on its own line.
    let header = [
        (doc.copy_number.clone(), Font::Fangsong),
        (
            doc.classification.as_ref().map(|c| c.to_standard()),
            Font::Heiti,
        ),
        (doc.urgency.map(|u| u.name().to_owned()), Font::Heiti),
    ];
    let mut head_lines = 0;
    for (text, font) in header {
        if let Some(text) = text {
            items.push(Item::Header(Piece::new(text, font)));
            head_lines += 1;
        }
    }

    let number = doc.doc_number.as_ref().map(|n| n.to_standard());
    match doc.layout {
        Layout::Standard | Layout::Minutes | Layout::Order => {
            // The 标志's top edge 35 mm below the 版心's (命令: 20 mm).
            let drop = if doc.layout == Layout::Order {
                mm(20.0)
            } else {
                mm(35.0)
            };
            for (i, mark) in issuer_marks(doc).into_iter().enumerate() {
                items.push(Item::Mark {
                    size: mark_size(&mark),
                    text: mark,
                    before: if i == 0 {
                        (drop - head_lines * LINE).max(0)
                    } else {
                        0
                    },
                    exact: true,
                });
            }
            items.push(Item::Blank);
            if doc.layout == Layout::Order {
                // 命令: the 令号 centred, no rule.
                if let Some(number) = number {
                    items.push(Item::Number {
                        text: number,
                        align: Align::Center,
                        rule: false,
                    });
                    items.push(Item::Blank);
                }
            } else {
                items.push(if doc.signers.is_empty() {
                    Item::Number {
                        text: number.unwrap_or_default(),
                        align: Align::Center,
                        rule: true,
                    }
                } else {
                    Item::NumberAndSigners {
                        number: number.unwrap_or_default(),
                        signers: doc.signers.clone(),
                    }
                });
                items.push(Item::Blank);
            }
        }
        Layout::Letter => {
            // 信函: the 标志 higher and on the grid, the double rule, the
            // 文号 flush right under it.
            for mark in &doc.issuer_marks {
                items.push(Item::Mark {
                    text: mark.clone(),
                    size: 64,
                    before: 0,
                    exact: false,
                });
            }
            items.push(Item::LetterRule);
            if let Some(number) = number {
                items.push(Item::Number {
                    text: number,
                    align: Align::Right,
                    rule: false,
                });
            }
            items.push(Item::Blank);
        }
    }

    items.push(Item::Title {
        lines: if doc.title.is_empty() {
            Vec::new()
        } else {
            balance_title(&doc.title, (TEXT_WIDTH / 440) as usize)
        },
    });

    // 主送机关: flush left, a full-width colon.
    if !doc.recipients.is_empty() {
        let text = format!("{}：", doc.recipients.join("，").trim_end_matches('：'));
        items.push(Item::Text {
            pieces: vec![Piece::new(text, Font::Fangsong)],
            first: 0,
            rest: 0,
        });
    }

    items.push(Item::Body(doc.body.iter().map(body_pieces).collect()));

    // 附件说明: a blank line, then 附件：1. …, names aligned.
    if !doc.attachments.is_empty() {
        items.push(Item::Blank);
        for (i, item) in attachment_items(doc).into_iter().enumerate() {
            items.push(if i == 0 {
                Item::Text {
                    pieces: vec![Piece::new(format!("附件：{item}"), Font::Fangsong)],
                    first: 2,
                    rest: 5,
                }
            } else {
                Item::Text {
                    pieces: vec![Piece::new(item, Font::Fangsong)],
                    first: 5,
                    rest: 5,
                }
            });
        }
    }

    // 署名 and 成文日期 (纪要 carry no 署名 in the body).
    let date = doc.date.map(|d| d.to_standard());
    if doc.layout != Layout::Minutes && (!doc.signature.is_empty() || date.is_some()) {
        for _ in 0..(if doc.sealed { 2 } else { 1 }) {
            items.push(Item::Blank);
        }
        let (sign_start, date_start) = signature_columns(doc, PER_LINE);
        for name in &doc.signature {
            items.push(Item::Line {
                text: name.clone(),
                start: sign_start.max(0.0),
            });
        }
        if let Some(date) = date {
            items.push(Item::Line {
                text: date,
                start: date_start.max(0.0),
            });
        }
    }

    // 附注: in round brackets, two characters in.
    if let Some(note) = &doc.note {
        items.push(Item::Text {
            pieces: vec![Piece::new(format!("（{note}）"), Font::Fangsong)],
            first: 2,
            rest: 0,
        });
    }

    // 纪要: 出席 / 请假 / 列席.
    if let Some(att) = &doc.attendance {
        items.push(Item::Blank);
        for (label, names) in [
            ("出席", &att.present),
            ("请假", &att.absent),
            ("列席", &att.observers),
        ] {
            if !names.is_empty() {
                items.push(Item::Text {
                    pieces: vec![
                        Piece::new(format!("{label}："), Font::Heiti),
                        Piece::new(names.join("、"), Font::Fangsong),
                    ],
                    first: 2,
                    rest: 5,
                });
            }
        }
    }

    Plan {
        items,
        imprint: imprint(doc),
    }
}

/// A body paragraph's runs: a heading that runs into its paragraph has the
/// heading font up to its first full stop and the body font after it.
pub(crate) fn body_pieces(block: &Block) -> Vec<Piece> {
    match block {
        Block::Paragraph { text } => vec![Piece::new(text.clone(), Font::Fangsong)],
        Block::Heading { number, text, .. } => {
            let font = heading_font(block);
            let full = format!("{number}{text}");
            let split = full
                .char_indices()
                .find(|&(_, c)| c == '。')
                .map(|(i, c)| i + c.len_utf8())
                .filter(|&i| i < full.len());
            match split {
                Some(i) if font != Font::Fangsong => vec![
                    Piece::new(&full[..i], font),
                    Piece::new(&full[i..], Font::Fangsong),
                ],
                _ => vec![Piece::new(full, font)],
            }
        }
    }
}

/// A body block's font: 一、 黑体, （一） 楷体, the rest 仿宋 (GB/T 9704 7.3.3).
pub(crate) fn heading_font(block: &Block) -> Font {
    match block {
        Block::Heading { level: 1, .. } => Font::Heiti,
        Block::Heading { level: 2, .. } => Font::Kaiti,
        _ => Font::Fangsong,
    }
}

/// 版记: 抄送 and 印发机关/印发日期, the first and last rules thick, the one
/// between thin.
fn imprint(doc: &Document) -> Vec<ImprintRow> {
    let printed = doc.printed_by.is_some() || doc.printed_on.is_some();
    let mut rows = Vec::new();
    if !doc.cc.is_empty() {
        rows.push(ImprintRow {
            text: ImprintText::Cc(format!(
                "抄送：{}。",
                doc.cc.join("，").trim_end_matches('。')
            )),
            above: Some(Weight::Thick),
            below: Some(if printed { Weight::Thin } else { Weight::Thick }),
        });
    }
    if printed {
        rows.push(ImprintRow {
            text: ImprintText::Printed {
                by: doc.printed_by.clone().unwrap_or_default(),
                on: doc.printed_on.map(|d| format!("{}印发", d.to_standard())),
            },
            above: doc.cc.is_empty().then_some(Weight::Thick),
            below: Some(Weight::Thick),
        });
    }
    rows
}

/// Width of a character in 3号 characters: CJK one, ASCII half.
pub(crate) fn char_width(c: char) -> f64 {
    if c.is_ascii() { 0.5 } else { 1.0 }
}

/// Width of `text` in 3号 characters.
pub fn width_in_chars(text: &str) -> f64 {
    text.chars().map(char_width).sum()
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

/// Where 署名 and 成文日期 start, in characters from the left of a line of
/// `total` characters (GB/T 9704 7.3.5: with a seal the date four
/// characters in from the right and 署名 centred on it; without, 署名 two
/// characters in from the right and the date two to the right of its first
/// character).
fn signature_columns(doc: &Document, total: f64) -> (f64, f64) {
    let date_w = doc
        .date
        .as_ref()
        .map_or(0.0, |d| width_in_chars(&d.to_standard()));
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
fn attachment_items(doc: &Document) -> Vec<String> {
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

/// The 发文机关标志 lines as printed: a 纪要 without one takes its name
/// from the 署名 (……纪要).
fn issuer_marks(doc: &Document) -> Vec<String> {
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
fn mark_size(mark: &str) -> usize {
    let n = mark.chars().count().max(1) as i32;
    (72).min(TEXT_WIDTH * 2 / 20 / n) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongwen_domain::structure;

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

    #[test]
    fn an_upward_document_puts_the_signers_beside_the_number_and_a_heading_runs_into_its_text() {
        let text = "××市教育局\n×教发〔2026〕3号\n关于拨付校舍维修资金的请示\n市财政局：\n一、基本情况。我局共有校舍12栋。\n××市教育局\n2026年3月1日";
        let mut doc = structure(text, None).document;
        doc.signers = vec!["王某某".into()];
        let plan = plan(&doc);
        assert!(plan.items.iter().any(|i| matches!(
            i,
            Item::NumberAndSigners { number, signers } if number == "×教发〔2026〕3号" && signers == &["王某某"]
        )));
        let Some(Item::Body(body)) = plan.items.iter().find(|i| matches!(i, Item::Body(_))) else {
            panic!("no body in {plan:?}");
        };
        assert_eq!(
            body[0],
            [
                Piece::new("一、基本情况。", Font::Heiti),
                Piece::new("我局共有校舍12栋。", Font::Fangsong)
            ]
        );
        // Without a seal the date ends two characters in from the right.
        let date = plan.items.iter().rev().find_map(|i| match i {
            Item::Line { text, start } => Some((text.clone(), *start)),
            _ => None,
        });
        let (date, start) = date.unwrap_or_default();
        assert_eq!(start + width_in_chars(&date), PER_LINE - 2.0);
    }
}
