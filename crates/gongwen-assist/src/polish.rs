//! 润色 a selection: 润色, 精简, 扩写, 公文语体. The answer is a suggestion
//! shown as a character diff against the original. It is checked like any
//! model output and then goes through the drafting rubric: sentences that
//! invent a fact (every number, name and title must come from the
//! selection) or talk about the task are cut; an answer that still fails is
//! written once more, sampled, and if that fails too nothing is offered.
//! Without a model, the proofreading rules' own fixes are the suggestion,
//! as the unit's term and ignore lists allow.

use gongwen_proofread::Options;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use ts_rs::TS;

use crate::{AssistError, Completion, Flow, Mode, TextModel, facts, guard, prompts, rubric};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "op", content = "text", rename_all = "snake_case")]
#[ts(rename = "DiffOp")]
pub enum Op {
    Equal(String),
    Insert(String),
    Delete(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "PolishSuggestion")]
pub struct Polished {
    pub mode: Mode,
    /// 润色, 精简, 扩写 or 公文语体.
    pub style: String,
    pub original: String,
    pub suggestion: String,
    pub ops: Vec<Op>,
    /// What the user should look at before accepting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    pub generated_tokens: usize,
    pub tokens_per_second: f64,
}

/// Character diff, runs merged.
pub fn diff(original: &str, suggestion: &str) -> Vec<Op> {
    let mut ops: Vec<Op> = Vec::new();
    for change in TextDiff::from_chars(original, suggestion).iter_all_changes() {
        let v = change.value();
        match (ops.last_mut(), change.tag()) {
            (Some(Op::Equal(s)), ChangeTag::Equal)
            | (Some(Op::Insert(s)), ChangeTag::Insert)
            | (Some(Op::Delete(s)), ChangeTag::Delete) => s.push_str(v),
            (_, ChangeTag::Equal) => ops.push(Op::Equal(v.to_owned())),
            (_, ChangeTag::Insert) => ops.push(Op::Insert(v.to_owned())),
            (_, ChangeTag::Delete) => ops.push(Op::Delete(v.to_owned())),
        }
    }
    ops
}

/// The rules' fixes, accepted all at once, as the suggestion.
pub fn by_rules(text: &str, style: &str, options: &Options) -> Polished {
    let findings = gongwen_proofread::check_with(text, options);
    let suggestion = gongwen_proofread::apply(text, &findings);
    Polished {
        mode: Mode::Rules,
        style: style.to_owned(),
        ops: diff(text, &suggestion),
        original: text.to_owned(),
        suggestion,
        warnings: vec!["未使用模型：只采用了校对规则的修改建议".to_owned()],
        generated_tokens: 0,
        tokens_per_second: 0.0,
    }
}

/// Tries at a polish: the most likely answer, then one sampled one.
const POLISH_TRIES: u32 = 2;

pub fn polish(
    text: &str,
    style: &str,
    model: &dyn TextModel,
    options: &Options,
    on_text: &mut dyn FnMut(&str) -> Flow,
) -> Result<Polished, AssistError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AssistError::EmptyInput);
    }
    let mode = prompts::polish_modes()
        .iter()
        .find(|m| m.name == style)
        .ok_or_else(|| AssistError::UnknownMode(style.to_owned()))?;
    let chars = text.chars().count() as f32;
    let mut rejected: Vec<String> = Vec::new();
    let mut generated_tokens = 0;
    for try_no in 0..POLISH_TRIES {
        let canary = guard::new_canary();
        let system = prompts::system(&canary);
        let user = prompts::fill(
            prompts::POLISH,
            &[
                ("instruction", &mode.instruction),
                ("extra", &mode.extra),
                ("text", &prompts::as_material(text)),
            ],
        );
        // Chinese runs at most about one token a character.
        let max_tokens = (chars * mode.length[1] * 1.2 + 64.0).min(2048.0) as u32;
        let request = Completion {
            stop: vec![prompts::CLOSE.to_owned()],
            creative: try_no > 0,
            seed: try_no,
            // The selection's own Latin words (GDP, 5G) must survive.
            prose: !text.chars().any(|c| c.is_ascii_alphabetic()),
            ..Completion::chat(system.clone(), user, max_tokens)
        };
        if try_no > 0 {
            on_text("\n（上一稿未通过检查，重新生成）\n");
        }
        let done = match model.complete(&request, on_text) {
            Ok(done) => done,
            Err(e) if e.is_unavailable() => {
                let mut p = by_rules(text, style, options);
                p.warnings.insert(0, format!("模型不可用（{e}）"));
                return Ok(p);
            }
            Err(e) => return Err(e.into()),
        };
        generated_tokens += done.generated_tokens;
        if let Some(problem) = guard::check_output(&done.text, &system, &canary)
            .into_iter()
            .find(guard::OutputProblem::is_fatal)
        {
            return Err(AssistError::Unsafe(problem.message()));
        }
        match judge(text, &done.text, mode) {
            Ok((suggestion, mut warnings)) => {
                warnings.extend(
                    rejected
                        .iter()
                        .map(|r| format!("第一稿未通过检查（{r}），已重新生成")),
                );
                return Ok(Polished {
                    mode: Mode::Model,
                    style: style.to_owned(),
                    ops: diff(text, &suggestion),
                    original: text.to_owned(),
                    suggestion,
                    warnings,
                    generated_tokens,
                    tokens_per_second: done.tokens_per_second,
                });
            }
            Err(why) => rejected.push(why),
        }
    }
    Err(AssistError::Rejected(rejected.join("；")))
}

/// The model's answer as a suggestion, mended and checked: sentences that
/// invent a fact or talk about the task are cut, and what is left must
/// pass the rubric and still be a rewrite of the selection. Returns the
/// suggestion and what the user should know, or why it is not offered.
fn judge(
    original: &str,
    answer: &str,
    mode: &prompts::PolishMode,
) -> Result<(String, Vec<String>), String> {
    let answer = answer
        .trim()
        .trim_start_matches(|c: char| "“\"".contains(c))
        .trim_end_matches(|c: char| "”\"".contains(c))
        .trim();
    if answer.is_empty() {
        return Err(guard::OutputProblem::Empty.message());
    }
    let context = rubric::Context {
        kind: None,
        brief: original,
        known: original,
        issuer: None,
    };
    let mut warnings = Vec::new();
    let mut lines = Vec::new();
    for line in answer.lines() {
        if line.trim().is_empty() {
            lines.push(String::new());
            continue;
        }
        let (mended, cut) = crate::draft::repair::repair(line, &context);
        warnings.extend(cut.into_iter().map(|c| format!("已删去：{c}")));
        if !mended.is_empty() {
            lines.push(mended);
        }
    }
    let suggestion = lines.join("\n").trim().to_owned();
    // A rewrite keeps the selection's shape: one sentence does not become
    // a numbered form of eighteen lines.
    let lines_in = |t: &str| t.lines().filter(|l| !l.trim().is_empty()).count();
    if lines_in(&suggestion) > 2 * lines_in(original) + 2 {
        return Err("修改稿的行数远多于原文，不像是对原文的改写".to_owned());
    }
    let subject = rubric::Subject::from_lines(None, &suggestion);
    if let Some(f) = rubric::review(&subject, &context).first() {
        return Err(format!("{}：{}", rubric::name_of(f.check), f.message));
    }
    let chars = original.chars().count() as f32;
    // An answer that shares almost nothing with the selection is not a
    // rewrite of it (an injected instruction may have been followed).
    if suggestion.is_empty() || (facts::coverage(original, &suggestion) < 0.15 && chars >= 8.0) {
        return Err("输出与原文几乎无关".to_owned());
    }
    let ratio = suggestion.chars().count() as f32 / chars;
    if ratio < mode.length[0] || ratio > mode.length[1] {
        warnings.push(format!(
            "修改稿篇幅是原文的 {:.0}%，请注意是否遗漏或增添了内容",
            ratio * 100.0
        ));
    }
    Ok((suggestion, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_rebuilds_both_sides() {
        let a = "各单位要认真做好防汛工作，确保安全。";
        let b = "各单位要切实做好防汛工作，确保安全度汛。";
        let ops = diff(a, b);
        let left: String = ops
            .iter()
            .filter_map(|o| match o {
                Op::Equal(s) | Op::Delete(s) => Some(s.as_str()),
                Op::Insert(_) => None,
            })
            .collect();
        let right: String = ops
            .iter()
            .filter_map(|o| match o {
                Op::Equal(s) | Op::Insert(s) => Some(s.as_str()),
                Op::Delete(_) => None,
            })
            .collect();
        assert_eq!((left.as_str(), right.as_str()), (a, b));
        assert!(ops.contains(&Op::Insert("度汛".to_owned())));
    }

    #[test]
    fn a_sentence_turned_into_a_form_is_not_offered() {
        let original = "我们这个局今年上半年呢，一共搞了32次安全检查，发现了不少问题。";
        let form: String = (1..=9).map(|i| format!("{i}. 报告内容：\n")).collect();
        let mode = prompts::polish_modes()
            .iter()
            .find(|m| m.name == "公文语体")
            .unwrap();
        assert!(judge(original, &form, mode).is_err());
        let fine = "今年上半年，我局共开展安全检查32次，发现问题若干。";
        assert!(judge(original, fine, mode).is_ok());
    }

    #[test]
    fn rules_mode_applies_the_rule_fixes() {
        let p = by_rules(
            "截止2026年3月1日,共完成检查32次。",
            "润色",
            &Options::default(),
        );
        assert_eq!(p.mode, Mode::Rules);
        assert_ne!(p.suggestion, p.original);
        assert!(p.ops.iter().any(|o| matches!(o, Op::Insert(_))));
    }

    #[test]
    fn rules_mode_leaves_what_the_unit_ignores() {
        let text = "截止2026年3月1日,共完成检查32次。";
        let options = Options {
            ignore: vec!["截止".to_owned()],
            ..Options::default()
        };
        let p = by_rules(text, "润色", &options);
        assert!(p.suggestion.starts_with("截止2026年"), "{}", p.suggestion);
        assert_ne!(p.suggestion, p.original, "the comma is still mended");
    }
}
