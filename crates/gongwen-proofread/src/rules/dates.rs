//! 数字与日期: GB/T 15835-2011 and GB/T 9704-2012 7.3.5.3 (成文日期).

use gongwen_domain::{WrittenDate, calendar};

use super::{Rule, each_match, pattern};
use crate::{Category, Finding, RuleInfo, Severity, text::Text};

pattern!(DATE, r"(\d{4})年(\d{1,2})月(\d{1,2})日");
pattern!(
    DATE_WITH_WEEKDAY,
    r"(\d{4})年(\d{1,2})月(\d{1,2})日([（(])(星期|周)([一二三四五六日天])([）)])"
);

fn date_of(year: &str, month: &str, day: &str) -> Option<WrittenDate> {
    Some(WrittenDate {
        year: year.parse().ok()?,
        month: month.parse().ok()?,
        day: day.parse().ok()?,
    })
}

pub struct ImpossibleDate;

static IMPOSSIBLE: RuleInfo = RuleInfo {
    id: "date.impossible",
    category: Category::NumberDate,
    severity: Severity::Error,
    reference: "公历日期：月份 1—12，日期不超过当月天数",
    summary: "不存在的日期",
};

impl Rule for ImpossibleDate {
    fn info(&self) -> &'static RuleInfo {
        &IMPOSSIBLE
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        each_match(&IMPOSSIBLE, &DATE, text, out, |caps| {
            let date = date_of(&caps[1], &caps[2], &caps[3])?;
            (!calendar::is_valid(date)).then(|| (format!("日期“{}”不存在", &caps[0]), None))
        });
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("定于2026年2月30日召开", "定于2026年2月28日召开"),
            ("截至2026年13月1日", "截至2026年12月1日"),
            ("2026年4月31日", "2026年4月30日"),
        ]
    }
}

pub struct WeekdayMismatch;

static WEEKDAY: RuleInfo = RuleInfo {
    id: "date.weekday",
    category: Category::NumberDate,
    severity: Severity::Error,
    reference: "公历日期与星期须一致",
    summary: "日期与星期不符",
};

impl Rule for WeekdayMismatch {
    fn info(&self) -> &'static RuleInfo {
        &WEEKDAY
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        each_match(&WEEKDAY, &DATE_WITH_WEEKDAY, text, out, |caps| {
            let date = date_of(&caps[1], &caps[2], &caps[3]).filter(|d| calendar::is_valid(*d))?;
            let written = match &caps[6] {
                "天" => "日",
                other => other,
            };
            let actual = calendar::weekday_name(date);
            let actual_day = actual.trim_start_matches("星期");
            (written != actual_day).then(|| {
                let date_text = format!("{}年{}月{}日", &caps[1], &caps[2], &caps[3]);
                (
                    format!("{date_text}是{actual}，不是{}{}", &caps[5], &caps[6]),
                    Some(format!(
                        "{date_text}{}{}{actual_day}{}",
                        &caps[4], &caps[5], &caps[7]
                    )),
                )
            })
        });
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("2026年11月28日（星期五）", "2026年11月28日（星期六）"),
            ("于2026年7月1日(周四)上午", "于2026年7月1日(周三)上午"),
        ]
    }
}

pub struct LeadingZeroInDate;

static LEADING_ZERO: RuleInfo = RuleInfo {
    id: "date.leading-zero",
    category: Category::NumberDate,
    severity: Severity::Warning,
    reference: "GB/T 9704-2012 7.3.5.3：日期用阿拉伯数字，年份写全，月、日不编虚位（1不编为01）",
    summary: "日期中的月、日多了“0”",
};

impl Rule for LeadingZeroInDate {
    fn info(&self) -> &'static RuleInfo {
        &LEADING_ZERO
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        each_match(&LEADING_ZERO, &DATE, text, out, |caps| {
            if !caps[2].starts_with('0') && !caps[3].starts_with('0') {
                return None;
            }
            let date = date_of(&caps[1], &caps[2], &caps[3])?;
            Some(("月、日不编虚位".to_owned(), Some(date.to_standard())))
        });
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("2026年07月01日", "2026年7月1日"),
            ("于2026年10月08日前报送", "于2026年10月8日前报送"),
        ]
    }
}
