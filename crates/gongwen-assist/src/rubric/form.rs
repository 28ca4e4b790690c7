//! What shows a draft is not finished or not 公文: placeholders, the
//! outline's own labels, Markdown, foreign words.

use std::sync::LazyLock;

use gongwen_domain::DocKind;
use regex::Regex;

use super::{
    Applies, Check, CheckInfo, Context, Example, Failure, Scope, Subject, fail, lines, unnumbered,
};

macro_rules! re {
    ($name:ident, $pattern:expr) => {
        #[allow(clippy::unwrap_used)] // a constant pattern, covered by the examples
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pattern).unwrap());
    };
}

re!(
    PLACEHOLDER,
    concat!(
        r"【[^】]*】?|[XxＸｘ×＊*]{2,}|○○|□□|……|\.\.\.|？？|\?\?",
        r"|发文机关|主送机关|成文日期|（(?:单位|机关|部门)?名称）|（姓名）|（日期）|（时间）|\(名称\)"
    )
);

re!(
    MARKDOWN,
    r"\*\*|__|```|^#{1,6}\s*\S|^[-*+]\s|^>\s|^\|.*\|$|^\d+\)\s"
);

re!(LATIN, r"[A-Za-zＡ-Ｚａ-ｚ]+");

pub struct Placeholder;

static PLACEHOLDER_INFO: CheckInfo = CheckInfo {
    id: "placeholder",
    name: "占位内容",
    scope: Scope::Paragraph,
    applies: Applies::All,
    summary: "不留占位内容（【】、XX、××、……、某某、“发文机关”之类），已知的要素写实",
};

impl Check for Placeholder {
    fn info(&self) -> &'static CheckInfo {
        &PLACEHOLDER_INFO
    }

    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>) {
        for (place, line) in lines(subject) {
            let found = PLACEHOLDER
                .find_iter(line)
                .find(|m| !context.known.contains(m.as_str()))
                .map(|m| m.as_str().to_owned())
                // 某某 is a placeholder unless the user's own text uses it
                // (an anonymised name such as 张某某).
                .or_else(|| {
                    (line.contains("某某") && !context.known.contains("某某"))
                        .then(|| "某某".to_owned())
                });
            if let Some(found) = found {
                out.push(fail(
                    &PLACEHOLDER_INFO,
                    place,
                    format!("留有占位内容“{found}”"),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[
            Example {
                kind: DocKind::Request,
                brief: "申请拨付校舍维修资金800万元。",
                wrong: "发文机关关于拨付校舍维修资金的请示\n为【目的】，现申请拨付校舍维修资金800万元。\n妥否，请批示。",
                right: "青禾市教育局关于拨付校舍维修资金的请示\n为保障师生安全，现申请拨付校舍维修资金800万元，专项用于校舍维修加固。\n妥否，请批示。",
            },
            Example {
                kind: DocKind::Notice,
                brief: "3月12日召开全市教育工作会议。",
                wrong: "青禾市教育局关于召开全市教育工作会议的通知\n定于3月12日在XX会议室召开全市教育工作会议，由某某主持。\n特此通知。",
                right: "青禾市教育局关于召开全市教育工作会议的通知\n经研究，定于3月12日召开全市教育工作会议，请各单位提前做好参会准备。\n特此通知。",
            },
        ]
    }
}

/// The outline's own labels: words about the parts of a document, never
/// the document itself.
const LABELS: [&str; 34] = [
    "缘由",
    "请示缘由",
    "请示的缘由",
    "请示理由",
    "请示事项",
    "请示的事项",
    "请示内容",
    "事项",
    "通知事项",
    "报告事项",
    "正文",
    "标题",
    "主送",
    "结语",
    "结束语",
    "结尾",
    "结尾语",
    "开头",
    "开头语",
    "目的",
    "依据",
    "背景",
    "落款",
    "要点",
    "内容",
    "主要内容",
    "具体内容",
    "事由",
    "发文目的",
    "发文缘由",
    "目的和依据",
    "缘由和依据",
    "依据或上级要求",
    "批复意见",
];

pub struct OutlineLabel;

static OUTLINE_LABEL: CheckInfo = CheckInfo {
    id: "outline-label",
    name: "照搬提纲标签",
    scope: Scope::Paragraph,
    applies: Applies::Drafts,
    summary: "不把提纲的标签（“请示的缘由：”“事项：”“正文”）当作标题或段首",
};

impl Check for OutlineLabel {
    fn info(&self) -> &'static CheckInfo {
        &OUTLINE_LABEL
    }

    fn check(&self, subject: &Subject<'_>, _: &Context<'_>, out: &mut Vec<Failure>) {
        for (i, line) in subject.paragraphs.iter().enumerate() {
            let bare = unnumbered(line);
            let head = match bare.split_once(['：', ':']) {
                Some((head, _)) => head,
                None => bare.trim_end_matches(['。', '；']),
            };
            let head = head.trim_start_matches('【').trim_end_matches('】');
            if LABELS.contains(&head) {
                out.push(fail(
                    &OUTLINE_LABEL,
                    super::Place::Paragraph(i),
                    format!("照搬了提纲的标签“{head}”"),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[
            Example {
                kind: DocKind::Request,
                brief: "申请拨付校舍维修资金800万元，涉及32所学校。",
                wrong: "青禾市教育局关于拨付校舍维修资金的请示\n一、请示的缘由：\n部分学校校舍老化，存在安全隐患。\n二、请示事项：\n申请拨付校舍维修资金800万元，涉及32所学校。\n妥否，请批示。",
                right: "青禾市教育局关于拨付校舍维修资金的请示\n部分学校校舍老化，存在安全隐患，亟须维修。\n为保障师生安全，现申请拨付校舍维修资金800万元，用于32所学校的校舍维修。\n妥否，请批示。",
            },
            Example {
                kind: DocKind::Notice,
                brief: "3月12日召开全市教育工作会议。",
                wrong: "青禾市教育局关于召开全市教育工作会议的通知\n正文\n目的：总结工作，部署任务。\n定于3月12日召开全市教育工作会议。\n特此通知。",
                right: "青禾市教育局关于召开全市教育工作会议的通知\n为总结工作、部署任务，经研究，定于3月12日召开全市教育工作会议，请各单位准时参加。\n特此通知。",
            },
        ]
    }
}

pub struct Markdown;

static MARKDOWN_INFO: CheckInfo = CheckInfo {
    id: "markdown",
    name: "Markdown 符号",
    scope: Scope::Paragraph,
    applies: Applies::All,
    summary: "不用 Markdown 的加粗、标题、列表符号",
};

impl Check for Markdown {
    fn info(&self) -> &'static CheckInfo {
        &MARKDOWN_INFO
    }

    fn check(&self, subject: &Subject<'_>, _: &Context<'_>, out: &mut Vec<Failure>) {
        for (place, line) in lines(subject) {
            if let Some(m) = MARKDOWN.find(line.trim()) {
                out.push(fail(
                    &MARKDOWN_INFO,
                    place,
                    format!("用了 Markdown 符号“{}”", m.as_str().trim()),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[Example {
            kind: DocKind::Notice,
            brief: "3月12日召开全市教育工作会议。",
            wrong: "青禾市教育局关于召开全市教育工作会议的通知\n## 会议安排\n- 时间：3月12日\n**请准时参加。**",
            right: "青禾市教育局关于召开全市教育工作会议的通知\n经研究，定于3月12日召开全市教育工作会议，请各单位负责同志准时参加。\n特此通知。",
        }]
    }
}

pub struct Latin;

static LATIN_INFO: CheckInfo = CheckInfo {
    id: "latin",
    name: "夹杂外文",
    scope: Scope::Paragraph,
    applies: Applies::All,
    summary: "不夹杂外文词（用户材料中原有的除外）",
};

impl Check for Latin {
    fn info(&self) -> &'static CheckInfo {
        &LATIN_INFO
    }

    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>) {
        for (place, line) in lines(subject) {
            if let Some(m) = LATIN
                .find_iter(line)
                .find(|m| !context.known.contains(m.as_str()))
            {
                out.push(fail(
                    &LATIN_INFO,
                    place,
                    format!("夹杂外文“{}”", m.as_str()),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[Example {
            kind: DocKind::Bulletin,
            brief: "表扬在防汛工作中表现突出的5个单位。",
            wrong: "青禾市教育局关于表扬防汛工作突出单位的通报\n在防汛工作中，5个单位表现突出，各 gallery 和 museum 积极参与。\n特此通报。",
            right: "青禾市教育局关于表扬防汛工作突出单位的通报\n今年汛期，全市教育系统认真落实防汛工作部署，5个单位在防汛工作中表现突出，提前排查校舍隐患，及时转移安置师生，为保障群众安全作出了积极贡献。为表扬先进、激励全市教育系统，经研究，决定对上述单位予以通报表扬。希望受表扬的单位再接再厉，各单位要以先进为榜样，切实做好防汛各项工作。\n特此通报。",
        }]
    }
}
