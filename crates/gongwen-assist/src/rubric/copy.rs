//! Text that is not written but copied: the brief pasted as a paragraph,
//! paragraphs that say the same thing twice, and a model running away into
//! a list or a loop.

use std::collections::HashSet;

use gongwen_domain::DocKind;

use super::{
    Applies, Check, CheckInfo, Context, Example, Failure, Place, Scope, Subject, fail, is_han,
};

/// Copied runs shorter than this are shared wording (a unit's name, a
/// project), not copying.
const MIN_RUN: usize = 8;

/// How much of `para` is covered by runs of at least `MIN_RUN` characters
/// that also occur in `source`, and how much of `source` those runs cover.
pub(crate) fn copied(para: &str, source: &str) -> (f32, f32) {
    let p: Vec<char> = para.chars().filter(|c| !c.is_whitespace()).collect();
    let s: Vec<char> = source.chars().filter(|c| !c.is_whitespace()).collect();
    if p.is_empty() || s.is_empty() {
        return (0.0, 0.0);
    }
    let mut in_para = 0;
    let mut in_source = vec![false; s.len()];
    let mut i = 0;
    while i < p.len() {
        let (len, at) = (0..s.len())
            .map(|j| {
                let n = p[i..]
                    .iter()
                    .zip(&s[j..])
                    .take_while(|(a, b)| a == b)
                    .count();
                (n, j)
            })
            .max_by_key(|(n, _)| *n)
            .unwrap_or((0, 0));
        if len >= MIN_RUN {
            in_para += len;
            in_source[at..at + len].iter_mut().for_each(|b| *b = true);
            i += len;
        } else {
            i += 1;
        }
    }
    let source_covered = in_source.iter().filter(|b| **b).count();
    (
        in_para as f32 / p.len() as f32,
        source_covered as f32 / s.len() as f32,
    )
}

pub struct BriefCopy;

static BRIEF_COPY: CheckInfo = CheckInfo {
    id: "brief-copy",
    name: "照抄要点",
    scope: Scope::Paragraph,
    applies: Applies::Drafts,
    summary: "要点要写成公文，不能原样粘贴：一段话几乎全是要点原文，或要点在两段中各抄一遍，即不合格",
};

impl Check for BriefCopy {
    fn info(&self) -> &'static CheckInfo {
        &BRIEF_COPY
    }

    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>) {
        let brief_chars = context.brief.chars().count();
        // A 令's body is a fixed formula the brief already spells out.
        if brief_chars < 20 || context.kind == Some(DocKind::Order) {
            return;
        }
        // Restating a short brief's facts in their own words is drafting;
        // a paragraph that is nothing but the brief, or the brief twice, is
        // pasting.
        let mut holding_brief: Option<usize> = None;
        for (i, para) in subject.paragraphs.iter().enumerate() {
            if para.chars().count() < 20 {
                continue;
            }
            let (of_para, of_brief) = copied(para, context.brief);
            if of_para >= 0.75 && of_brief >= 0.6 {
                out.push(fail(
                    &BRIEF_COPY,
                    Place::Paragraph(i),
                    format!(
                        "这一段有{:.0}%是原样照抄要点（抄了要点的{:.0}%）",
                        of_para * 100.0,
                        of_brief * 100.0
                    ),
                ));
            } else if of_brief >= 0.5 {
                match holding_brief {
                    Some(first) => out.push(fail(
                        &BRIEF_COPY,
                        Place::Paragraph(i),
                        format!("第{}段和第{}段都照抄了要点的大半", first + 1, i + 1),
                    )),
                    None => holding_brief = Some(i),
                }
            }
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[Example {
            kind: DocKind::Request,
            brief: "申请追加2026年城区老旧小区改造资金1200万元，用于完成剩余14个小区的管网和屋面改造，涉及居民2860户，计划明年6月底前完工。",
            wrong: "青禾市教育局关于追加老旧小区改造资金的请示\n申请追加2026年城区老旧小区改造资金1200万元，用于完成剩余14个小区的管网和屋面改造，涉及居民2860户，计划明年6月底前完工。\n妥否，请批示。",
            right: "青禾市教育局关于追加老旧小区改造资金的请示\n目前，全市还有14个小区的管网和屋面亟待改造，涉及居民2860户，现有资金难以保障工程按期完成。\n为确保改造工程于明年6月底前完工，现申请追加2026年城区老旧小区改造资金1200万元，专项用于上述小区的管网和屋面改造。\n妥否，请批示。",
        }]
    }
}

pub struct Runaway;

static RUNAWAY: CheckInfo = CheckInfo {
    id: "runaway",
    name: "失控罗列或重复",
    scope: Scope::Paragraph,
    applies: Applies::All,
    summary: "没有失控的长串罗列（十几项“、”并列）或反复出现的片段",
};

/// A sentence listing more items than any 公文 sentence does.
const MAX_LIST: usize = 12;

impl Check for Runaway {
    fn info(&self) -> &'static CheckInfo {
        &RUNAWAY
    }

    fn check(&self, subject: &Subject<'_>, context: &Context<'_>, out: &mut Vec<Failure>) {
        for (i, para) in subject.paragraphs.iter().enumerate() {
            let longest_list = para
                .split(['。', '；', '：', '！', '？'])
                .filter(|s| !context.known.contains(*s))
                .map(|s| s.matches('、').count() + 1)
                .max()
                .unwrap_or(0);
            let message = if longest_list > MAX_LIST {
                Some(format!("一句话并列了{longest_list}项，像是失控的罗列"))
            } else if let Some(piece) = crate::guard::repeated_piece(para) {
                Some(format!("反复出现同一片段“{piece}”"))
            } else if is_monotonous(para) {
                Some("这一段反复使用同样的字词".to_owned())
            } else {
                None
            };
            if let Some(message) = message {
                out.push(fail(&RUNAWAY, Place::Paragraph(i), message));
            }
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[Example {
            kind: DocKind::Bulletin,
            brief: "表扬在防汛工作中表现突出的5个单位。",
            wrong: "青禾市教育局关于表扬防汛工作突出单位的通报\n在防汛工作中，各街道、各社区、各学校、各医院、各商场、各酒店、各宾馆、各饭店、各影院、各剧场、各公园、各广场、各车站、各码头积极参与。\n特此通报。",
            right: "青禾市教育局关于表扬防汛工作突出单位的通报\n今年汛期，全市教育系统认真落实防汛工作部署，5个单位在防汛工作中表现突出，提前排查校舍隐患，及时转移安置师生，为保障群众安全作出了积极贡献。为表扬先进、激励全市教育系统，经研究，决定对上述单位予以通报表扬。希望受表扬的单位再接再厉，各单位要以先进为榜样，切实做好防汛各项工作。\n特此通报。",
        }]
    }
}

/// A long paragraph built from few distinct character pairs: a model
/// circling round the same words without an exact loop.
fn is_monotonous(para: &str) -> bool {
    let chars: Vec<char> = para.chars().filter(|c| is_han(*c)).collect();
    if chars.len() < 200 {
        return false;
    }
    let pairs: HashSet<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    (pairs.len() as f32) < 0.35 * (chars.len() - 1) as f32
}

pub struct RepeatedParagraph;

static REPEATED: CheckInfo = CheckInfo {
    id: "repeated-paragraph",
    name: "段落重复",
    scope: Scope::Document,
    applies: Applies::All,
    summary: "没有两段说同样的话，也没有同一句话出现两次",
};

impl Check for RepeatedParagraph {
    fn info(&self) -> &'static CheckInfo {
        &REPEATED
    }

    fn check(&self, subject: &Subject<'_>, _: &Context<'_>, out: &mut Vec<Failure>) {
        let paras = &subject.paragraphs;
        let mut seen_sentences: HashSet<&str> = HashSet::new();
        for (i, para) in paras.iter().enumerate() {
            let bare = super::unnumbered(para).trim();
            // 1. 报告内容： … 7. 报告内容：: a short line said again is a loop.
            let again = (0..i)
                .find(|&j| bare.chars().count() >= 3 && super::unnumbered(paras[j]).trim() == bare);
            if let Some(j) = again.or_else(|| (0..i).find(|&j| similar_paragraphs(paras[j], para)))
            {
                out.push(fail(
                    &REPEATED,
                    Place::Paragraph(i),
                    format!("第{}段与第{}段内容重复", i + 1, j + 1),
                ));
                continue;
            }
            for sentence in para.split_inclusive(['。', '；']) {
                let s = super::unnumbered(sentence).trim();
                if s.chars().count() >= 12 && !seen_sentences.insert(s) {
                    out.push(fail(
                        &REPEATED,
                        Place::Paragraph(i),
                        format!("“{s}”出现了两次"),
                    ));
                }
            }
        }
    }

    fn examples(&self) -> &'static [Example] {
        &[Example {
            kind: DocKind::Notice,
            brief: "3月12日召开全市教育工作会议，各区县教育局局长参加。",
            wrong: "青禾市教育局关于召开全市教育工作会议的通知\n经研究，定于3月12日召开全市教育工作会议，请各区县教育局局长参加。\n经研究，定于3月12日召开全市教育工作会议，请各区县教育局局长准时参加。\n特此通知。",
            right: "青禾市教育局关于召开全市教育工作会议的通知\n经研究，定于3月12日召开全市教育工作会议，请各区县教育局局长准时参加。\n请各单位提前安排好工作，确保按时到会。\n特此通知。",
        }]
    }
}

/// One paragraph is mostly the other's words in long runs (parallel items
/// such as 城市…由780元提高到820元 / 农村…由7200元提高到7800元 share
/// their frame, not their runs).
fn similar_paragraphs(a: &str, b: &str) -> bool {
    let (a, b) = (super::unnumbered(a), super::unnumbered(b));
    if a.chars().count() < 15 || b.chars().count() < 15 {
        return false;
    }
    let (shorter, longer) = if a.chars().count() <= b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    copied(shorter, longer).0 >= 0.8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copied_measures_both_sides() {
        let brief = "申请追加资金1200万元，用于完成剩余14个小区的管网和屋面改造。";
        let (p, b) = copied(brief, brief);
        assert!(p > 0.99 && b > 0.99);
        let (p, b) = copied("为确保工程按期完工，现申请追加资金。", brief);
        assert!(p < 0.1 && b < 0.1, "{p} {b}");
    }
}
