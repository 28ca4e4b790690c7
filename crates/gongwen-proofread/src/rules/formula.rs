//! The marks of 公文 formulas: a lead-in that introduces what follows
//! (现将有关事项通知如下) ends with a colon; a closing formula (特此通知,
//! 妥否，请批示) has its own fixed marks.

use super::{Rule, each_match, pattern};
use crate::{Category, Finding, RuleInfo, Severity, text::Text};

pub struct LeadInColon;

static LEAD_IN: RuleInfo = RuleInfo {
    id: "punct.lead-in-colon",
    category: Category::Punctuation,
    severity: Severity::Warning,
    reference: "GB/T 15834-2011 4.5.3.1：冒号用于总说性或提示性词语之后，表示提起下文（“现将有关事项通知如下：”）",
    summary: "提起下文的“……如下”后应用冒号",
};

// The verbs and nouns that 公文 lead-ins put before 如下 (通知如下), or
// after it (特作如下决定); then a mark other than the colon.
pattern!(
    LEAD_IN_MARK,
    r"((?:通知|报告|函复|复函|函告|批复|答复|说明|通报|公告|通告|决定|意见|安排|汇报|规定|要求|明确|提出|部署|告知|建议|请示|纪要|事项|情况|措施)如下|作如下(?:决定|规定|通知|答复|批复|说明|部署|安排|要求))([。，；,;.])"
);

impl Rule for LeadInColon {
    fn info(&self) -> &'static RuleInfo {
        &LEAD_IN
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        each_match(&LEAD_IN, &LEAD_IN_MARK, text, out, |c| {
            Some((
                format!("“{}”提起下文，其后应用冒号“：”，不用“{}”", &c[1], &c[2]),
                Some(format!("{}：", &c[1])),
            ))
        });
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "为做好防汛工作，现将有关事项通知如下。",
                "为做好防汛工作，现将有关事项通知如下：",
            ),
            (
                "经研究，现函复如下，同意你单位的申请。",
                "经研究，现函复如下：同意你单位的申请。",
            ),
            (
                "现将上半年工作情况报告如下；",
                "现将上半年工作情况报告如下：",
            ),
            (
                "经市政府研究，特作如下决定。",
                "经市政府研究，特作如下决定：",
            ),
        ]
    }
}

pub struct ClosingFormula;

static CLOSING: RuleInfo = RuleInfo {
    id: "punct.closing-formula",
    category: Category::Punctuation,
    severity: Severity::Warning,
    reference: "GB/T 15834-2011 4.1（句号用于陈述句末尾）、4.3（逗号用于句内停顿）；公文惯用结语“特此通知。”“妥否，请批示。”",
    summary: "公文结语标点不当",
};

// 特此通知 / 特此函复 …: a statement, ended by a full stop — not by an
// exclamation or question mark, a colon, a comma or nothing at the end of
// its line.
pattern!(
    SPECIAL_THIS,
    r"(特此(?:通知|报告|函复|函告|函达|批复|公告|通告|通报|说明|证明|复函))([！!：:，,；;?？]|$|\n)"
);
// 妥否，请批示 / 当否，请批复: a comma after the question, a full stop at
// the end.
pattern!(
    REQUEST_ASK,
    r"(妥否|当否|可否|是否妥当)([？?。！!：:；;，]?)(请(?:批示|批复|审批|审示|示复|予审批|予批复))([。！!？?：:，,；;]|$|\n)"
);

// 以上报告，请审阅。/ 以上请示，请予批准。: a comma before the request.
pattern!(
    ABOVE_THEN_ASK,
    r"(以上(?:报告|请示|意见|汇报))([。；;.])(请|如无不妥)"
);
pattern!(
    QUESTION_BEFORE,
    r"(妥否|当否|可否|是否妥当)[？?。！!：:；;，]?$"
);
// 请批示 / 请审阅 …: a request, ended by a full stop.
pattern!(
    ASK_MARK,
    r"(请(?:批示|批复|审批|审阅|审议|审定|予批准|予审批))([？?！!])"
);

impl Rule for ClosingFormula {
    fn info(&self) -> &'static RuleInfo {
        &CLOSING
    }

    fn check(&self, text: &Text<'_>, out: &mut Vec<Finding>) {
        each_match(&CLOSING, &SPECIAL_THIS, text, out, |c| {
            let end = if &c[2] == "\n" { "\n" } else { "" };
            let found = match &c[2] {
                "" | "\n" => "没有标点".to_owned(),
                mark => format!("用了“{mark}”"),
            };
            Some((
                format!("结语“{}”是陈述句，应以句号结尾（{found}）", &c[1]),
                Some(format!("{}。{end}", &c[1])),
            ))
        });
        each_match(&CLOSING, &REQUEST_ASK, text, out, |c| {
            if &c[2] == "，" && &c[4] == "。" {
                return None;
            }
            let end = if &c[4] == "\n" { "\n" } else { "" };
            Some((
                format!(
                    "结语应写作“{}，{}。”：问句后用逗号，句末用句号",
                    &c[1], &c[3]
                ),
                Some(format!("{}，{}。{end}", &c[1], &c[3])),
            ))
        });
        each_match(&CLOSING, &ABOVE_THEN_ASK, text, out, |c| {
            Some((
                format!("“{}”后接请求，中间用逗号", &c[1]),
                Some(format!("{}，{}", &c[1], &c[3])),
            ))
        });
        each_match(&CLOSING, &ASK_MARK, text, out, |c| {
            // After 妥否 the whole formula is REQUEST_ASK's finding.
            let before = &text.source[..c.get(0).map_or(0, |m| m.start())];
            if QUESTION_BEFORE.is_match(before) {
                return None;
            }
            Some((
                format!("“{}”是请求，句末用句号", &c[1]),
                Some(format!("{}。", &c[1])),
            ))
        });
    }

    fn examples(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "请各单位认真贯彻执行。特此通知！",
                "请各单位认真贯彻执行。特此通知。",
            ),
            ("同意你局的意见。特此函复：", "同意你局的意见。特此函复。"),
            ("同意你局的意见。特此函复", "同意你局的意见。特此函复。"),
            (
                "所需资金由县财政安排。妥否？请批示。",
                "所需资金由县财政安排。妥否，请批示。",
            ),
            (
                "所需资金由县财政安排。妥否，请批示！",
                "所需资金由县财政安排。妥否，请批示。",
            ),
            (
                "所需资金由县财政安排。妥否，请批示",
                "所需资金由县财政安排。妥否，请批示。",
            ),
            ("以上报告。请审阅。", "以上报告，请审阅。"),
            ("拟于下月开工建设，请批示？", "拟于下月开工建设，请批示。"),
        ]
    }
}
