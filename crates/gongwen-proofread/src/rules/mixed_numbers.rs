//! A number written half in Chinese numerals, half in digits (3千万, 十5个,
//! 二十%): GB/T 15835-2011 wants one form. 万 and 亿 after digits are the
//! exception the standard allows (3000万, 1.2亿).

use super::{Rule, each_match, finding, pattern};
use crate::{Category, Finding, RuleInfo, Severity, text::Text};

pub struct MixedNumber;

static MIXED: RuleInfo = RuleInfo {
    id: "number.mixed",
    category: Category::NumberDate,
    severity: Severity::Warning,
    reference: "GB/T 15835-2011 5.1.2：数值的书写形式要一致，阿拉伯数字与汉字数字不应混用（“万”“亿”可作单位，如“3000万”“1.2亿”）",
    summary: "阿拉伯数字与汉字数字混用",
};

// A run of numerals, digits and the large units 万/亿.
pattern!(NUMERAL_RUN, r"[0-9.零〇一二三四五六七八九两十百千万亿]+");
// Chinese numerals before a per cent sign (二十%).
pattern!(WORDS_PER_CENT, r"([零〇一二三四五六七八九两十百千]+)[%％]");
// 百分之20
pattern!(PER_CENT_WORDS, r"百分之(\d+(?:\.\d+)?)");

const CHINESE_DIGITS: &str = "零〇一二三四五六七八九";

/// 零/〇 = 0, 一…九 = 1…9, 两 = 2.
fn digit_of(c: char) -> Option<u64> {
    match c {
        '零' | '〇' => Some(0),
        '两' => Some(2),
        _ => "一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u64 + 1),
    }
}

/// The value of a mixed run in tenths (1万2千 = 120000 tenths), so that
/// 1.5千 stays exact. Digits and Chinese digits
/// are numbers, 十/百/千 multiply what stands before them (1 if nothing),
/// 万/亿 close a section. None when the run does not read as one number.
fn mixed_value(run: &str) -> Option<u64> {
    let mut total: u64 = 0; // sections closed by 亿
    let mut section: u64 = 0; // closed by 万
    let mut small: u64 = 0; // below 万, in tenths
    let mut number: Option<u64> = None; // in tenths
    let mut chars = run.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' | '.' => {
                let mut digits = String::from(c);
                while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit() || **d == '.') {
                    digits.push(d);
                    chars.next();
                }
                let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
                if fraction.len() > 1 || number.is_some() {
                    return None;
                }
                let whole: u64 = if whole.is_empty() {
                    0
                } else {
                    whole.parse().ok()?
                };
                let tenth: u64 = if fraction.is_empty() {
                    0
                } else {
                    fraction.parse().ok()?
                };
                number = Some(whole.checked_mul(10)?.checked_add(tenth)?);
            }
            '十' | '百' | '千' => {
                let unit = match c {
                    '十' => 10,
                    '百' => 100,
                    _ => 1000,
                };
                small = small.checked_add(number.take().unwrap_or(10).checked_mul(unit)?)?;
            }
            '万' | '亿' => {
                let value = small.checked_add(number.take().unwrap_or(0))?;
                small = 0;
                if c == '万' {
                    section = section.checked_add(value.checked_mul(10_000)?)?;
                } else {
                    total =
                        total.checked_add(section.checked_add(value)?.checked_mul(100_000_000)?)?;
                    section = 0;
                }
            }
            '零' | '〇' => {}
            _ => {
                let d = digit_of(c)?;
                if number.is_some() {
                    return None;
                }
                number = Some(d * 10);
            }
        }
    }
    total
        .checked_add(section)?
        .checked_add(small)?
        .checked_add(number.unwrap_or(0))
}

/// Tenths written the way GB/T 15835 prefers: 亿 or 万 where the run used
/// them and the value divides to one decimal place, else plain digits.
fn written(tenths: u64, used_yi: bool, used_wan: bool) -> String {
    let decimal = |n: u64, per: u64| -> Option<String> {
        let tenths_of = n.checked_div(per / 10)?;
        n.is_multiple_of(per / 10).then(|| match tenths_of % 10 {
            0 => format!("{}", tenths_of / 10),
            d => format!("{}.{d}", tenths_of / 10),
        })
    };
    if used_yi
        && tenths >= 1_000_000_000
        && let Some(n) = decimal(tenths, 1_000_000_000)
    {
        return format!("{n}亿");
    }
    if used_wan
        && tenths >= 100_000
        && let Some(n) = decimal(tenths, 100_000)
    {
        return format!("{n}万");
    }
    decimal(tenths, 10).unwrap_or_else(|| format!("{}.{}", tenths / 10, tenths % 10))
}

/// Whether a run mixes the two forms: digits with 十/百/千, or digits among
/// two or more Chinese digits (二0二四). A lone Chinese digit beside digits
/// is usually the end of a word (统一2个), not a number.
fn is_mixed(run: &str) -> bool {
    let digits = run.chars().any(|c| c.is_ascii_digit());
    let units = run.chars().any(|c| matches!(c, '十' | '百' | '千'));
    let chinese = run
        .chars()
        .filter(|&c| CHINESE_DIGITS.contains(c) || c == '两')
        .count();
    digits && (units || chinese >= 2)
}

impl Rule for MixedNumber {
    fn info(&self) -> &'static RuleInfo {
        &MIXED
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let said = "数字的写法应统一：用阿拉伯数字（“万”“亿”可作单位）";
        let source = text.source;
        for m in NUMERAL_RUN.find_iter(source) {
            // A leading Chinese digit that ends a word (统一2千) stays with it.
            let mut run = m.as_str();
            let mut start = m.start();
            while let Some(c) = run.chars().next().filter(|c| "一两".contains(*c)) {
                let before = source[..start].chars().next_back();
                if !before
                    .is_some_and(|b| crate::text::is_cjk(b) && !"第约近超达共计为是".contains(b))
                {
                    break;
                }
                start += c.len_utf8();
                run = &run[c.len_utf8()..];
            }
            if !is_mixed(run) {
                continue;
            }
            let after = &source[m.end()..];
            // 千米, 千克, 千瓦…: units; 百分点: a word.
            let unit_after = (run.ends_with('千')
                && after.starts_with(['米', '克', '瓦', '帕', '焦', '卡', '伏', '赫']))
                || (run.ends_with('百') && after.starts_with('分'));
            if unit_after {
                continue;
            }
            // 二0二四: digit by digit, as a year or a code is read.
            let digit_by_digit = run
                .chars()
                .all(|c| c.is_ascii_digit() || CHINESE_DIGITS.contains(c));
            let fixed = if digit_by_digit {
                run.chars()
                    .map(|c| match digit_of(c) {
                        Some(d) => char::from_digit(d as u32, 10),
                        None => Some(c),
                    })
                    .collect()
            } else {
                mixed_value(run).map(|v| written(v, run.contains('亿'), run.contains('万')))
            };
            out.push(finding(
                &MIXED,
                text,
                start..m.end(),
                format!("“{run}”{said}"),
                fixed,
            ));
        }
        each_match(&MIXED, &WORDS_PER_CENT, text, out, |c| {
            // 9十%: the run above has it whole.
            let start = c.get(0).map_or(0, |m| m.start());
            if source[..start].ends_with(|b: char| b.is_ascii_digit()) {
                return None;
            }
            let value = written(mixed_value(&c[1])?, false, false);
            Some((format!("“{}”{said}", &c[0]), Some(format!("{value}%"))))
        });
        each_match(&MIXED, &PER_CENT_WORDS, text, out, |c| {
            Some((
                format!("“{}”{said}：写作“{}%”", &c[0], &c[1]),
                Some(format!("{}%", &c[1])),
            ))
        });
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("全年投入资金3千万元。", "全年投入资金3000万元。"),
            ("新建村级服务站十5个。", "新建村级服务站15个。"),
            ("覆盖率提高二十%。", "覆盖率提高20%。"),
            ("参训人员达1万2千人次。", "参训人员达1.2万人次。"),
            ("优良天数比例达到百分之85.5。", "优良天数比例达到85.5%。"),
            (
                "改造管网1.5千米，投入2.5百万元。",
                "改造管网1.5千米，投入250万元。",
            ),
            ("总投资1亿2千万元。", "总投资1.2亿元。"),
            ("新建车位1千2百个。", "新建车位1200个。"),
            ("二0二四年完成验收。", "2024年完成验收。"),
            ("日降雨量达一百2十毫米。", "日降雨量达120毫米。"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_read_as_numbers() {
        // In tenths, as every run is read.
        assert_eq!(mixed_value("二十"), Some(200));
        assert_eq!(mixed_value("十"), Some(100));
        assert_eq!(mixed_value("十二"), Some(120));
        assert_eq!(mixed_value("三百零五"), Some(3050));
        assert_eq!(mixed_value("两千"), Some(20000));
        assert_eq!(mixed_value("一二"), None);
    }

    #[test]
    fn mixed_runs_read_as_one_number() {
        assert_eq!(mixed_value("3千万"), Some(300_000_000));
        assert_eq!(mixed_value("1万2千"), Some(120_000));
        assert_eq!(mixed_value("1.5千"), Some(15_000));
        assert_eq!(mixed_value("二0二四"), None);
        assert_eq!(written(300_000_000, false, true), "3000万");
        assert_eq!(written(120_000, false, true), "1.2万");
        assert_eq!(written(1_200_000_000, true, true), "1.2亿");
        assert_eq!(written(12_000, false, false), "1200");
    }

    #[test]
    fn units_and_single_forms_are_not_mixed() {
        for clean in [
            "改造管网1.5千米，新增装机20千瓦。",
            "下降3个百分点，投入3000万元，覆盖1.2亿人。",
            "“十四五”期间完成二十项任务，占比20%。",
            "百分之二十的企业完成改造。",
            "定于6月3日星期一9时召开会议。",
        ] {
            let mut out = Vec::new();
            MixedNumber.check(&Text::new(clean), &mut out);
            assert!(out.is_empty(), "{clean}: {out:?}");
        }
    }
}
