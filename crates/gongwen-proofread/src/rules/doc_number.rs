//! 文号: GB/T 9704-2012 7.2.4 发文字号.

use super::{Rule, each_match, pattern};
use crate::{Category, Finding, RuleInfo, Severity, text::Text};

pub struct DocNumberForm;

static FORM: RuleInfo = RuleInfo {
    id: "docnumber.form",
    category: Category::DocNumber,
    severity: Severity::Error,
    reference: "GB/T 9704-2012 7.2.4：年份用六角括号“〔〕”括入，序号不编虚位，不加“第”字",
    summary: "发文字号格式不规范",
};

// 机关代字, an opening bracket of any kind, the year, the closing bracket,
// an optional 第, the serial, 号.
pattern!(
    NUMBER,
    r"(\p{Han}{1,12})([\[［【(（〔])(\d{2,4})([\]］】)）〕])(第?)(\d+)号"
);

impl Rule for DocNumberForm {
    fn info(&self) -> &'static RuleInfo {
        &FORM
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        each_match(&FORM, &NUMBER, text, out, |caps| {
            let (code, open, year, close, di, serial) =
                (&caps[1], &caps[2], &caps[3], &caps[4], &caps[5], &caps[6]);
            let mut problems = Vec::new();
            if open != "〔" || close != "〕" {
                problems.push("年份应用六角括号“〔〕”");
            }
            if year.len() != 4 {
                problems.push("年份应写全");
            }
            if !di.is_empty() {
                problems.push("不加“第”字");
            }
            if serial.starts_with('0') {
                problems.push("序号不编虚位");
            }
            if problems.is_empty() {
                return None;
            }
            // A two-digit year cannot be completed with certainty.
            let suggestion = (year.len() == 4).then(|| {
                let serial = serial.trim_start_matches('0');
                let serial = if serial.is_empty() { "0" } else { serial };
                format!("{code}〔{year}〕{serial}号")
            });
            Some((format!("发文字号：{}", problems.join("；")), suggestion))
        });
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("国办发[2026]7号", "国办发〔2026〕7号"),
            ("国办发〔2026〕第7号", "国办发〔2026〕7号"),
            ("国办发〔2026〕07号", "国办发〔2026〕7号"),
            (
                "根据《通知》（国办发（2026）7号）",
                "根据《通知》（国办发〔2026〕7号）",
            ),
            ("国办发〔26〕7号", "国办发〔2026〕7号"),
        ]
    }
}
