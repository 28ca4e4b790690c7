//! A 公文 speaks as its 机关 to its readers: never about the writing task,
//! never to the person who asked for it, never as a letter.

use std::sync::LazyLock;

use gongwen_domain::DocKind;
use regex::Regex;

use super::{Applies, Check, CheckInfo, Context, Example, Failure, Scope, Subject, fail, lines};

macro_rules! re {
    ($name:ident, $pattern:expr) => {
        #[allow(clippy::unwrap_used)] // a constant pattern, covered by the examples
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pattern).unwrap());
    };
}

re!(
    TASK,
    concat!(
        r"(?:我|我们)(?:已|已经|为您|为你|特|来)?(?:草拟|起草|撰写|拟写|拟定了|写了|整理了|生成)",
        r"|根据(?:您|你|起草人|用户|上述|以上|所给|所)?(?:提供|给出|给定|列出)的?(?:要点|材料|信息|内容|资料|要求)",
        r"|起草(?:要点|人)|写作(?:要点|提示|要求)|草拟(?:如下|了一份)",
        r"|^(?:以下|下面)(?:是|为)|如下是",
        r"|希望(?:对您|对你|能对|以上|这份|本文)|仅供参考|供您参考",
        r"|作为(?:一[个名])?(?:AI|人工智能|语言模型|助手|模型)|人工智能助手|语言模型",
        r"|(?:请|您)(?:可)?根据实际(?:情况)?(?:进行)?(?:修改|调整|补充|填写)",
        r"|(?:这份|本份|该份|此份)(?:公文|文件|请示|通知|报告|函|纪要|草稿|稿件)",
        r"|草稿|范文|模板|您"
    )
);

re!(
    LETTER,
    concat!(
        r"尊敬的|^(?:您好|你好|大家好)|此致|敬礼|顺祝|祝好|祝(?:工作)?顺利|谢谢|感谢您",
        // A service desk's closing, not a 机关's: 公文 name who to contact
        // ("请及时与市应急管理局联系"), they do not offer to be told anything.
        r"|随时告知|请随时联系|如有其他(?:事项|需求|需要)"
    )
);

pub struct TaskTalk;

static TASK_TALK: CheckInfo = CheckInfo {
    id: "task-talk",
    name: "谈论写作任务",
    scope: Scope::Paragraph,
    applies: Applies::All,
    summary: "稿中不谈起草任务或起草人（我草拟、根据您提供的要点、以下是、仅供参考、作为AI……），不对用户说话",
};

impl Check for TaskTalk {
    fn info(&self) -> &'static CheckInfo {
        &TASK_TALK
    }

    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>) {
        for (place, line) in lines(subject) {
            // The user's own words are theirs to keep.
            if let Some(m) = TASK
                .find_iter(line)
                .find(|m| !context.known.contains(m.as_str()))
            {
                out.push(fail(
                    &TASK_TALK,
                    place,
                    format!("稿中在谈起草任务或对用户说话（“{}”）", m.as_str()),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[
            Example {
                kind: DocKind::Request,
                brief: "申请拨付校舍维修资金800万元，涉及32所学校。",
                wrong: "青禾市教育局关于拨付校舍维修资金的请示\n根据起草人提供的要点，我草拟了一份请示，具体内容如下：\n为改善办学条件，申请拨付校舍维修资金800万元，用于32所学校的校舍维修。\n妥否，请批示。",
                right: "青禾市教育局关于拨付校舍维修资金的请示\n为改善办学条件，保障师生安全，现申请拨付校舍维修资金800万元，用于32所学校的校舍维修。\n妥否，请批示。",
            },
            Example {
                kind: DocKind::Notice,
                brief: "3月12日召开全市教育工作会议，各区县教育局局长参加。",
                wrong: "青禾市教育局关于召开全市教育工作会议的通知\n以下是会议通知的正文。\n定于3月12日召开全市教育工作会议，请各区县教育局局长参加。\n希望对您有帮助。",
                right: "青禾市教育局关于召开全市教育工作会议的通知\n经研究，定于3月12日召开全市教育工作会议，请各区县教育局局长准时参加。\n特此通知。",
            },
        ]
    }
}

pub struct Salutation;

static SALUTATION: CheckInfo = CheckInfo {
    id: "salutation",
    name: "书信称呼与套语",
    scope: Scope::Paragraph,
    applies: Applies::All,
    summary: "公文不用书信的称呼和套语（尊敬的、您好、此致、敬礼、谢谢、如有其他需求请随时告知），正文里也不再写一遍主送机关",
};

impl Check for Salutation {
    fn info(&self) -> &'static CheckInfo {
        &SALUTATION
    }

    fn check(&self, subject: &Subject<'_>, _: &Context<'_>, out: &mut Vec<Failure>) {
        for (place, line) in lines(subject) {
            if let Some(m) = LETTER.find(line) {
                out.push(fail(
                    &SALUTATION,
                    place,
                    format!("公文不用书信称呼或套语“{}”", m.as_str()),
                ));
            } else if place != super::Place::Title && is_address_line(line) {
                out.push(fail(
                    &SALUTATION,
                    place,
                    format!("正文中又写了一遍称呼“{line}”"),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[
            Example {
                kind: DocKind::Request,
                brief: "申请拨付校舍维修资金800万元。",
                wrong: "青禾市教育局关于拨付校舍维修资金的请示\n尊敬的市政府领导：\n为保障师生安全，现申请拨付校舍维修资金800万元。\n妥否，请批示。\n此致\n敬礼",
                right: "青禾市教育局关于拨付校舍维修资金的请示\n为保障师生安全，现申请拨付校舍维修资金800万元，专项用于校舍维修加固。\n妥否，请批示。",
            },
            Example {
                kind: DocKind::Request,
                brief: "我局拟采购防汛沙袋2万条，需经费86万元，请市财政局拨付。",
                wrong: "青禾市教育局关于申请拨付防汛物资经费的请示\n我局拟采购防汛沙袋2万条，需经费86万元。\n请市财政局尽快审核并拨付上述经费。\n如有其他事项或需求，请随时告知。\n妥否，请批示。",
                right: "青禾市教育局关于申请拨付防汛物资经费的请示\n为做好汛期校园防汛物资储备，我局拟采购防汛沙袋2万条，需经费86万元，恳请市财政局予以拨付。\n妥否，请批示。",
            },
            Example {
                kind: DocKind::Request,
                brief: "申请拨付校舍维修资金800万元。",
                wrong: "青禾市教育局关于拨付校舍维修资金的请示\n青禾市人民政府：\n为保障师生安全，现申请拨付校舍维修资金800万元。\n妥否，请批示。",
                right: "青禾市教育局关于拨付校舍维修资金的请示\n为保障师生安全，现申请拨付校舍维修资金800万元，专项用于校舍维修加固。\n妥否，请批示。",
            },
        ]
    }
}

/// A short line that only names an addressee, as a letter opens: the
/// 主送机关 belongs above the body, once.
fn is_address_line(line: &str) -> bool {
    let Some(name) = line.trim().strip_suffix(['：', ':']) else {
        return false;
    };
    let chars = name.chars().count();
    (2..=40).contains(&chars)
        && !name.contains(['，', '。', '；'])
        && !name.starts_with("会议")
        && crate::facts::ORG_ENDINGS
            .iter()
            .any(|e| name.trim_end_matches("领导").ends_with(e))
}

pub struct SelfReference;

static SELF_REFERENCE: CheckInfo = CheckInfo {
    id: "self-reference",
    name: "自称与发文机关不符",
    scope: Scope::Paragraph,
    applies: Applies::Drafts,
    summary: "正文自称（我局、我委、我办……）与发文机关相符：市人民政府的文不说“我局”，市教育局的请示不“向市教育局申请”",
};

/// How a body of the issuer's kind calls itself.
const SELF_WORDS: [(&str, &str); 7] = [
    ("办公室", "我办"),
    ("委员会", "我委"),
    ("局", "我局"),
    ("委", "我委"),
    ("厅", "我厅"),
    ("院", "我院"),
    ("中心", "我中心"),
];

/// The 文种 in which the issuer itself is the one who asks or reports.
pub(crate) fn asks_up(kind: DocKind) -> bool {
    matches!(kind, DocKind::Request | DocKind::Report | DocKind::Letter)
}

/// The issuer's name and its shorter forms without the place (青禾市教育局,
/// 市教育局).
pub(crate) fn own_names(issuer: &str) -> impl Iterator<Item = &str> {
    let short = issuer
        .char_indices()
        .filter(|(_, c)| ['省', '市', '县', '区'].contains(c))
        .map(move |(at, _)| &issuer[at..])
        .filter(|rest| rest.chars().count() >= 3);
    std::iter::once(issuer).chain(short)
}

impl Check for SelfReference {
    fn info(&self) -> &'static CheckInfo {
        &SELF_REFERENCE
    }

    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>) {
        let Some(issuer) = context.issuer.map(|i| i.trim_end_matches("文件")) else {
            return;
        };
        let own = SELF_WORDS
            .iter()
            .find(|(ending, _)| issuer.ends_with(ending))
            .map(|(_, word)| *word);
        let asks_up = context.kind.is_some_and(asks_up);
        for (place, line) in lines(subject) {
            if let Some((_, word)) = SELF_WORDS
                .iter()
                .find(|(_, word)| line.contains(word) && Some(*word) != own)
            {
                out.push(fail(
                    &SELF_REFERENCE,
                    place,
                    format!("发文机关是{issuer}，正文却自称“{word}”"),
                ));
            } else if asks_up
                && let Some(name) = own_names(issuer).find(|n| line.contains(&format!("向{n}")))
            {
                // 市教育局的请示说“向市教育局申请”: it asks itself. (In a
                // 决议, 市政府向市人大常委会报告 is another body's duty.)
                out.push(fail(
                    &SELF_REFERENCE,
                    place,
                    format!("发文机关是{issuer}，正文却“向{name}”行文"),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[
            Example {
                kind: DocKind::Request,
                brief: "申请拨付校舍维修资金800万元。",
                wrong: "青禾市教育局关于拨付校舍维修资金的请示\n为保障师生安全，我委现申请拨付校舍维修资金800万元，专项用于校舍维修加固。\n妥否，请批示。",
                right: "青禾市教育局关于拨付校舍维修资金的请示\n为保障师生安全，我局现申请拨付校舍维修资金800万元，专项用于校舍维修加固。\n妥否，请批示。",
            },
            Example {
                kind: DocKind::Request,
                brief: "申请拨付校舍维修资金800万元。",
                wrong: "青禾市教育局关于拨付校舍维修资金的请示\n为保障师生安全，我局向市教育局申请拨付校舍维修资金800万元，专项用于校舍维修加固。\n妥否，请批示。",
                right: "青禾市教育局关于拨付校舍维修资金的请示\n为保障师生安全，我局现申请拨付校舍维修资金800万元，专项用于校舍维修加固。\n妥否，请批示。",
            },
        ]
    }
}
