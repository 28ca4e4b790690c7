//! The 文种's register: a title of the form (发文机关)关于……的＋文种, a
//! lead-in before numbered items, the customary closing where the 文种's
//! purpose lives in it, a usual length, and the structure rules of the
//! proofreader (numbering, 请示 one matter, 报告 no request).

use gongwen_domain::DocKind;
use gongwen_proofread::{Category, Severity};

use super::{
    Applies, Check, CheckInfo, Context, Example, Failure, Place, Scope, Subject, fail, unnumbered,
};
use crate::prompts;

pub struct TitleForm;

static TITLE_FORM: CheckInfo = CheckInfo {
    id: "title-form",
    name: "标题格式",
    scope: Scope::Document,
    applies: Applies::Drafts,
    summary: "标题为“（发文机关）关于……的＋文种”，发文机关是真实的或不写，不加标点，不过长",
};

/// 关于……的＋文种, and the forms a 文种 has besides: 的复函, 的实施意见,
/// 的指导意见, 的若干意见.
fn standard_ending(title: &str, kind: DocKind, word: &str) -> bool {
    let also: &[&str] = match kind {
        DocKind::Letter => &["的复函"],
        DocKind::Opinion => &["的实施意见", "的指导意见", "的若干意见"],
        _ => &[],
    };
    title.ends_with(&format!("的{word}")) || also.iter().any(|e| title.ends_with(e))
}

/// Longer than any title a 机关 would print: the brief went into it.
const MAX_TITLE: usize = 60;

impl Check for TitleForm {
    fn info(&self) -> &'static CheckInfo {
        &TITLE_FORM
    }

    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>) {
        let Some(kind) = context.kind else { return };
        let title = subject.title.unwrap_or("").trim();
        let word = prompts::title_word(kind);
        let problem = if title.is_empty() {
            Some("没有标题".to_owned())
        } else if !title.ends_with(word) {
            Some(format!("标题没有以文种“{word}”结尾"))
        } else if title.contains("关于") && !standard_ending(title, kind, word) {
            Some(format!("标题应为“关于……的{word}”"))
        } else if let Some(other) = ["通知", "请示", "公告", "通告", "意见", "建议"]
            .into_iter()
            .find(|w| {
                *w != word
                    && title.ends_with(&format!("{w}的{word}"))
                    // 关于印发（转发、报送）……的通知的通知 is a real form.
                    && !["印发", "转发", "报送", "发布", "征求"]
                        .iter()
                        .any(|v| title.contains(v))
            })
        {
            Some(format!("标题中有两个文种（“{other}”和“{word}”）"))
        } else if let Some(mark) = title.chars().find(|c| "，。；！？,.;!?".contains(*c)) {
            Some(format!("标题中不用标点“{mark}”"))
        } else if title.chars().count() > MAX_TITLE {
            Some(format!(
                "标题过长（{}字），应概括事由",
                title.chars().count()
            ))
        } else {
            let issuer = title.split_once("关于").map_or("", |(before, _)| before);
            (!issuer.is_empty() && !super::facts::Known::new(context.known).knows_name(issuer))
                .then(|| format!("标题中的发文机关“{issuer}”不是本单位"))
        };
        if let Some(problem) = problem {
            out.push(fail(&TITLE_FORM, Place::Title, problem));
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[
            Example {
                kind: DocKind::Request,
                brief: "申请拨付校舍维修资金800万元。",
                wrong: "青禾市财政局关于拨付校舍维修资金的请示。\n为保障师生安全，现申请拨付校舍维修资金800万元，专项用于校舍维修加固。\n妥否，请批示。",
                right: "青禾市教育局关于拨付校舍维修资金的请示\n为保障师生安全，现申请拨付校舍维修资金800万元，专项用于校舍维修加固。\n妥否，请批示。",
            },
            Example {
                kind: DocKind::Announcement,
                brief: "7月1日起市区主要道路实施机动车限行管理。",
                wrong: "青禾市教育局关于市区主要道路实施机动车限行管理的通告的公告\n经研究，自7月1日起，市区主要道路实施机动车限行管理，请广大市民相互转告。\n特此公告。",
                right: "青禾市教育局关于市区主要道路实施机动车限行管理的公告\n经研究，自7月1日起，市区主要道路实施机动车限行管理，请广大市民相互转告。\n特此公告。",
            },
            Example {
                kind: DocKind::Notice,
                brief: "3月12日召开全市教育工作会议。",
                wrong: "关于召开全市教育工作会议\n经研究，定于3月12日召开全市教育工作会议，请各单位负责同志准时参加。\n特此通知。",
                right: "关于召开全市教育工作会议的通知\n经研究，定于3月12日召开全市教育工作会议，请各单位负责同志准时参加。\n特此通知。",
            },
        ]
    }
}

pub struct LeadIn;

static LEAD_IN: CheckInfo = CheckInfo {
    id: "lead-in",
    name: "开头与引语",
    scope: Scope::Document,
    applies: Applies::Drafts,
    summary: "正文先写缘由，再用“现将有关事项通知如下：”之类的引语引出分条事项；批复先引述来文，纪要写会议议定或要求",
};

impl Check for LeadIn {
    fn info(&self) -> &'static CheckInfo {
        &LEAD_IN
    }

    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>) {
        let Some(kind) = context.kind else { return };
        let paras = &subject.paragraphs;
        if paras.is_empty() {
            out.push(fail(&LEAD_IN, Place::Whole, "没有正文"));
            return;
        }
        // 文种 that customarily list their matters after a lead-in.
        let lists = prompts::guide(kind).is_some_and(|g| g.items);
        if let Some(first_item) = paras.iter().position(|p| is_level_one(p)) {
            if first_item == 0 {
                out.push(fail(
                    &LEAD_IN,
                    Place::Paragraph(0),
                    "正文直接从“一、”开始，缺少交代缘由的开头",
                ));
            } else if lists {
                let before = paras[first_item - 1].trim();
                if !(before.ends_with('：') || before.contains("如下")) {
                    out.push(fail(
                        &LEAD_IN,
                        Place::Paragraph(first_item - 1),
                        "分条事项前缺少“现将有关事项……如下：”之类的引语",
                    ));
                }
            }
        }
        match kind {
            DocKind::Reply if !paras.first().is_some_and(|p| p.contains("收悉")) => {
                out.push(fail(
                    &LEAD_IN,
                    Place::Paragraph(0),
                    "批复开头应引述来文（“……收悉”）",
                ));
            }
            DocKind::Minutes
                if !paras.iter().any(|p| {
                    [
                        "议定", "认为", "要求", "指出", "强调", "决定", "同意", "研究",
                    ]
                    .iter()
                    .any(|w| p.contains(&format!("会议{w}")))
                }) =>
            {
                out.push(fail(
                    &LEAD_IN,
                    Place::Whole,
                    "纪要应写明“会议议定”“会议要求”等事项",
                ));
            }
            _ => {}
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[
            Example {
                kind: DocKind::Notice,
                brief: "3月12日召开全市教育工作会议，各区县教育局局长参加。",
                wrong: "青禾市教育局关于召开全市教育工作会议的通知\n一、会议时间：3月12日。\n二、参会人员：各区县教育局局长。\n特此通知。",
                right: "青禾市教育局关于召开全市教育工作会议的通知\n为总结工作、部署任务，经研究，决定召开全市教育工作会议。现将有关事项通知如下：\n一、会议时间为3月12日。\n二、请各区县教育局局长参加。\n特此通知。",
            },
            Example {
                kind: DocKind::Minutes,
                brief: "11月26日召开防汛工作会议，各区落实巡查责任。",
                wrong: "青禾市防汛工作会议纪要\n11月26日，召开防汛工作会议。\n防汛工作很重要，各区落实巡查责任。",
                right: "青禾市防汛工作会议纪要\n11月26日，召开防汛工作会议，研究部署防汛有关工作。现纪要如下：\n一、会议认为，当前防汛形势依然严峻，各有关单位要切实增强责任感和紧迫感，坚决克服麻痹思想和侥幸心理。\n二、会议要求，各区要落实巡查责任，确保责任到人，发现险情及时处置、及时报告。",
            },
        ]
    }
}

/// A level-one heading: 一、 二、 …
fn is_level_one(line: &str) -> bool {
    let t = line.trim_start();
    let numeral = t.trim_start_matches(|c: char| "一二三四五六七八九十".contains(c));
    numeral.len() != t.len() && numeral.starts_with('、')
}

pub struct Closing;

static CLOSING: CheckInfo = CheckInfo {
    id: "closing",
    name: "结语",
    scope: Scope::Document,
    applies: Applies::Drafts,
    summary: "请示、函、批复、议案以本文种的结语收尾（妥否，请批示。/请予函复。/此复。/现提请审议。），结语单独成段、不编号、只在末尾，不用别的文种的结语",
};

impl Check for Closing {
    fn info(&self) -> &'static CheckInfo {
        &CLOSING
    }

    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>) {
        let Some(kind) = context.kind else { return };
        let Some(guide) = prompts::guide(kind) else {
            return;
        };
        let own = |p: &str| own_closing(kind, p);
        let last = subject.paragraphs.len().saturating_sub(1);
        for (i, para) in subject.paragraphs.iter().enumerate() {
            let bare = unnumbered(para);
            if own(bare) {
                if bare != para.trim() {
                    out.push(fail(&CLOSING, Place::Paragraph(i), "结语前不加序号"));
                } else if i != last {
                    out.push(fail(&CLOSING, Place::Paragraph(i), "结语应在正文末尾"));
                }
            } else if let Some(other) = foreign_closing(bare, kind) {
                out.push(fail(
                    &CLOSING,
                    Place::Paragraph(i),
                    format!("“{other}”是{}的结语", other_kind_name(other)),
                ));
            }
        }
        let ends_well = subject.paragraphs.last().is_some_and(|p| own(p.trim()));
        if guide.closing_required && !ends_well {
            out.push(fail(
                &CLOSING,
                Place::Whole,
                format!("{}应以“{}”之类的结语收尾", kind.name(), guide.closing[0]),
            ));
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[
            Example {
                kind: DocKind::Request,
                brief: "申请拨付校舍维修资金800万元。",
                wrong: "青禾市教育局关于拨付校舍维修资金的请示\n为保障师生安全，现申请拨付校舍维修资金800万元，专项用于校舍维修加固。\n特此通知。",
                right: "青禾市教育局关于拨付校舍维修资金的请示\n为保障师生安全，现申请拨付校舍维修资金800万元，专项用于校舍维修加固。\n妥否，请批示。",
            },
            Example {
                kind: DocKind::Letter,
                brief: "商请提供规划用地资料，请于4月15日前函复。",
                wrong: "青禾市教育局关于商请提供规划用地资料的函\n三、请予函复。\n为做好项目前期工作，请贵局提供规划用地资料，并于4月15日前函复。",
                right: "青禾市教育局关于商请提供规划用地资料的函\n为做好项目前期工作，请贵局提供规划用地资料，并于4月15日前函复。\n请予函复。",
            },
        ]
    }
}

/// One of the 文种's closing lines (a 函 may name the date it wants its
/// answer by: 请于4月15日前函复。).
pub(crate) fn own_closing(kind: DocKind, line: &str) -> bool {
    let listed = prompts::guide(kind).is_some_and(|g| {
        g.closing
            .iter()
            .any(|c| line == c || line == c.trim_end_matches('。'))
    });
    listed
        || (kind == DocKind::Letter
            && line.starts_with("请")
            && line.ends_with("前函复。")
            && line.chars().count() <= 20)
}

/// A closing line of some other 文种.
fn foreign_closing(line: &str, kind: DocKind) -> Option<&'static str> {
    DocKind::ALL
        .iter()
        .filter(|k| **k != kind)
        .filter_map(|k| prompts::guide(*k))
        .flat_map(|g| g.closing.iter())
        .find(|c| line == c.as_str() && prompts::guide(kind).is_none_or(|g| !g.closing.contains(c)))
        .map(String::as_str)
}

fn other_kind_name(closing: &str) -> &'static str {
    DocKind::ALL
        .iter()
        .find(|k| prompts::guide(**k).is_some_and(|g| g.closing.iter().any(|c| c == closing)))
        .map_or("其他文种", |k| k.name())
}

pub struct Length;

static LENGTH: CheckInfo = CheckInfo {
    id: "length",
    name: "篇幅",
    scope: Scope::Document,
    applies: Applies::Drafts,
    summary: "正文篇幅在该文种的常见范围内",
};

impl Check for Length {
    fn info(&self) -> &'static CheckInfo {
        &LENGTH
    }

    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>) {
        let Some(guide) = context.kind.and_then(prompts::guide) else {
            return;
        };
        let chars: usize = subject
            .paragraphs
            .iter()
            .map(|p| p.chars().filter(|c| !c.is_whitespace()).count())
            .sum();
        let [min, max] = guide.length;
        let problem = if chars < min {
            Some(format!(
                "正文只有{chars}字，{}通常不少于{min}字",
                guide.name
            ))
        } else if chars > max {
            Some(format!("正文有{chars}字，{}通常不超过{max}字", guide.name))
        } else {
            None
        };
        if let Some(problem) = problem {
            out.push(fail(&LENGTH, Place::Whole, problem));
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[Example {
            kind: DocKind::Request,
            brief: "申请拨付校舍维修资金800万元。",
            wrong: "青禾市教育局关于拨付校舍维修资金的请示\n申请资金800万元。\n妥否，请批示。",
            right: "青禾市教育局关于拨付校舍维修资金的请示\n为保障师生安全，现申请拨付校舍维修资金800万元，专项用于校舍维修加固。\n妥否，请批示。",
        }]
    }
}

pub struct Structure;

static STRUCTURE: CheckInfo = CheckInfo {
    id: "structure",
    name: "结构规则",
    scope: Scope::Document,
    applies: Applies::Drafts,
    summary: "通过校对的结构与文种规则：层次序号连续、标题以文种结尾、请示一文一事、报告不夹带请示事项",
};

impl Check for Structure {
    fn info(&self) -> &'static CheckInfo {
        &STRUCTURE
    }

    fn check(&self, subject: &Subject<'_>, _: &Context<'_>, out: &mut Vec<Failure>) {
        let text = match subject.document {
            Some(document) => document.to_owned(),
            None => format!("{}\n{}", subject.title.unwrap_or(""), subject.body()),
        };
        for f in gongwen_proofread::check(&text) {
            if matches!(f.category, Category::Structure | Category::KindRule)
                && f.severity >= Severity::Warning
            {
                out.push(fail(
                    &STRUCTURE,
                    Place::Whole,
                    format!("{}（{}）", f.message, f.rule),
                ));
            }
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[
            Example {
                kind: DocKind::Report,
                brief: "报告上半年校舍维修进展，已完成20所。",
                wrong: "青禾市教育局关于上半年校舍维修工作情况的报告\n今年上半年，全市已完成20所学校的校舍维修。\n拟追加维修资金，请批示。\n特此报告。",
                right: "青禾市教育局关于上半年校舍维修工作情况的报告\n今年以来，我局按照年度工作安排，扎实推进中小学校舍维修工作。现将有关情况报告如下：\n一、工作进展\n今年上半年，全市已完成20所学校的校舍维修，工程质量总体良好，师生反映较好。\n二、下一步打算\n我局将继续加强校舍安全管理，督促各学校落实日常巡查和维护责任，及时消除安全隐患，确保师生安全。\n特此报告。",
            },
            Example {
                kind: DocKind::Notice,
                brief: "3月12日召开全市教育工作会议。",
                wrong: "青禾市教育局关于召开全市教育工作会议的通知\n经研究，定于3月12日召开全市教育工作会议。现将有关事项通知如下：\n一、会议安排。\n三、工作要求。\n特此通知。",
                right: "青禾市教育局关于召开全市教育工作会议的通知\n经研究，定于3月12日召开全市教育工作会议。现将有关事项通知如下：\n一、各单位做好会议准备。\n二、请参会人员准时到会。\n特此通知。",
            },
        ]
    }
}
