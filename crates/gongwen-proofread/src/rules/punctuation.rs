//! 标点: GB/T 15834-2011 《标点符号用法》 as 公文 apply it.

use super::{Rule, each_match, finding, pattern};
use crate::{
    Category, Finding, RuleInfo, Severity,
    text::{Text, is_cjk},
};

pub struct HalfWidthInChinese;

static HALF_WIDTH: RuleInfo = RuleInfo {
    id: "punct.half-width",
    category: Category::Punctuation,
    severity: Severity::Warning,
    reference: "GB/T 15834-2011 第3章；中文文本使用全角标点",
    summary: "中文语境中使用了半角标点",
};

fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

impl Rule for HalfWidthInChinese {
    fn info(&self) -> &'static RuleInfo {
        &HALF_WIDTH
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let chars: Vec<(usize, char)> = text.source.char_indices().collect();
        for (i, &(at, c)) in chars.iter().enumerate() {
            let Some(wide) = full_width(c) else { continue };
            let before = i.checked_sub(1).map(|j| chars[j].1);
            let after = chars.get(i + 1).map(|&(_, c)| c);
            // 9:30, 1,000, (a): between ASCII letters or digits it is not prose.
            let ascii_both = before.is_some_and(|b| b.is_ascii_alphanumeric())
                && after.is_some_and(|a| a.is_ascii_alphanumeric());
            let chinese_near = before.is_some_and(is_cjk) || after.is_some_and(is_cjk);
            if chinese_near && !ascii_both {
                out.push(finding(
                    &HALF_WIDTH,
                    text,
                    at..at + c.len_utf8(),
                    format!("中文中应使用全角标点“{wide}”"),
                    Some(wide.to_string()),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "各单位要高度重视,认真落实。",
                "各单位要高度重视，认真落实。",
            ),
            ("请于周五前报送(含电子版)。", "请于周五前报送（含电子版）。"),
            ("联系人:张三", "联系人：张三"),
            (
                "会议于上午9:30开始,请准时参加。",
                "会议于上午9:30开始，请准时参加。",
            ),
        ]
    }
}

pub struct DoubledMark;

static DOUBLED: RuleInfo = RuleInfo {
    id: "punct.doubled",
    category: Category::Punctuation,
    severity: Severity::Error,
    reference: "GB/T 15834-2011 第4章；同一标点不应连用",
    summary: "标点重复",
};

impl Rule for DoubledMark {
    fn info(&self) -> &'static RuleInfo {
        &DOUBLED
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        // …… and —— are written doubled on purpose: not in this set.
        const MARKS: &str = "，。、；：！？";
        let mut chars = text.source.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            if !MARKS.contains(c) {
                continue;
            }
            let mut end = start + c.len_utf8();
            while let Some(&(next_at, next)) = chars.peek() {
                if next != c {
                    break;
                }
                end = next_at + next.len_utf8();
                chars.next();
            }
            if end > start + c.len_utf8() {
                out.push(finding(
                    &DOUBLED,
                    text,
                    start..end,
                    format!("标点“{c}”重复"),
                    Some(c.to_string()),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("现将有关事项通知如下：：", "现将有关事项通知如下："),
            ("请认真贯彻落实。。", "请认真贯彻落实。"),
            ("教育、、卫生", "教育、卫生"),
        ]
    }
}

pub struct SerialNumberMark;

static SERIAL: RuleInfo = RuleInfo {
    id: "punct.serial-number",
    category: Category::Punctuation,
    severity: Severity::Warning,
    reference: "GB/T 15834-2011 4.5.3.2、4.6；GB/T 9704-2012 7.3.3（结构层次序数）",
    summary: "序号后的标点不规范",
};

// Group `all` is the numbering with its mark (the indent before it is not
// part of the finding); group `n` is what the suggestion keeps.
pattern!(
    ARABIC_DUNHAO,
    r"(?m)^[ \t\u{3000}]*(?P<all>(?P<n>\d{1,2})、)"
);
pattern!(
    BRACKETED_DUNHAO,
    r"(?m)^[ \t\u{3000}]*(?P<all>(?P<n>[（(][一二三四五六七八九十]+[）)])、)"
);
pattern!(
    HALF_BRACKETS,
    r"(?m)^[ \t\u{3000}]*(?P<all>\((?P<n>[一二三四五六七八九十]+)\))"
);
pattern!(
    CHINESE_DOT,
    r"(?m)^[ \t\u{3000}]*(?P<all>(?P<n>[一二三四五六七八九十]+)[.．，,])"
);

impl Rule for SerialNumberMark {
    fn info(&self) -> &'static RuleInfo {
        &SERIAL
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let mut flag = |re: &regex::Regex, message: &str, fix: &dyn Fn(&str) -> String| {
            for caps in re.captures_iter(text.source) {
                let (Some(all), Some(number)) = (caps.name("all"), caps.name("n")) else {
                    continue;
                };
                out.push(finding(
                    &SERIAL,
                    text,
                    all.range(),
                    message,
                    Some(fix(number.as_str())),
                ));
            }
        };
        flag(
            &ARABIC_DUNHAO,
            "阿拉伯数字序号后应用下脚点“.”，不用顿号",
            &|n| format!("{n}."),
        );
        flag(
            &BRACKETED_DUNHAO,
            "带括号的序号后不再加顿号",
            &|n| n.to_owned(),
        );
        flag(&HALF_BRACKETS, "序号应使用全角括号", &|n| {
            format!("（{n}）")
        });
        flag(&CHINESE_DOT, "汉字序号后应用顿号“、”", &|n| {
            format!("{n}、")
        });
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("1、建立工作台账", "1.建立工作台账"),
            ("（一）、压实主体责任", "（一）压实主体责任"),
            ("(二)加强督促检查", "（二）加强督促检查"),
            ("三．工作要求", "三、工作要求"),
            ("　　2、按时报送", "　　2.按时报送"),
        ]
    }
}

pub struct DunhaoBeforeDeng;

static BEFORE_DENG: RuleInfo = RuleInfo {
    id: "punct.dunhao-before-deng",
    category: Category::Punctuation,
    severity: Severity::Warning,
    reference: "GB/T 15834-2011 4.5.3；“等”前不用顿号",
    summary: "“等”字前多了顿号",
};

pattern!(DUNHAO_DENG, r"、(等)");

impl Rule for DunhaoBeforeDeng {
    fn info(&self) -> &'static RuleInfo {
        &BEFORE_DENG
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        each_match(&BEFORE_DENG, &DUNHAO_DENG, text, out, |_| {
            Some(("“等”前不用顿号".to_owned(), Some("等".to_owned())))
        });
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[("省教育厅、财政厅、等部门", "省教育厅、财政厅等部门")]
    }
}

pub struct DunhaoBetweenQuoted;

static BETWEEN_QUOTED: RuleInfo = RuleInfo {
    id: "punct.dunhao-between-quoted",
    category: Category::Punctuation,
    severity: Severity::Warning,
    reference: "GB/T 15834-2011 4.5.3.5：标有引号或书名号的并列成分之间通常不用顿号",
    summary: "书名号、引号之间的顿号",
};

pattern!(QUOTED_DUNHAO, r"(》|”)、(《|“)");

impl Rule for DunhaoBetweenQuoted {
    fn info(&self) -> &'static RuleInfo {
        &BETWEEN_QUOTED
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        each_match(&BETWEEN_QUOTED, &QUOTED_DUNHAO, text, out, |caps| {
            Some((
                "书名号或引号标示的并列成分之间不用顿号".to_owned(),
                Some(format!("{}{}", &caps[1], &caps[2])),
            ))
        });
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("认真学习《条例》、《办法》", "认真学习《条例》《办法》"),
            ("开展“双随机”、“一公开”监管", "开展“双随机”“一公开”监管"),
        ]
    }
}

pub struct DunhaoInApproximateNumber;

static APPROXIMATE: RuleInfo = RuleInfo {
    id: "punct.dunhao-approximate",
    category: Category::Punctuation,
    severity: Severity::Warning,
    reference: "GB/T 15834-2011 4.5.3.6：相邻两数字连用表示概数时不用顿号",
    summary: "概数中间的顿号",
};

pattern!(
    APPROX,
    r"([一二三四五六七八九])、([一二三四五六七八九])([十百千万]?[个名人天年月次项家位户所条]|[十百千万])"
);

const DIGITS: &str = "一二三四五六七八九";

impl Rule for DunhaoInApproximateNumber {
    fn info(&self) -> &'static RuleInfo {
        &APPROXIMATE
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        each_match(&APPROXIMATE, &APPROX, text, out, |caps| {
            let a = DIGITS.chars().position(|d| caps[1].starts_with(d))?;
            let b = DIGITS.chars().position(|d| caps[2].starts_with(d))?;
            (b == a + 1).then(|| {
                (
                    "相邻数字表示概数，中间不用顿号".to_owned(),
                    Some(format!("{}{}{}", &caps[1], &caps[2], &caps[3])),
                )
            })
        });
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("参会人员约三、四十人", "参会人员约三四十人"),
            ("持续五、六天", "持续五六天"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(rule: &dyn Rule, text: &str) -> usize {
        let mut out = Vec::new();
        rule.check(&Text::new(text), &mut out);
        out.len()
    }

    #[test]
    fn half_width_marks_between_latin_or_digits_are_left_alone() {
        for text in [
            "会议时间为9:30",
            "共计1,000万元",
            "WTO(世界贸易组织)的规则",
            "see (a) and (b)",
        ] {
            let flagged = count(&HalfWidthInChinese, text);
            // Only the brackets next to Chinese may be flagged, never 9:30 or 1,000.
            assert!(flagged <= 2, "{text}: {flagged}");
        }
        assert_eq!(count(&HalfWidthInChinese, "会议时间为9:30"), 0);
        assert_eq!(count(&HalfWidthInChinese, "共计1,000万元"), 0);
    }

    #[test]
    fn listing_ranks_is_not_an_approximate_number() {
        // 一、二级 are two ranks, not "about one or two".
        assert_eq!(count(&DunhaoInApproximateNumber, "启动一、二级响应"), 0);
        assert_eq!(count(&DunhaoInApproximateNumber, "三、五个"), 0);
    }

    #[test]
    fn ellipsis_and_dash_are_not_doubled_marks() {
        assert_eq!(count(&DoubledMark, "等等……——"), 0);
    }
}
