//! 数字: ranges and percentages (GB/T 15834-2011 4.13, GB/T 15835-2011).

use super::{Rule, finding, pattern};
use crate::{Category, Finding, RuleInfo, Severity, text::Text};

pub struct NumberRange;

static RANGE: RuleInfo = RuleInfo {
    id: "number.range",
    category: Category::NumberDate,
    severity: Severity::Warning,
    reference: "GB/T 15834-2011 4.13.3：数值范围用浪纹线“～”，年份起止用一字线“—”；GB/T 15835-2011：百分数范围前后都加“%”",
    summary: "数值范围写法不规范",
};

const UNITS: &str = "年|个月|月|日|天|周|小时|分钟|岁|人|名|次|个|项|家|元|万元|亿元|万|亿|倍|公里|千米|米|页|条|户|所|批";

pattern!(
    PERCENT_RANGE,
    r"(\d+(?:\.\d+)?)(%?)([-－~～—–])(\d+(?:\.\d+)?)%"
);
pattern!(
    UNIT_RANGE,
    &format!(r"(\d+(?:\.\d+)?)([-－~–])(\d+(?:\.\d+)?)({UNITS})")
);

/// A preceding digit, hyphen, dot, colon or slash makes the match part of a
/// date, a phone or a code, not a range.
fn inside_code(source: &str, start: usize) -> bool {
    source[..start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric() || "-－./:：".contains(c))
}

impl Rule for NumberRange {
    fn info(&self) -> &'static RuleInfo {
        &RANGE
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let source = text.source;
        let mut taken = Vec::new();
        for c in PERCENT_RANGE.captures_iter(source) {
            let Some(whole) = c.get(0) else { continue };
            if inside_code(source, whole.start()) || (&c[2] == "%" && &c[3] == "～") {
                continue;
            }
            out.push(finding(
                &RANGE,
                text,
                whole.range(),
                "百分数范围应写作“20%～30%”：前后都加“%”，中间用“～”",
                Some(format!("{}%～{}%", &c[1], &c[4])),
            ));
            taken.push(whole.range());
        }
        for c in UNIT_RANGE.captures_iter(source) {
            let Some(whole) = c.get(0) else { continue };
            if inside_code(source, whole.start())
                || taken.iter().any(|t| t.contains(&whole.start()))
            {
                continue;
            }
            let years = &c[4] == "年" && c[1].len() == 4 && c[3].len() == 4;
            let (mark, message) = if years {
                ("—", "年份起止用一字线“—”")
            } else {
                ("～", "数值范围用浪纹线“～”")
            };
            out.push(finding(
                &RANGE,
                text,
                whole.range(),
                message,
                Some(format!("{}{mark}{}{}", &c[1], &c[3], &c[4])),
            ));
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("增长20-30%", "增长20%～30%"),
            ("降低10%~15%", "降低10%～15%"),
            ("工期3-5个月", "工期3～5个月"),
            ("2021-2025年规划", "2021—2025年规划"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_phones_and_standard_ranges_pass() {
        for s in [
            "2026-11-28日",
            "电话0571-87654321",
            "增长20%～30%",
            "2021—2025年",
            "GB/T 9704-2012",
            "3～5个月",
        ] {
            let mut out = Vec::new();
            NumberRange.check(&Text::new(s), &mut out);
            assert!(out.is_empty(), "{s}: {out:?}");
        }
    }
}
