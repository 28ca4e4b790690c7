//! 一键排版: plain text (pasted or imported) → a structured document.
//!
//! The text is read line by line: the 版头 lines before the title, the
//! title, 主送机关, the body with its heading levels, and from the end the
//! 版记, 附注, 成文日期, 署名 and 附件说明. Whatever cannot be placed stays
//! in the body as a paragraph: nothing of the input is ever dropped.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use ts_rs::TS;

use crate::{
    Block, Classification, DocKind, DocNumber, Document, Layout, SecrecyLevel, Urgency, WrittenDate,
};

/// Where the document's type came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindSource {
    /// The caller said so.
    Given,
    /// The title ends with it.
    Title,
    /// Nothing said: 通知 was assumed; the user should check.
    Assumed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Structured {
    pub document: Document,
    pub kind_source: KindSource,
}

macro_rules! re {
    ($name:ident, $pattern:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new($pattern)
                .unwrap_or_else(|e| panic!("bad built-in pattern {}: {e}", stringify!($name)))
        });
    };
}

re!(COPY_NUMBER, r"^\d{6}$");
re!(CLASSIFICATION, r"^(绝密|机密|秘密)(?:★(.+))?$");
// Accepts common wrong brackets and a stray 第 / leading zeros; the
// proofreader flags those, the structure still holds them.
re!(
    DOC_NUMBER,
    r"^(.{1,20}?)[〔\[［【(（](\d{4})[〕\]］】)）]第?0*(\d+)号(?:\s*签发人[：:]\s*(.+))?$"
);
re!(SIGNER_LINE, r"^签发人[：:]\s*(.+)$");
re!(
    ARABIC_DATE,
    r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$"
);
re!(
    CHINESE_DATE,
    r"^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
);
re!(PRINTED, r"^(.+?)\s*(\d{4}年\d{1,2}月\d{1,2}日)\s*印发$");
re!(CC, r"^抄\s*送[：:]\s*(.+?)[。.]?$");
re!(NOTE, r"^[（(](.+)[）)]$");
re!(ATTACHMENT_START, r"^附\s*件[：:]\s*(.*)$");
re!(ATTACHMENT_ITEM, r"^(\d+)\s*[.．、]\s*(.+)$");
re!(H1, r"^([一二三四五六七八九十百]+、)(.*)$");
re!(H2, r"^([（(][一二三四五六七八九十]+[）)])(.*)$");
re!(H3, r"^(\d+[.．])([^\d].*|)$");
re!(H4, r"^([（(]\d+[）)])(.*)$");
re!(PRESENT, r"^(出席|请假|列席)(?:人员)?[：:]\s*(.*)$");

/// 秘密★1年 and the like.
pub fn parse_classification(line: &str) -> Option<Classification> {
    let c = CLASSIFICATION.captures(line.trim())?;
    let level = match &c[1] {
        "绝密" => SecrecyLevel::TopSecret,
        "机密" => SecrecyLevel::Confidential,
        _ => SecrecyLevel::Secret,
    };
    Some(Classification {
        level,
        period: c.get(2).map(|m| m.as_str().to_owned()),
    })
}

/// 特急 or 加急.
pub fn parse_urgency(line: &str) -> Option<Urgency> {
    match line.trim() {
        "特急" => Some(Urgency::Extra),
        "加急" => Some(Urgency::Urgent),
        _ => None,
    }
}

/// Splits a list of names written with 、 or commas.
pub fn split_list(text: &str) -> Vec<String> {
    split_on(text, &['、', '，', ',', '；', ';'])
}

/// Splits a list of 机关 groups. Groups are separated by commas; 、 joins
/// the members of one group (各委、办、局), so it does not split.
pub fn split_agencies(text: &str) -> Vec<String> {
    split_on(text, &['，', ',', '；', ';'])
}

fn split_on(text: &str, separators: &[char]) -> Vec<String> {
    text.split(separators)
        .map(|s| {
            s.trim()
                .trim_end_matches(['。', '：', ':'])
                .trim()
                .to_owned()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

fn ends_with_punctuation(line: &str) -> bool {
    line.ends_with(['。', '；', '，', '：', ':', ';', ',', '！', '？', '…'])
}

/// The 文种 a title ends with, if any. 命令（令） titles end with 命令 or 令
/// (……主席令, ……人民政府令).
pub fn kind_from_title(title: &str) -> Option<DocKind> {
    let title = title.trim_end_matches(['。', '.']);
    if title.ends_with("命令") || title.ends_with('令') {
        return Some(DocKind::Order);
    }
    DocKind::ALL
        .into_iter()
        .find(|kind| title.ends_with(kind.name()))
}

fn chinese_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as u32)
        .or(match c {
            '○' | '零' => Some(0),
            _ => None,
        })
}

/// 一 … 九十九 as a number (dates, heading numbers).
pub fn chinese_number(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', d] => Some(10 + chinese_digit(*d)?),
        [t, '十'] => Some(chinese_digit(*t)? * 10),
        [t, '十', d] => Some(chinese_digit(*t)? * 10 + chinese_digit(*d)?),
        [d] => chinese_digit(*d),
        _ => None,
    }
}

/// Reads 2026年7月1日 or 二〇二六年七月一日; None for anything else or an
/// impossible date.
pub fn parse_date(text: &str) -> Option<WrittenDate> {
    let text = text.trim();
    let (year, month, day) = if let Some(c) = ARABIC_DATE.captures(text) {
        (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)
    } else if let Some(c) = CHINESE_DATE.captures(text) {
        let year = c[1]
            .chars()
            .try_fold(0u32, |acc, ch| Some(acc * 10 + chinese_digit(ch)?))?;
        (year, chinese_number(&c[2])?, chinese_number(&c[3])?)
    } else {
        return None;
    };
    let date = WrittenDate {
        year: u16::try_from(year).ok()?,
        month: u8::try_from(month).ok()?,
        day: u8::try_from(day).ok()?,
    };
    crate::calendar::is_valid(date).then_some(date)
}

pub fn parse_doc_number(line: &str) -> Option<(DocNumber, Option<String>)> {
    let c = DOC_NUMBER.captures(line.trim())?;
    let number = DocNumber {
        agency_code: c[1].trim().to_owned(),
        year: c[2].parse().ok()?,
        serial: c[3].parse().ok()?,
    };
    Some((number, c.get(4).map(|m| m.as_str().trim().to_owned())))
}

fn heading(line: &str) -> Option<Block> {
    for (level, re) in [(1u8, &*H1), (2, &*H2), (4, &*H4), (3, &*H3)] {
        if let Some(c) = re.captures(line) {
            return Some(Block::Heading {
                level,
                number: c[1].to_owned(),
                text: c[2].to_owned(),
            });
        }
    }
    None
}

/// One line of 正文 as a block: a numbered heading, or a paragraph.
pub fn body_block(line: &str) -> Block {
    heading(line).unwrap_or_else(|| Block::Paragraph {
        text: line.to_owned(),
    })
}

/// Turns plain text into a structured document. `kind` overrides what the
/// title says.
pub fn structure(text: &str, kind: Option<DocKind>) -> Structured {
    // Trim each line (including full-width spaces used as indents) and drop
    // blank lines: layout is derived, not kept.
    let lines: Vec<&str> = crate::paragraphs::paragraphs(text)
        .iter()
        .map(|p| p.text)
        .collect();
    let mut doc = Document::new(kind.unwrap_or(DocKind::Notice));
    let mut at = read_header(&lines, &mut doc);

    let mut kind_source = if kind.is_some() {
        KindSource::Given
    } else {
        KindSource::Assumed
    };
    if let Some(title) = read_title(&lines, at) {
        if let (None, Some(found)) = (kind, title.kind) {
            doc.kind = found;
            doc.layout = Layout::usual_for(found);
            kind_source = KindSource::Title;
        }
        at = title.lines.end;
        doc.title = title.text;
    }

    // 主送机关: a short line ending with a colon, right after the title.
    if let Some(line) = lines.get(at)
        && line.ends_with(['：', ':'])
        && line.chars().count() <= 120
        && !line.contains('。')
        && heading(line).is_none()
        && !ATTACHMENT_START.is_match(line)
    {
        doc.recipients = split_agencies(line);
        at += 1;
    }

    // From the end: 版记, then 附注, 成文日期, 署名.
    let mut end = lines.len();
    while end > at {
        let line = lines[end - 1];
        if let Some(c) = PRINTED.captures(line).filter(|_| doc.printed_by.is_none()) {
            doc.printed_by = Some(c[1].trim().to_owned());
            doc.printed_on = parse_date(&c[2]);
        } else if let Some(c) = CC.captures(line).filter(|_| doc.cc.is_empty()) {
            doc.cc = split_agencies(&c[1]);
        } else {
            break;
        }
        end -= 1;
    }
    let mut date_at = None;
    for i in (at..end).rev().take(3) {
        if parse_date(lines[i]).is_some() {
            date_at = Some(i);
            break;
        }
    }
    if let Some(i) = date_at {
        // A line in brackets after the date is the 附注.
        let after: Vec<&str> = lines[i + 1..end].to_vec();
        if after.len() <= 1 && after.iter().all(|l| NOTE.is_match(l)) {
            doc.date = parse_date(lines[i]);
            if let Some(note) = after.first().and_then(|l| NOTE.captures(l)) {
                doc.note = Some(note[1].to_owned());
            }
            end = i;
            // 署名: up to three short unpunctuated lines just above.
            let mut signature = Vec::new();
            while end > at && signature.len() < 3 {
                let line = lines[end - 1];
                if line.chars().count() > 30
                    || ends_with_punctuation(line)
                    || heading(line).is_some()
                {
                    break;
                }
                if ATTACHMENT_ITEM.is_match(line) || ATTACHMENT_START.is_match(line) {
                    break;
                }
                signature.insert(0, line.to_owned());
                end -= 1;
            }
            doc.signature = signature;
        }
    }

    // 附件说明: "附件：1. …" and the numbered lines after it, at the end of
    // the body.
    if let Some(start) = (at..end)
        .rev()
        .find(|&i| ATTACHMENT_START.is_match(lines[i]))
    {
        let items_end = (start + 1..end)
            .find(|&i| !ATTACHMENT_ITEM.is_match(lines[i]))
            .unwrap_or(end);
        if items_end == end {
            let first = ATTACHMENT_START
                .captures(lines[start])
                .map(|c| c[1].trim().to_owned())
                .unwrap_or_default();
            let mut items: Vec<String> = Vec::new();
            for item in std::iter::once(first.as_str()).chain(lines[start + 1..end].iter().copied())
            {
                if item.is_empty() {
                    continue;
                }
                let name = ATTACHMENT_ITEM
                    .captures(item)
                    .map_or_else(|| item.to_owned(), |c| c[2].trim().to_owned());
                items.push(name);
            }
            doc.attachments = items;
            end = start;
        }
    }

    // 纪要: 出席/请假/列席 lines at the end of the body.
    if doc.layout == Layout::Minutes {
        while end > at {
            let Some(c) = PRESENT.captures(lines[end - 1]) else {
                break;
            };
            let attendance = doc.attendance.get_or_insert_with(Default::default);
            let names = split_list(&c[2]);
            match &c[1] {
                "出席" => attendance.present = names,
                "请假" => attendance.absent = names,
                _ => attendance.observers = names,
            }
            end -= 1;
        }
    }

    doc.body = lines[at..end].iter().map(|l| body_block(l)).collect();
    Structured {
        document: doc,
        kind_source,
    }
}

/// Reads the 版头 (份号, 密级, 紧急程度, 发文字号 and 签发人, 发文机关标志)
/// into `doc`; returns the index of the first line after it.
fn read_header(lines: &[&str], doc: &mut Document) -> usize {
    let mut at = 0;
    while let Some(line) = lines.get(at) {
        if COPY_NUMBER.is_match(line) && doc.copy_number.is_none() {
            doc.copy_number = Some((*line).to_owned());
        } else if let Some(c) = parse_classification(line).filter(|_| doc.classification.is_none())
        {
            doc.classification = Some(c);
        } else if let Some(u) = parse_urgency(line).filter(|_| doc.urgency.is_none()) {
            doc.urgency = Some(u);
        } else if let Some((number, signer)) =
            parse_doc_number(line).filter(|_| doc.doc_number.is_none())
        {
            doc.doc_number = Some(number);
            doc.signers
                .extend(signer.map(|s| split_list(&s)).unwrap_or_default());
        } else if let Some(c) = SIGNER_LINE.captures(line) {
            doc.signers.extend(split_list(&c[1]));
        } else if is_issuer_mark(line, lines.get(at + 1).copied()) {
            doc.issuer_marks.push((*line).to_owned());
        } else {
            break;
        }
        at += 1;
    }
    at
}

/// Where a document's title sits among its non-blank lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleLines {
    /// The title's lines (one or two), as indices into the lines.
    pub lines: std::ops::Range<usize>,
    /// The lines joined, as written (a stray final mark kept).
    pub text: String,
    /// The 文种 the title ends with, a stray final mark not counted.
    pub kind: Option<DocKind>,
}

/// The document's title: the first line after the 版头, joined with the
/// next when the first does not end the title yet (a title broken over two
/// lines). Every reader of a title — structure, proofreading, the desk —
/// asks here, so they agree on what the title is.
pub fn find_title(lines: &[&str]) -> Option<TitleLines> {
    let mut header = Document::new(DocKind::Notice);
    let at = read_header(lines, &mut header);
    read_title(lines, at)
}

fn read_title(lines: &[&str], at: usize) -> Option<TitleLines> {
    let first = lines.get(at).filter(|l| could_be_title(l))?;
    let mut text = (*first).to_owned();
    let mut end = at + 1;
    if title_kind(first).is_none()
        && let Some(next) = lines.get(end).filter(|l| could_be_title(l))
        && title_kind(next).is_some()
        && first.chars().count() + next.chars().count() <= 80
    {
        text.push_str(next);
        end += 1;
    }
    Some(TitleLines {
        lines: at..end,
        kind: title_kind(&text),
        text,
    })
}

/// Marks a title must not end with but sometimes does (GB/T 9704-2012
/// 7.3.1); proofreading flags them, the title is still the title.
pub const TITLE_STRAY_MARKS: [char; 7] = ['。', '．', '.', '！', '!', '；', ';'];

fn title_kind(line: &str) -> Option<DocKind> {
    kind_from_title(line.trim_end_matches(TITLE_STRAY_MARKS))
}

/// A line that can be (part of) a title: short, not a heading or a date,
/// no sentence inside (commas within 《》 are a name's), and unpunctuated at
/// the end — unless it reads as a whole title with a stray mark
/// (关于……的通知。).
fn could_be_title(line: &str) -> bool {
    let bare = line.trim_end_matches(TITLE_STRAY_MARKS);
    if bare.chars().count() > 80
        || heading(line).is_some()
        || parse_date(line).is_some()
        || has_sentence_inside(bare)
    {
        return false;
    }
    if bare.len() < line.len() {
        looks_like_title(bare)
    } else {
        !ends_with_punctuation(line)
    }
}

fn has_sentence_inside(line: &str) -> bool {
    let mut depth = 0usize;
    line.chars().any(|c| {
        match c {
            '《' => depth += 1,
            '》' => depth = depth.saturating_sub(1),
            _ => {}
        }
        depth == 0 && matches!(c, '，' | '。' | '；' | '！' | '？' | ',' | ';')
    })
}

/// 发文机关 + 事由 + 文种: 事由 is "关于……的"; 纪要, 公报 and 令 titles
/// may go without.
fn looks_like_title(line: &str) -> bool {
    line.contains("关于")
        || kind_from_title(line).is_some_and(|kind| {
            let name = if kind == DocKind::Order {
                "令"
            } else {
                kind.name()
            };
            matches!(
                kind,
                DocKind::Minutes | DocKind::Communique | DocKind::Order
            ) || line.trim_end_matches(name).ends_with('的')
        })
}

/// A 发文机关标志 line: "……文件", or a short unpunctuated line directly
/// above a 发文字号.
fn is_issuer_mark(line: &str, next: Option<&str>) -> bool {
    let short = line.chars().count() <= 40 && !ends_with_punctuation(line);
    short
        && (line.ends_with("文件")
            || next.is_some_and(|n| parse_doc_number(n).is_some() || is_issuer_mark_end(n)))
}

fn is_issuer_mark_end(line: &str) -> bool {
    line.ends_with("文件") && line.chars().count() <= 40
}

/// Which part of a document a line of its plain text comes from, in the
/// order the parts are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// 份号, 密级, 紧急程度, 发文机关标志.
    Header,
    /// 发文字号 and 签发人.
    DocNumber,
    Title,
    Recipients,
    Body,
    Attendance,
    Attachments,
    Signature,
    Date,
    Note,
    Cc,
    /// 印发机关和印发日期.
    Imprint,
}

/// One line of a document's plain text and the part it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainLine {
    pub part: Part,
    pub text: String,
}

/// The document as plain text in the standard order: what 一键排版 reads
/// back to the same structure.
pub fn to_plain_text(doc: &Document) -> String {
    plain_lines(doc)
        .into_iter()
        .map(|l| l.text)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `to_plain_text` line by line, each line with its part, so a finding on
/// the whole text can be traced back to the element it is in.
pub fn plain_lines(doc: &Document) -> Vec<PlainLine> {
    let mut out: Vec<PlainLine> = Vec::new();
    let mut push = |part: Part, text: String| out.push(PlainLine { part, text });
    let header = [
        doc.copy_number.clone(),
        doc.classification.as_ref().map(Classification::to_standard),
        doc.urgency.map(|u| u.name().to_owned()),
    ];
    for line in header.into_iter().flatten() {
        push(Part::Header, line);
    }
    for line in &doc.issuer_marks {
        push(Part::Header, line.clone());
    }
    if let Some(number) = &doc.doc_number {
        let mut line = number.to_standard();
        if !doc.signers.is_empty() {
            line.push_str(&format!(" 签发人：{}", doc.signers.join("、")));
        }
        push(Part::DocNumber, line);
    } else if !doc.signers.is_empty() {
        push(
            Part::DocNumber,
            format!("签发人：{}", doc.signers.join("、")),
        );
    }
    if !doc.title.is_empty() {
        push(Part::Title, doc.title.clone());
    }
    if !doc.recipients.is_empty() {
        push(Part::Recipients, format!("{}：", doc.recipients.join("，")));
    }
    for block in &doc.body {
        push(Part::Body, block.to_text());
    }
    if let Some(a) = &doc.attendance {
        for (label, names) in [
            ("出席", &a.present),
            ("请假", &a.absent),
            ("列席", &a.observers),
        ] {
            if !names.is_empty() {
                push(Part::Attendance, format!("{label}：{}", names.join("、")));
            }
        }
    }
    match doc.attachments.as_slice() {
        [] => {}
        [one] => push(Part::Attachments, format!("附件：{one}")),
        many => {
            for (i, name) in many.iter().enumerate() {
                push(
                    Part::Attachments,
                    if i == 0 {
                        format!("附件：1. {name}")
                    } else {
                        format!("{}. {name}", i + 1)
                    },
                );
            }
        }
    }
    for line in &doc.signature {
        push(Part::Signature, line.clone());
    }
    if let Some(date) = doc.date {
        push(Part::Date, date.to_standard());
    }
    if let Some(note) = &doc.note {
        push(Part::Note, format!("（{note}）"));
    }
    if !doc.cc.is_empty() {
        push(Part::Cc, format!("抄送：{}。", doc.cc.join("，")));
    }
    if let Some(by) = &doc.printed_by {
        let on = doc.printed_on.map(|d| d.to_standard()).unwrap_or_default();
        push(Part::Imprint, format!("{by} {on}印发"));
    }
    out
}
