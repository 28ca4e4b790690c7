//! Drafting, polishing and summarizing as workflows, the same for the
//! window and the command line: the model when one is ready, otherwise the model-free
//! fallback with the reason said, and the unit's term lists applied to
//! what the proofreader then reports.

use gongwen_assist::{
    AssistError, Flow, TextModel,
    draft::{self, DraftEvent, DraftRequest, Drafted},
    polish::{self, Polished},
    prompts::polish_modes,
    summary::{self, Summary, SummaryConfig},
};
use gongwen_proofread::Options;

/// The model a workflow may use, or why there is none (a sentence the user
/// reads: "未安装模型", "模型仍在加载", "模型未能加载（…）").
pub type Available<'m> = Result<&'m dyn TextModel, String>;

/// The model a front end holds, or why it has none, as the workflows take
/// it.
pub fn available<M: TextModel, E: ToString>(model: &Result<M, E>) -> Available<'_> {
    model
        .as_ref()
        .map(|m| m as &dyn TextModel)
        .map_err(ToString::to_string)
}

/// Drafts the body with the model, or gives the 文种's skeleton saying why;
/// the draft's proofreading findings obey the unit's terms and ignore list.
pub fn draft(
    request: &DraftRequest,
    model: Available<'_>,
    options: &Options,
    on_event: &mut dyn FnMut(DraftEvent<'_>) -> Flow,
) -> Result<Drafted, AssistError> {
    let mut drafted = match model {
        Ok(model) => draft::draft(request, model, on_event)?,
        Err(why) => {
            let mut skeleton = draft::skeleton(request);
            skeleton
                .notices
                .insert(0, format!("{why}，先给出{}的框架", request.kind.name()));
            skeleton
        }
    };
    gongwen_proofread::filter(&drafted.text, &mut drafted.findings, options);
    Ok(drafted)
}

/// Polishes `text` in `style` with the model, or takes the proofreading
/// rules' fixes (as the unit's term lists allow) saying why; a style that
/// does not exist is refused either way.
pub fn polish(
    text: &str,
    style: &str,
    model: Available<'_>,
    options: &Options,
    on_text: &mut dyn FnMut(&str) -> Flow,
) -> Result<Polished, AssistError> {
    if !polish_modes().iter().any(|m| m.name == style) {
        return Err(AssistError::UnknownMode(style.to_owned()));
    }
    match model {
        Ok(model) => polish::polish(text, style, model, options, on_text),
        Err(why) => {
            let text = text.trim();
            if text.is_empty() {
                return Err(AssistError::EmptyInput);
            }
            let mut rules = polish::by_rules(text, style, options);
            rules
                .warnings
                .insert(0, format!("{why}，仅按校对规则给出修改"));
            Ok(rules)
        }
    }
}

/// Summarizes `text`: extracted sentences, condensed by the model when one
/// is ready; otherwise extracted only, saying why.
pub fn summarize(
    text: &str,
    model: Available<'_>,
    config: &SummaryConfig,
    on_step: &mut dyn FnMut(summary::Progress),
) -> Summary {
    match model {
        Ok(model) => summary::summarize(text, Some(model), config, on_step),
        Err(why) => {
            let mut summary = summary::summarize(text, None, config, on_step);
            summary
                .notices
                .insert(0, format!("{why}，按文档各部分摘录要句"));
            summary
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongwen_domain::DocKind;

    #[test]
    fn without_a_model_a_draft_is_the_skeleton_and_says_why() {
        let mut request = DraftRequest::new(DocKind::Notice, "做好防汛值守");
        request.elements.title = "关于布署防汛值守工作的通知".into();
        let misused_found = |options: &Options| {
            let drafted = draft(
                &request,
                Err("未安装模型".into()),
                options,
                &mut |_| Flow::Continue,
            )
            .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(drafted.notices[0], "未安装模型，先给出通知的框架");
            drafted.findings.iter().any(|f| f.rule == "typo.misused")
        };
        assert!(misused_found(&Options::default()));
        // The unit's ignore list holds in the draft's findings too.
        assert!(!misused_found(&Options {
            ignore: vec!["布署".into()],
            ..Options::default()
        }));
    }

    #[test]
    fn without_a_model_polish_takes_the_rules_fixes_and_refuses_unknown_styles() {
        let polished = polish(
            "截止2026年3月1日,共完成检查32次。",
            "润色",
            Err("模型仍在加载".into()),
            &Options::default(),
            &mut |_| Flow::Continue,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(polished.warnings[0], "模型仍在加载，仅按校对规则给出修改");
        assert_ne!(polished.suggestion, polished.original);
        let unknown = polish(
            "正文。",
            "写诗",
            Err("未安装模型".into()),
            &Options::default(),
            &mut |_| Flow::Continue,
        );
        assert!(matches!(unknown, Err(AssistError::UnknownMode(_))));
    }

    #[test]
    fn without_a_model_a_summary_extracts_and_says_why() {
        let text = "关于做好冬季防火工作的通知\n各区应急管理局：\n一、12月10日前各单位完成防火检查。\n二、检查结果报市应急管理局。";
        let summary = summarize(
            text,
            Err("未安装模型".into()),
            &SummaryConfig::default(),
            &mut |_| {},
        );
        assert_eq!(summary.mode, gongwen_assist::Mode::Extractive);
        assert_eq!(summary.notices[0], "未安装模型，按文档各部分摘录要句");
        assert!(!summary.points.is_empty());
    }
}
