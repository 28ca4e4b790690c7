//! 任务 / 时限 / 责任单位: the work a document hands out. Rules find
//! sentences with a duty (an action word) and a deadline or an owner. (A
//! model asked for the same rows copied these sentences at many times the
//! cost, so the rows are the rules'.)

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use ts_rs::TS;

use crate::{By, facts, summary::split_sentences};

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "SummaryTask")]
pub struct Task {
    pub task: String,
    pub deadline: Option<String>,
    pub owner: Option<String>,
    pub sources: Vec<usize>,
    pub by: By,
}

impl Task {
    /// The same duty found twice (by the rules and by the model).
    pub fn same_as(&self, other: &Task) -> bool {
        self.sources == other.sources
            && (self.deadline.is_some() && self.deadline == other.deadline
                || facts::coverage(&other.task, &self.task) > 0.6
                || facts::coverage(&self.task, &other.task) > 0.6)
    }
}

macro_rules! re {
    ($name:ident, $pattern:expr) => {
        #[allow(clippy::unwrap_used)] // a constant pattern, covered by tests
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pattern).unwrap());
    };
}

const N: &str = "(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})";
re!(
    DEADLINE,
    &format!(
        r"{N}月{N}日至(?:{N}月)?{N}日|[0-9]{{4}}年(?:底|末)(?:前|之前)?|(?:(?:[0-9]{{4}}|[〇零一二三四五六七八九]{{4}})年)?(?:{N}月{N}日(?:（[^）]{{1,4}}）)?(?:前|之前|以前|止|为止)?|{N}月(?:底|末|中旬|上旬|下旬)(?:前|之前)?|(?:年底|年末|上半年|下半年|年内|第[一二三四]季度(?:末)?)(?:前|之前)?)|每(?:月|季度|半年|年|周)(?:{N}月)?(?:{N}日|底|末)?(?:前)?|即日起|限期|本周内|本月内|月底前|[0-9一二三四五六七八九十]+个?(?:工作日|日|天|个月|周|年)内|(?:入职|到岗|任职|上岗|聘用后|开工后)?第[0-9一二三四五六七八九十]+个?(?:年|月|周|季度)(?:内|末|底)(?:前|之前)?"
    )
);
/// A unit's name: 市水务局, 各区县人民政府, 市政府办公室…
const UNIT: &str = r"(?:各|全市|全省|全区|全县|市|省|区|县)?[\p{Han}]{0,16}?(?:局|厅|委员会|委|办公室|办|部门|部|单位|政府|中心|院|处|科|室|所|站|队|街道|乡镇|区县|学校|公司|集团|小组|组)";
re!(
    OWNER,
    // Several units ("市水务局、市气象局要…") are all the owner; "市教育局：
    // 负责…" names it before a colon.
    &format!(
        r"(?:由|请|责成)?((?:{UNIT}[、和])*{UNIT}(?:等部门|等单位)?)：?(?:牵头|负责|要|应|须|务必|于|在|会同|按照|抓紧|认真|切实|做好|完成|要在|是|分别|立即|及时|统一|共同)"
    )
);
re!(
    ACTION,
    r"完成|报送|上报|报至|提交|报|开展|组织|落实|制定|整改|部署|推进|建立|做好|确保|负责|牵头|召开|印发|核查|排查|清理|实施|启动|建成|反馈|汇总|检查|培训|修订|编制|审核|验收"
);
const LEADS: [&str; 9] = [
    "按照",
    "根据",
    "为了",
    "为",
    "经",
    "会议要求",
    "要求",
    "同时",
    "并",
];

/// The text with its deadlines taken out.
pub fn without_deadlines(text: &str) -> std::borrow::Cow<'_, str> {
    DEADLINE.replace_all(text, "")
}

/// Whether a sentence names a time limit.
pub fn has_deadline(sentence: &str) -> bool {
    DEADLINE.is_match(sentence)
}

/// The unit a sentence gives work to, if it names one.
pub fn owner_in(sentence: &str) -> Option<String> {
    let caps = OWNER.captures(sentence)?;
    let mut owner = caps.get(1)?.as_str();
    for lead in LEADS {
        owner = owner.strip_prefix(lead).unwrap_or(owner);
    }
    (owner.chars().count() >= 2).then(|| owner.to_owned())
}

/// A document's title (关于…的通报): it names the work, it assigns none.
fn is_title(p: &str) -> bool {
    const KINDS: [&str; 16] = [
        "通知", "通报", "报告", "请示", "批复", "意见", "决定", "方案", "办法", "纪要", "函",
        "公告", "通告", "规定", "细则", "讲话",
    ];
    !p.contains(['。', '；', '，']) && KINDS.iter().any(|k| p.ends_with(k))
}

/// Tasks the rules find: sentences with an action and a deadline or owner.
pub fn rule_tasks(paragraphs: &[String], suspicious: &[usize]) -> Vec<Task> {
    let mut out = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if suspicious.contains(&i) || is_title(p) {
            continue;
        }
        for sentence in split_sentences(p) {
            // "负责人" names people, it assigns nothing.
            let probe = sentence.replace("负责人", "").replace("负责同志", "");
            if !ACTION.is_match(&probe) {
                continue;
            }
            let deadline = DEADLINE.find(&sentence).map(|m| m.as_str().to_owned());
            let owner = owner_in(&sentence);
            if deadline.is_none() && owner.is_none() {
                continue;
            }
            let task = sentence.trim_end_matches(['。', '；']).to_owned();
            out.push(Task {
                task,
                deadline,
                owner,
                sources: vec![i],
                by: By::Rule,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs() -> Vec<String> {
        [
            "为做好汛期安全工作，现将有关事项通知如下。",
            "一、各区县水务局要在5月31日前完成辖区内水库的安全检查。",
            "二、市应急管理局负责组织开展防汛应急演练，6月15日前报送演练总结。",
            "三、各单位要于每月5日前报送上月工作进展。",
            "参会人员：各区县教育局局长，市教育局机关各处室负责人。",
            "今年以来，全市降雨量较常年偏多三成。",
            "某市人民政府办公室关于2026年第一季度热线办理情况的通报",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    #[test]
    fn rules_find_duties_with_deadline_and_owner() {
        let tasks = rule_tasks(&paragraphs(), &[]);
        let rows: Vec<(Option<&str>, Option<&str>, usize)> = tasks
            .iter()
            .map(|t| (t.deadline.as_deref(), t.owner.as_deref(), t.sources[0]))
            .collect();
        assert_eq!(
            rows,
            vec![
                (Some("5月31日前"), Some("各区县水务局"), 1),
                (Some("6月15日前"), Some("市应急管理局"), 2),
                (Some("每月5日前"), Some("各单位"), 3),
            ]
        );
    }

    #[test]
    fn owners_are_every_unit_named_and_the_unit_before_a_colon() {
        for (sentence, owner) in [
            (
                "市水务局、市农业农村局、市气象局要建立旱情会商机制。",
                "市水务局、市农业农村局、市气象局",
            ),
            ("市教育局：负责指导学校做好防汛安全教育。", "市教育局"),
            (
                "市民政局：负责受灾群众的基本生活救助，会同有关部门做好临时安置。",
                "市民政局",
            ),
            (
                "市水务局、市交通运输局等部门要在汛后1个月内完成调查统计。",
                "市水务局、市交通运输局等部门",
            ),
        ] {
            assert_eq!(owner_in(sentence).as_deref(), Some(owner), "{sentence}");
        }
    }

    #[test]
    fn deadlines() {
        for s in [
            "2026年3月31日前",
            "十二月底前",
            "年底前",
            "每季度末",
            "10个工作日内",
            "6月中旬",
            "三年内",
        ] {
            assert!(has_deadline(s), "{s}");
        }
        assert!(!has_deadline("全市降雨量偏多三成"));
        // A relative deadline is the whole phrase, not the 年内 at its end.
        for (sentence, deadline) in [
            ("新录用人员入职第一年内须完成岗位培训。", "入职第一年内"),
            ("各项目开工后第3个月底前报送进度。", "开工后第3个月底前"),
            ("力争3年内建成示范区。", "3年内"),
            ("到2027年底，体系基本建成。", "2027年底"),
            ("每年12月底前通报考核结果。", "每年12月底前"),
            // A phase's time limit is its whole span, not its first day.
            ("4月1日至4月20日，各单位开展自查。", "4月1日至4月20日"),
        ] {
            assert_eq!(
                DEADLINE.find(sentence).map(|m| m.as_str()),
                Some(deadline),
                "{sentence}"
            );
        }
    }
}
