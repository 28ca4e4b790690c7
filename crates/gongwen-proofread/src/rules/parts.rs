//! 结构: the document's parts read from plain text — title, 主送机关,
//! 附件说明, 成文日期 — and the rules of GB/T 9704-2012 7.3 about them.

use std::ops::Range;

use gongwen_domain::structure::{TITLE_STRAY_MARKS, find_title, kind_from_title, parse_date};

use super::{Rule, finding, pattern};
use crate::{Category, Finding, RuleInfo, Severity, text::Text};

/// One non-blank line: its text (indent and trailing spaces trimmed) and
/// where that text sits — read as every other part of the program reads it.
pub(crate) use gongwen_domain::paragraphs::{Paragraph as Line, paragraphs as lines};

pattern!(ATTACHMENT_START, r"^附\s*件[：:]\s*");
pattern!(ATTACHMENT_ITEM, r"^(\d+)\s*[.．、]\s*");
pattern!(ATTACHMENT_REFERENCE, r"附件(\d+)");

const AGENCY_ENDINGS: [&str; 16] = [
    "政府",
    "委员会",
    "部门",
    "单位",
    "厅",
    "局",
    "委",
    "办",
    "处",
    "室",
    "公司",
    "院",
    "所",
    "部",
    "机关",
    "党组",
];

/// The document's parts, by line index.
pub(crate) struct Parts<'a> {
    pub lines: Vec<Line<'a>>,
    /// Title lines (one or two).
    pub title: Option<Range<usize>>,
    pub recipients: Option<usize>,
}

impl<'a> Parts<'a> {
    /// Prefer [`Text::parts`], which reads them once for all the rules.
    pub fn read(source: &'a str) -> Parts<'a> {
        let lines = lines(source);
        let texts: Vec<&str> = lines.iter().map(|l| l.text).collect();
        let title = find_title(&texts).map(|t| t.lines);
        let recipients = title.as_ref().and_then(|title| {
            let at = title.end;
            let line = lines.get(at)?;
            let short = line.text.chars().count() <= 120;
            let reads_as_agencies = line.text.ends_with(['：', ':'])
                || AGENCY_ENDINGS.iter().any(|e| line.text.ends_with(e));
            (short
                && reads_as_agencies
                && !line.text.contains('。')
                && at + 1 < lines.len()
                && !ATTACHMENT_START.is_match(line.text))
            .then_some(at)
        });
        Parts {
            lines,
            title,
            recipients,
        }
    }

    /// The title's byte range in the source (both lines of a two-line
    /// title) and its text.
    pub fn title_text(&self) -> Option<(Range<usize>, String)> {
        let range = self.title.clone()?;
        let first = self.lines[range.start];
        let last = self.lines[range.end - 1];
        let text = self.lines[range].iter().map(|l| l.text).collect();
        Some((first.at..last.at + last.text.len(), text))
    }
}

pub struct TitleEndsWithKind;

static TITLE_KIND: RuleInfo = RuleInfo {
    id: "structure.title-kind",
    category: Category::Structure,
    severity: Severity::Error,
    reference: "GB/T 9704-2012 7.3.1：标题由发文机关名称、事由和文种组成",
    summary: "标题未以文种结尾",
};

impl Rule for TitleEndsWithKind {
    fn info(&self) -> &'static RuleInfo {
        &TITLE_KIND
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let parts = text.parts();
        // Only a line that a 主送机关 follows (or that starts with 关于) is
        // surely a title; anything else may be a heading or a sentence.
        let Some((range, title)) = parts.title_text() else {
            return;
        };
        if parts.recipients.is_none() && !title.starts_with("关于") {
            return;
        }
        if kind_from_title(title.trim_end_matches(TITLE_STRAY_MARKS)).is_none() {
            out.push(finding(
                &TITLE_KIND,
                text,
                range,
                "标题应以文种结尾（如“通知”“请示”“报告”“函”）",
                None,
            ));
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[(
            "关于做好冬季安全生产工作的安排\n各区人民政府：\n现就有关事项通知如下。",
            "关于做好冬季安全生产工作的通知\n各区人民政府：\n现就有关事项通知如下。",
        )]
    }
}

pub struct RecipientColon;

static RECIPIENT_COLON: RuleInfo = RuleInfo {
    id: "structure.recipient-colon",
    category: Category::Structure,
    severity: Severity::Error,
    reference: "GB/T 9704-2012 7.3.2：主送机关名称后标全角冒号",
    summary: "主送机关后缺全角冒号",
};

impl Rule for RecipientColon {
    fn info(&self) -> &'static RuleInfo {
        &RECIPIENT_COLON
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let parts = text.parts();
        let Some(line) = parts.recipients.map(|i| parts.lines[i]) else {
            return;
        };
        // A half-width colon is the half-width rule's business.
        if line.text.ends_with(['：', ':']) {
            return;
        }
        let Some(last) = line.text.chars().last() else {
            return;
        };
        let end = line.at + line.text.len();
        out.push(finding(
            &RECIPIENT_COLON,
            text,
            end - last.len_utf8()..end,
            "主送机关名称后应加全角冒号“：”",
            Some(format!("{last}：")),
        ));
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[(
            "关于开展安全检查的通知\n各区人民政府，市政府各部门\n现将有关事项通知如下。",
            "关于开展安全检查的通知\n各区人民政府，市政府各部门：\n现将有关事项通知如下。",
        )]
    }
}

pub struct AttachmentNote;

static ATTACHMENT: RuleInfo = RuleInfo {
    id: "structure.attachment-note",
    category: Category::Structure,
    severity: Severity::Warning,
    reference: "GB/T 9704-2012 7.3.4：附件名称后不加标点；多个附件用阿拉伯数字标注顺序号",
    summary: "附件说明格式或数目不符",
};

impl Rule for AttachmentNote {
    fn info(&self) -> &'static RuleInfo {
        &ATTACHMENT
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let lines = lines(text.source);
        let Some(start) = lines
            .iter()
            .rposition(|l| ATTACHMENT_START.is_match(l.text))
        else {
            return;
        };
        // Items: the rest of the 附件 line, then numbered lines after it.
        let mut items: Vec<(usize, &str)> = Vec::new();
        let first = lines[start];
        if let Some(m) = ATTACHMENT_START.find(first.text) {
            items.push((first.at + m.end(), &first.text[m.end()..]));
        }
        for line in &lines[start + 1..] {
            if !ATTACHMENT_ITEM.is_match(line.text) {
                break;
            }
            items.push((line.at, line.text));
        }
        items.retain(|(_, s)| !s.is_empty());
        let mut numbers = Vec::new();
        for &(at, item) in &items {
            if let Some(c) = ATTACHMENT_ITEM.captures(item) {
                numbers.push(c[1].parse::<usize>().unwrap_or(0));
            }
            if let Some(mark) = item.chars().last().filter(|c| "。；，、.;,".contains(*c)) {
                let end = at + item.len();
                out.push(finding(
                    &ATTACHMENT,
                    text,
                    end - mark.len_utf8()..end,
                    "附件名称后不加标点",
                    Some(String::new()),
                ));
            }
        }
        let line_range = first.range();
        if items.len() > 1 && numbers.len() < items.len() {
            out.push(finding(
                &ATTACHMENT,
                text,
                line_range.clone(),
                "有多个附件时应使用阿拉伯数字标注附件顺序号（1．2．……）",
                None,
            ));
        } else if numbers.iter().enumerate().any(|(i, &n)| n != i + 1) {
            out.push(finding(
                &ATTACHMENT,
                text,
                line_range.clone(),
                format!("附件顺序号应从1起连续编排，现为{numbers:?}"),
                None,
            ));
        }
        // The body may not cite an attachment the note does not list.
        let listed = items.len();
        let body = &text.source[..first.at];
        let cited = ATTACHMENT_REFERENCE
            .captures_iter(body)
            .filter_map(|c| c[1].parse::<usize>().ok())
            .max();
        if let Some(n) = cited.filter(|&n| n > listed) {
            out.push(finding(
                &ATTACHMENT,
                text,
                line_range,
                format!("正文提到附件{n}，附件说明只列了{listed}件"),
                None,
            ));
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "请按附件格式填报。\n附件：1．报名表。\n2．日程安排",
                "请按附件格式填报。\n附件：1．报名表\n2．日程安排",
            ),
            ("附件：参会回执；", "附件：参会回执"),
        ]
    }
}

pub struct WrittenDateInArabic;

static DATE_ARABIC: RuleInfo = RuleInfo {
    id: "date.written-arabic",
    category: Category::NumberDate,
    severity: Severity::Error,
    reference: "GB/T 9704-2012 7.3.5.3：成文日期用阿拉伯数字将年、月、日标全",
    summary: "成文日期未用阿拉伯数字",
};

impl Rule for WrittenDateInArabic {
    fn info(&self) -> &'static RuleInfo {
        &DATE_ARABIC
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        // A line that is only a date: the 成文日期 (or a 版记's 印发日期).
        for line in lines(text.source) {
            if line.text.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            if let Some(date) = parse_date(line.text) {
                out.push(finding(
                    &DATE_ARABIC,
                    text,
                    line.range(),
                    "成文日期应使用阿拉伯数字",
                    Some(date.to_standard()),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[(
            "北京市人民政府\n二〇二六年十一月二十八日",
            "北京市人民政府\n2026年11月28日",
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_skip_the_header_and_find_title_and_recipients() {
        let text = "000123\n机密★1年\n特急\nXX市人民政府文件\nX政发〔2026〕12号\n关于加强安全生产\n工作的通知\n各区人民政府：\n正文。";
        let parts = Parts::read(text);
        let (_, title) = parts.title_text().unwrap_or_default();
        assert_eq!(title, "关于加强安全生产工作的通知");
        assert_eq!(
            parts.recipients.map(|i| parts.lines[i].text),
            Some("各区人民政府：")
        );
    }

    #[test]
    fn a_heading_or_sentence_is_not_taken_for_a_title() {
        for text in [
            "一、总体要求\n坚持稳中求进。",
            "现将有关事项通知如下：\n一、时间",
        ] {
            let mut out = Vec::new();
            TitleEndsWithKind.check(&Text::new(text), &mut out);
            RecipientColon.check(&Text::new(text), &mut out);
            assert!(out.is_empty(), "{text}: {out:?}");
        }
    }

    #[test]
    fn the_body_citing_an_unlisted_attachment_is_reported() {
        let text = "详见附件3。\n附件：1．名单\n2．日程";
        let mut out = Vec::new();
        AttachmentNote.check(&Text::new(text), &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("附件3"));
    }
}
