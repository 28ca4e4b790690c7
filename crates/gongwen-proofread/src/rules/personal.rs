//! 个人信息: identifiers that must not leave in a published 公文 unmasked.

use super::{Rule, finding, pattern};
use crate::{Category, Finding, RuleInfo, Severity, text::Text};

pattern!(DIGIT_RUN, r"[0-9]{15,19}[0-9Xx]?");

/// Runs of digits (with a final X for ID cards) not part of a longer number.
fn digit_runs<'t>(text: &'t Text<'_>) -> impl Iterator<Item = (usize, &'t str)> + 't {
    DIGIT_RUN.find_iter(text.source).filter_map(|m| {
        let before = text.source[..m.start()].chars().next_back();
        let after = text.source[m.end()..].chars().next();
        let joined = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        (!joined(before) && !joined(after)).then(|| (m.start(), m.as_str()))
    })
}

/// GB 11643-1999: 17 digits, a valid birth date, and the ISO 7064 check.
pub fn is_id_card_number(s: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let bytes = s.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let birth = gongwen_domain::WrittenDate {
        year: s[6..10].parse().unwrap_or(0),
        month: s[10..12].parse().unwrap_or(0),
        day: s[12..14].parse().unwrap_or(0),
    };
    if !gongwen_domain::calendar::is_valid(birth) {
        return false;
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] == bytes[17].to_ascii_uppercase()
}

/// Luhn check, as bank card numbers carry it.
pub fn passes_luhn(s: &str) -> bool {
    let mut sum = 0;
    for (i, b) in s.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

fn masked(s: &str, keep_front: usize, keep_back: usize) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_front || i + keep_back >= n {
                c
            } else {
                '*'
            }
        })
        .collect()
}

pub struct IdCardNumber;

static ID_CARD: RuleInfo = RuleInfo {
    id: "personal.id-card",
    category: Category::PersonalData,
    severity: Severity::Warning,
    reference: "《个人信息保护法》第二十八条（敏感个人信息）；GB 11643-1999 公民身份号码",
    summary: "含有公民身份号码",
};

impl Rule for IdCardNumber {
    fn info(&self) -> &'static RuleInfo {
        &ID_CARD
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        for (at, run) in digit_runs(text) {
            if is_id_card_number(run) {
                out.push(finding(
                    &ID_CARD,
                    text,
                    at..at + run.len(),
                    "含有公民身份号码，对外发布前应脱敏",
                    Some(masked(run, 6, 4)),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "联系人身份证号110105199001011232。",
                "联系人身份证号110105********1232。",
            ),
            ("44030419851231002X（张三）", "440304********002X（张三）"),
        ]
    }
}

pub struct BankCardNumber;

static BANK_CARD: RuleInfo = RuleInfo {
    id: "personal.bank-card",
    category: Category::PersonalData,
    severity: Severity::Warning,
    reference: "《个人信息保护法》第二十八条（金融账户属敏感个人信息）；银行卡号 Luhn 校验",
    summary: "含有银行卡号",
};

impl Rule for BankCardNumber {
    fn info(&self) -> &'static RuleInfo {
        &BANK_CARD
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        for (at, run) in digit_runs(text) {
            let card_like = (16..=19).contains(&run.len())
                && run.starts_with(['3', '4', '5', '6'])
                && passes_luhn(run)
                && !is_id_card_number(run);
            if card_like {
                out.push(finding(
                    &BANK_CARD,
                    text,
                    at..at + run.len(),
                    "含有银行卡号，对外发布前应脱敏",
                    Some(masked(run, 4, 4)),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "补助发放至6222021234567890128账户",
                "补助发放至6222***********0128账户",
            ),
            ("卡号：6217000000000000004", "卡号：6217***********0004"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_long_numbers_are_not_personal_data() {
        for text in [
            "统一社会信用代码91110000100000000A",
            "项目编号2026123456789012345",
            "110105199001011233", // wrong check digit
            "110105199013011232", // month 13
        ] {
            let mut out = Vec::new();
            IdCardNumber.check(&Text::new(text), &mut out);
            BankCardNumber.check(&Text::new(text), &mut out);
            assert!(out.is_empty(), "{text}: {out:?}");
        }
    }
}
