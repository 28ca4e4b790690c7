//! 任务 / 时限 / 责任单位: the work a document hands out. Rules find
//! sentences with a duty (an action word) and a deadline or an owner; the
//! model's rows are accepted only when the paragraph they cite holds their
//! deadline and owner verbatim and most of their wording.

use std::{ops::Range, sync::LazyLock};

use regex::Regex;
use serde::Serialize;

use crate::{
    By, facts,
    summary::{Rejected, Sources, parse_claim, split_sentences},
};

#[derive(Debug, Clone, PartialEq, Serialize)]
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
        r"(?:(?:[0-9]{{4}}|[〇零一二三四五六七八九]{{4}})年)?(?:{N}月{N}日(?:（[^）]{{1,4}}）)?(?:前|之前|以前|止|为止)?|{N}月(?:底|末|中旬|上旬|下旬)(?:前|之前)?|(?:年底|年末|上半年|下半年|年内|第[一二三四]季度(?:末)?)(?:前|之前)?)|每(?:月|季度|半年|年|周)(?:{N}日)?(?:前)?|即日起|限期|本周内|本月内|月底前|[0-9一二三四五六七八九十]+个?(?:工作日|日|天|个月|周|年)内|(?:入职|到岗|任职|上岗|聘用后|开工后)?第[0-9一二三四五六七八九十]+个?(?:年|月|周|季度)(?:内|末|底)(?:前|之前)?"
    )
);
re!(
    OWNER,
    r"(?:由|请|责成)?((?:各|全市|全省|全区|全县|市|省|区|县)?[\p{Han}]{0,16}?(?:局|厅|委员会|委|办公室|办|部门|部|单位|政府|中心|院|处|科|室|所|站|队|街道|乡镇|区县|学校|公司|集团|小组|组))(?:牵头|负责|要|应|须|务必|于|在|会同|按照|抓紧|认真|切实|做好|完成|要在|是|分别|立即|及时|统一|共同)"
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

/// Whether a sentence names a time limit.
pub fn has_deadline(sentence: &str) -> bool {
    DEADLINE.is_match(sentence)
}

fn owner_in(sentence: &str) -> Option<String> {
    let caps = OWNER.captures(sentence)?;
    let mut owner = caps.get(1)?.as_str();
    for lead in LEADS {
        owner = owner.strip_prefix(lead).unwrap_or(owner);
    }
    (owner.chars().count() >= 2).then(|| owner.to_owned())
}

/// Tasks the rules find: sentences with an action and a deadline or owner.
pub fn rule_tasks(paragraphs: &[String], suspicious: &[usize]) -> Vec<Task> {
    let mut out = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if suspicious.contains(&i) {
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

/// Rows "任务｜时限｜责任单位｜【段N】" from the model, verified.
pub fn parse_model_tasks(
    out: &str,
    sources: &Sources<'_>,
    near: Range<usize>,
) -> (Vec<Task>, Vec<Rejected>) {
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for line in out.lines() {
        let cells: Vec<&str> = line.split(['｜', '|']).map(str::trim).collect();
        if cells.len() < 3 {
            continue;
        }
        let Some((task, cited)) = parse_claim(&format!("{}{}", cells[0], cells[3..].join("")))
        else {
            continue;
        };
        let field = |s: &str| {
            let s = s.trim_matches(|c: char| c.is_whitespace() || "：:。".contains(c));
            (!s.is_empty() && !["无", "未明确", "未写明", "不详", "—", "-"].contains(&s))
                .then(|| s.to_owned())
        };
        let deadline = field(cells[1]);
        let owner = field(cells[2]);
        // Deadline and owner must be in the cited text word for word; the
        // task's own numbers and names are checked with it.
        let claim = format!(
            "{task}{}{}",
            deadline.as_deref().unwrap_or(""),
            owner.as_deref().unwrap_or("")
        );
        let verdict = sources
            .verify(&claim, &cited, near.clone())
            .and_then(|(ok, _)| {
                let text = sources.text_of(&ok);
                let given: Vec<&String> = [&deadline, &owner].into_iter().flatten().collect();
                if let Some(f) = given.iter().find(|f| !text.contains(f.as_str())) {
                    return Err(format!("“{f}”在所引段落中找不到"));
                }
                // The deadline and the owner belong to this duty: they stand
                // in one sentence with it, not anywhere in the paragraph.
                let together = text
                    .split_inclusive(['。', '；', '！', '？'])
                    .any(|sentence| {
                        given.iter().all(|f| sentence.contains(f.as_str()))
                            && crate::facts::coverage(&task, sentence) >= 0.3
                    });
                if given.is_empty() || together {
                    Ok(ok)
                } else {
                    Err("时限、责任单位与任务不在所引段落的同一句中".to_owned())
                }
            });
        match verdict {
            Ok(ok) => accepted.push(Task {
                task,
                deadline,
                owner,
                sources: ok,
                by: By::Model,
            }),
            Err(reason) => rejected.push(Rejected {
                text: line.trim().to_owned(),
                sources: cited,
                reason,
            }),
        }
    }
    (accepted, rejected)
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
        ] {
            assert_eq!(
                DEADLINE.find(sentence).map(|m| m.as_str()),
                Some(deadline),
                "{sentence}"
            );
        }
    }

    #[test]
    fn model_rows_are_verified() {
        let paragraphs = paragraphs();
        let s = Sources {
            paragraphs: &paragraphs,
            suspicious: &[],
            min_coverage: 0.5,
        };
        let out = "完成水库安全检查｜5月31日前｜各区县水务局｜【段2】\n\
                   开展防汛应急演练｜6月30日前｜市应急管理局｜【段3】\n\
                   报送工作进展｜每月5日前｜市财政局｜【段4】";
        let (ok, bad) = parse_model_tasks(out, &s, 0..paragraphs.len());
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].sources, vec![1]);
        assert_eq!(bad.len(), 2);
    }

    #[test]
    fn a_deadline_and_owner_from_another_sentence_are_not_the_tasks() {
        let paragraphs = vec![
            "市应急管理局负责组织开展防汛应急演练。各区县要在6月15日前报送汛前检查总结。"
                .to_owned(),
        ];
        let s = Sources {
            paragraphs: &paragraphs,
            suspicious: &[],
            min_coverage: 0.3,
        };
        let mixed = "组织开展防汛应急演练｜6月15日前｜市应急管理局｜【段1】";
        let (ok, bad) = parse_model_tasks(mixed, &s, 0..1);
        assert!(ok.is_empty(), "{ok:?}");
        assert!(bad[0].reason.contains("同一句"), "{bad:?}");
        let right = "组织开展防汛应急演练｜无｜市应急管理局｜【段1】";
        assert_eq!(parse_model_tasks(right, &s, 0..1).0.len(), 1);
    }
}
