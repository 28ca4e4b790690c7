//! 结构: GB/T 9704-2012 7.3.3 结构层次序数 (一、 （一） 1. （1）).

use gongwen_domain::structure::chinese_number;

use super::{Rule, finding, pattern};
use crate::{Category, Finding, RuleInfo, Severity, text::Text};

pub struct HeadingSequence;

static SEQUENCE: RuleInfo = RuleInfo {
    id: "structure.heading-sequence",
    category: Category::Structure,
    severity: Severity::Error,
    reference: "GB/T 9704-2012 7.3.3：结构层次序数依次为“一、”“（一）”“1.”“（1）”，同层序号连续",
    summary: "层次序号不连续",
};

// Each heading: the indent, then the numbering with its mark.
pattern!(
    HEADING,
    r"(?m)^[ \t\u{3000}]*(?:(?P<l1>[一二三四五六七八九十]+)、|[（(](?P<l2>[一二三四五六七八九十]+)[）)]|(?P<l3>\d{1,2})[.．]|[（(](?P<l4>\d{1,2})[）)])"
);

pattern!(ATTACHMENTS, r"(?m)^[ \t\u{3000}]*附件[:：]");

const DIGITS: [char; 9] = ['一', '二', '三', '四', '五', '六', '七', '八', '九'];

fn chinese_numeral(n: u32) -> String {
    let digit = |d: u32| DIGITS[(d - 1) as usize];
    match n {
        1..=9 => digit(n).to_string(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", digit(n - 10)),
        _ if n.is_multiple_of(10) => format!("{}十", digit(n / 10)),
        _ => format!("{}十{}", digit(n / 10), digit(n % 10)),
    }
}

impl Rule for HeadingSequence {
    fn info(&self) -> &'static RuleInfo {
        &SEQUENCE
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        // The last number seen at each level; a higher level resets the lower.
        let mut last: [Option<u32>; 4] = [None; 4];
        // The 附件说明 lists its attachments 1. 2. …: not body headings.
        let body_end = ATTACHMENTS
            .find(text.source)
            .map_or(text.source.len(), |m| m.start());
        for caps in HEADING.captures_iter(&text.source[..body_end]) {
            let found = [("l1", 0usize), ("l2", 1), ("l3", 2), ("l4", 3)]
                .into_iter()
                .find_map(|(name, level)| caps.name(name).map(|m| (level, m)));
            let Some((level, number)) = found else {
                continue;
            };
            let value = if level < 2 {
                chinese_number(number.as_str())
            } else {
                number.as_str().parse().ok()
            };
            let Some(value) = value else { continue };
            // The first item under a heading starts at one: （二） right
            // after 一、 is a skipped number too. (A text may start at 三、:
            // only a level below a heading already seen is held to this.)
            if last[level].is_none() && value != 1 && last[..level].iter().any(Option::is_some) {
                let suggestion = if level < 2 {
                    "一".to_owned()
                } else {
                    "1".to_owned()
                };
                out.push(finding(
                    &SEQUENCE,
                    text,
                    number.range(),
                    "序号不连续：上一级标题下的第一项应为第 1 项",
                    Some(suggestion),
                ));
            }
            if let Some(previous) = last[level]
                && value != previous + 1
            {
                let expected = previous + 1;
                let suggestion = if level < 2 {
                    chinese_numeral(expected)
                } else {
                    expected.to_string()
                };
                out.push(finding(
                    &SEQUENCE,
                    text,
                    number.range(),
                    format!("序号不连续：上一项为第 {previous} 项，此处应为第 {expected} 项"),
                    Some(suggestion),
                ));
            }
            last[level] = Some(value);
            for lower in &mut last[level + 1..] {
                *lower = None;
            }
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("一、总体要求\n三、保障措施", "一、总体要求\n二、保障措施"),
            (
                "（一）压实责任\n（三）加强督查",
                "（一）压实责任\n（二）加强督查",
            ),
            ("1.建立台账\n3.按时报送", "1.建立台账\n2.按时报送"),
            (
                "（1）每月排查\n（1）每季通报",
                "（1）每月排查\n（2）每季通报",
            ),
            ("九、其他\n十一、附则", "九、其他\n十、附则"),
            (
                "一、总体要求\n（二）工作目标\n二、主要任务",
                "一、总体要求\n（一）工作目标\n二、主要任务",
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(text: &str) -> usize {
        let mut out = Vec::new();
        HeadingSequence.check(&Text::new(text), &mut out);
        out.len()
    }

    #[test]
    fn lower_levels_restart_under_each_higher_heading() {
        let text = "一、总体要求\n（一）指导思想\n1.坚持问题导向\n2.坚持系统观念\n（二）工作目标\n二、主要任务\n（一）重点任务\n1.第一项";
        assert_eq!(count(text), 0);
    }

    #[test]
    fn a_text_may_start_anywhere() {
        // An excerpt that begins at 三、 is not an error.
        assert_eq!(count("三、加强组织领导\n四、强化督促检查"), 0);
    }

    #[test]
    fn numerals_convert_both_ways() {
        for n in 1..=99 {
            assert_eq!(chinese_number(&chinese_numeral(n)), Some(n), "{n}");
        }
    }
}
