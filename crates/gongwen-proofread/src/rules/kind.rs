//! 文种规范 and title form: 党政机关公文处理工作条例（2012）第十五条、
//! GB/T 9704-2012 7.3.1.

use gongwen_domain::{
    DocKind,
    structure::{TITLE_STRAY_MARKS, kind_from_title},
};

use super::{Rule, finding, pattern};
use crate::{Category, Finding, RuleInfo, Severity, text::Text};

/// Phrases that ask the recipient to decide: a 请示's closing, and what a
/// 报告 must not carry.
const REQUEST_PHRASES: [&str; 9] = [
    "妥否，请批示",
    "请批示",
    "请审批",
    "请予审批",
    "请批准",
    "请予批准",
    "请审定",
    "请予审定",
    "请批复",
];

/// The title (both lines of a two-line one): its byte range, text and 文种.
fn title_line(text: &Text<'_>) -> Option<(std::ops::Range<usize>, String, DocKind)> {
    let (range, title) = text.parts().title_text()?;
    let kind = kind_from_title(title.trim_end_matches(TITLE_STRAY_MARKS))?;
    Some((range, title, kind))
}

pub struct TitleFinalPunctuation;

static TITLE_PUNCT: RuleInfo = RuleInfo {
    id: "structure.title-punctuation",
    category: Category::Structure,
    severity: Severity::Error,
    reference: "GB/T 9704-2012 7.3.1；标题末尾不加标点",
    summary: "标题末尾有标点",
};

impl Rule for TitleFinalPunctuation {
    fn info(&self) -> &'static RuleInfo {
        &TITLE_PUNCT
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let Some((range, title, _)) = title_line(text) else {
            return;
        };
        if let Some(mark) = title
            .chars()
            .last()
            .filter(|c| TITLE_STRAY_MARKS.contains(c))
        {
            out.push(finding(
                &TITLE_PUNCT,
                text,
                range.end - mark.len_utf8()..range.end,
                "标题末尾不加标点",
                Some(String::new()),
            ));
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "关于做好防汛工作的通知。\n各区：",
                "关于做好防汛工作的通知\n各区：",
            ),
            ("关于申请专项资金的请示；", "关于申请专项资金的请示"),
            ("第十二次局长办公会议纪要。", "第十二次局长办公会议纪要"),
        ]
    }
}

pub struct ReportCarriesNoRequest;

static REPORT_REQUEST: RuleInfo = RuleInfo {
    id: "kind.report-request",
    category: Category::KindRule,
    severity: Severity::Error,
    reference: "党政机关公文处理工作条例（2012）第十五条：报告不得夹带请示事项",
    summary: "报告中夹带请示事项",
};

impl Rule for ReportCarriesNoRequest {
    fn info(&self) -> &'static RuleInfo {
        &REPORT_REQUEST
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let Some((title, _, DocKind::Report)) = title_line(text) else {
            return;
        };
        let body = &text.source[title.end..];
        for phrase in REQUEST_PHRASES {
            if let Some(at) = body.find(phrase) {
                let start = title.end + at;
                out.push(finding(
                    &REPORT_REQUEST,
                    text,
                    start..start + phrase.len(),
                    "报告不得夹带请示事项；需要上级批准的事项应另行请示",
                    None,
                ));
                // One finding is enough to make the point.
                return;
            }
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[(
            "关于2026年上半年工作情况的报告\n市政府：\n上半年完成投资12亿元。拟追加预算500万元，请批示。",
            "关于2026年上半年工作情况的报告\n市政府：\n上半年完成投资12亿元。特此报告。",
        )]
    }
}

pub struct RequestClosing;

static REQUEST_CLOSING: RuleInfo = RuleInfo {
    id: "kind.request-closing",
    category: Category::KindRule,
    severity: Severity::Warning,
    reference: "党政机关公文处理工作条例（2012）第八条（请示适用于向上级机关请求指示、批准）；惯用结语",
    summary: "请示缺少请求性结语",
};

impl Rule for RequestClosing {
    fn info(&self) -> &'static RuleInfo {
        &REQUEST_CLOSING
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let Some((title, _, DocKind::Request)) = title_line(text) else {
            return;
        };
        let body = &text.source[title.end..];
        let closes = REQUEST_PHRASES.iter().any(|p| body.contains(p)) || body.contains("以上请示");
        if !closes && !body.trim().is_empty() {
            out.push(finding(
                &REQUEST_CLOSING,
                text,
                title,
                "请示应以请求性结语结尾，如“妥否，请批示”“以上请示，请予审批”",
                None,
            ));
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[(
            "关于购置执法车辆的请示\n县人民政府：\n拟购置执法车辆2辆，所需资金30万元。",
            "关于购置执法车辆的请示\n县人民政府：\n拟购置执法车辆2辆，所需资金30万元。妥否，请批示。",
        )]
    }
}

pub struct RequestOneRecipient;

static REQUEST_RECIPIENT: RuleInfo = RuleInfo {
    id: "kind.request-one-recipient",
    category: Category::KindRule,
    severity: Severity::Warning,
    reference: "党政机关公文处理工作条例（2012）第十五条（一）：原则上主送一个上级机关，需要同时送其他机关的，用抄送",
    summary: "请示主送多个机关",
};

impl Rule for RequestOneRecipient {
    fn info(&self) -> &'static RuleInfo {
        &REQUEST_RECIPIENT
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let parts = text.parts();
        if !matches!(title_line(text), Some((_, _, DocKind::Request))) {
            return;
        }
        let Some(line) = parts.recipients.map(|i| parts.lines[i]) else {
            return;
        };
        let names = line.text.trim_end_matches(['：', ':']);
        if names.contains(['、', '，', ',']) || names.contains("和") || names.contains("及") {
            out.push(finding(
                &REQUEST_RECIPIENT,
                text,
                line.range(),
                "请示原则上只主送一个上级机关，其他机关可列入抄送",
                None,
            ));
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[(
            "关于追加防汛经费的请示\n市人民政府、市财政局：\n拟追加经费。妥否，请批示。",
            "关于追加防汛经费的请示\n市人民政府：\n拟追加经费。妥否，请批示。",
        )]
    }
}

/// Verbs that open a request in a 请示 (追加经费, 增加编制).
const REQUEST_VERBS: &str = "申请|请求|恳请|追加|增加|新增|增设|拨付|核拨|划拨|下达|购置|设立|成立|组建|变更|减免|延长|举办|配备|核定|批准|同意";

// A top-level item that opens with a request verb.
pattern!(
    REQUEST_ITEM,
    &format!(r"^[ \t\u{{3000}}]*[一二三四五六七八九十]+、(?:{REQUEST_VERBS})")
);
// A title whose 事由 joins two requests: …(追加…)和(购置…)的请示.
pattern!(
    TITLE_TWO_REQUESTS,
    &format!(
        r"关于(?:{REQUEST_VERBS})[^和及与、]{{1,30}}(?:和|及|以及|与|、|并)(?:{REQUEST_VERBS})[^的]{{0,30}}的请示"
    )
);

pub struct RequestOneMatter;

static REQUEST_MATTER: RuleInfo = RuleInfo {
    id: "kind.request-one-matter",
    category: Category::KindRule,
    severity: Severity::Warning,
    reference: "党政机关公文处理工作条例（2012）第十五条（四）：请示应当一文一事",
    summary: "请示一文多事",
};

impl Rule for RequestOneMatter {
    fn info(&self) -> &'static RuleInfo {
        &REQUEST_MATTER
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        let Some((title, joined, DocKind::Request)) = title_line(text) else {
            return;
        };
        // Each paragraph that asks for a decision is a matter; the closing
        // 妥否，请批示 may stand alone in the last paragraph without being one.
        let mut asking: Vec<std::ops::Range<usize>> = Vec::new();
        let mut at = title.end;
        for line in text.source[title.end..].split_inclusive('\n') {
            let standalone_closing = line
                .trim()
                .trim_end_matches('。')
                .trim_start_matches("以上请示，")
                .len()
                <= "妥否，请批示".len();
            if !standalone_closing
                && let Some(phrase) = REQUEST_PHRASES.iter().find(|p| line.contains(*p))
                && let Some(i) = line.find(phrase)
            {
                asking.push(at + i..at + i + phrase.len());
            }
            at += line.len();
        }
        // Numbered items that each open with a request (一、追加经费…
        // 二、增加编制…) are matters too, whatever closes the document.
        let mut at = title.end;
        let mut items = Vec::new();
        for line in text.source[title.end..].split_inclusive('\n') {
            // 二、申请事项 is a label over the matter, not a second one.
            let label = line.trim().chars().count() <= 8;
            if let Some(m) = REQUEST_ITEM.find(line).filter(|_| !label) {
                items.push(at + m.start()..at + m.end());
            }
            at += line.len();
        }
        if let Some(second) = asking.get(1).or(items.get(1)) {
            out.push(finding(
                &REQUEST_MATTER,
                text,
                second.clone(),
                "请示应当一文一事：此处又提出一项请求，宜另行请示",
                None,
            ));
        }
        // The title's 事由 names two requests: 关于追加经费和购置设备的请示.
        // A title over two lines is matched joined and marked whole.
        if let Some(m) = TITLE_TWO_REQUESTS.find(&joined) {
            let span = if text.source[title.clone()] == joined {
                title.start + m.start()..title.start + m.end()
            } else {
                title
            };
            out.push(finding(
                &REQUEST_MATTER,
                text,
                span,
                "请示应当一文一事：标题中有两项请求，宜分别请示",
                None,
            ));
        }
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "关于有关事项的请示\n市人民政府：\n拟购置执法车辆2辆，请批准。\n拟增加编制5名，请批准。",
                "关于购置执法车辆的请示\n市人民政府：\n拟购置执法车辆2辆，请批准。",
            ),
            (
                "关于有关事项的请示\n市人民政府：\n一、追加防汛经费500万元。\n二、增加应急队伍编制10名。\n妥否，请批示。",
                "关于追加防汛经费的请示\n市人民政府：\n一、追加防汛经费500万元。\n二、资金主要用于堤防加固。\n妥否，请批示。",
            ),
            (
                "关于追加防汛经费和购置抢险设备的请示\n市人民政府：\n妥否，请批示。",
                "关于追加防汛经费的请示\n市人民政府：\n妥否，请批示。",
            ),
            // A title broken over two lines is one title.
            (
                "关于追加2026年度防汛经费和\n购置抢险设备的请示\n市人民政府：\n妥否，请批示。",
                "关于追加2026年度\n防汛经费的请示\n市人民政府：\n妥否，请批示。",
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_ending_in_a_kind_name_are_not_titles() {
        for sentence in [
            "不依法作出行政许可决定；",
            "要向中国海上搜救中心报告。",
            "请按要求执行本通知。",
        ] {
            let mut out = Vec::new();
            TitleFinalPunctuation.check(&Text::new(sentence), &mut out);
            assert!(out.is_empty(), "{sentence}: {out:?}");
        }
    }

    #[test]
    fn a_title_after_the_header_and_over_two_lines_decides_the_kind() {
        let report = "XX市水务局文件\nX水发〔2026〕3号\n关于2026年上半年防汛\n工作情况的报告\n市人民政府：\n拟追加预算500万元，请批示。";
        let mut out = Vec::new();
        ReportCarriesNoRequest.check(&Text::new(report), &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        let mut out = Vec::new();
        TitleFinalPunctuation.check(
            &Text::new("X政发〔2026〕3号\n关于加强\n安全生产工作的通知。\n各区："),
            &mut out,
        );
        assert_eq!(out.len(), 1, "{out:?}");
    }
}
