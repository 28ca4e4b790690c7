//! Drafting a 文种's body from the user's brief.
//!
//! The structure (发文机关, 主送, 署名, 日期…) is data the user filled in;
//! the model writes the title (unless given), the 主送 line (if the type
//! takes one and none is given) and the body in the type's conventional
//! shape from `assets/assist/kinds.toml`. Its answer is checked (guard),
//! tidied of habits no 公文 has (Markdown, 此致敬礼, a numbered closing
//! line), parsed with 一键排版 and proofread. With no model the user gets
//! the type's skeleton with 【】 placeholders.

use gongwen_domain::{
    DocKind, Document, Element, ElementIssue, Presence, WrittenDate, check_elements, structure,
    to_plain_text,
};
use gongwen_proofread::{Category, Finding, Severity};
use serde::Serialize;

use crate::{AssistError, Completion, Finish, Flow, Mode, TextModel, guard, prompts};

#[derive(Debug, Clone, PartialEq)]
pub struct DraftRequest {
    pub kind: DocKind,
    /// The user's 要点: what the document must say.
    pub brief: String,
    /// Elements already filled in; their body is ignored.
    pub elements: Document,
    /// 成文日期 when the elements carry none (the caller's today).
    pub date: Option<WrittenDate>,
    /// Sample (varied drafts) or greedy (repeatable, for tests).
    pub creative: bool,
    /// The most tokens the model may write (a 公文 body fits in the default).
    pub max_tokens: u32,
}

/// Enough for a two-page 公文 body.
pub const DRAFT_MAX_TOKENS: u32 = 1200;

impl DraftRequest {
    pub fn new(kind: DocKind, brief: &str) -> DraftRequest {
        DraftRequest {
            kind,
            brief: brief.to_owned(),
            elements: Document::new(kind),
            date: None,
            creative: true,
            max_tokens: DRAFT_MAX_TOKENS,
        }
    }

    /// The 发文机关 as a name: the 标志 without 文件, else the 署名.
    pub fn issuer(&self) -> Option<String> {
        self.elements
            .issuer_marks
            .first()
            .map(|m| m.trim_end_matches("文件").to_owned())
            .or_else(|| self.elements.signature.first().cloned())
            .filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drafted {
    pub mode: Mode,
    pub document: Document,
    /// The whole document as plain text, as proofread.
    pub text: String,
    pub findings: Vec<Finding>,
    pub element_issues: Vec<ElementIssue>,
    /// Which structure checks the draft fails (empty = passes).
    pub structure_problems: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// The model's answer as written, before tidying.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    pub generated_tokens: usize,
    pub tokens_per_second: f64,
}

/// The prompt for a request.
pub fn prompt(request: &DraftRequest) -> String {
    let kind = request.kind;
    let word = prompts::title_word(kind);
    let guide = prompts::guide(kind);
    let issuer = request.issuer();
    let mut elements = String::new();
    if let Some(issuer) = &issuer {
        elements.push_str(&format!("发文机关：{issuer}\n"));
    }
    if !request.elements.recipients.is_empty() {
        elements.push_str(&format!(
            "主送机关：{}\n",
            request.elements.recipients.join("、")
        ));
    }
    if !request.elements.title.is_empty() {
        elements.push_str(&format!("标题：{}\n", request.elements.title));
    }
    let title_rule = if request.elements.title.is_empty() {
        format!(
            "，格式为“{}关于……的{word}”",
            issuer.as_deref().unwrap_or("发文机关")
        )
    } else {
        format!("，照抄“{}”", request.elements.title)
    };
    let recipient_rule = match (
        kind.presence(Element::Recipients),
        request.elements.recipients.is_empty(),
    ) {
        (Presence::NotUsed, _) => "这类公文没有主送机关，标题之后直接写正文。".to_owned(),
        (_, false) => format!(
            "第二行写主送机关“{}：”。",
            request.elements.recipients.join("、")
        ),
        (_, true) => "第二行写主送机关，末尾用全角冒号“：”。".to_owned(),
    };
    let closing_rule = match guide.and_then(|g| g.closing.first()) {
        Some(closing) if kind == DocKind::Request => {
            format!("全文只请示一件事。正文最后单独一段写结语“{closing}”，结语前不加序号。")
        }
        Some(closing) => format!("正文最后单独一段写结语“{closing}”，结语前不加序号。"),
        None => "不写“特此通知”之类的结语。".to_owned(),
    };
    prompts::fill(
        prompts::DRAFT,
        &[
            ("kind", kind.name()),
            ("elements", elements.trim_end()),
            ("brief", &prompts::as_material(request.brief.trim())),
            ("shape", guide.map(|g| g.shape.as_str()).unwrap_or("")),
            ("skeleton", guide.map(|g| g.skeleton.trim()).unwrap_or("")),
            ("title_rule", &title_rule),
            ("recipient_rule", &recipient_rule),
            ("closing_rule", &closing_rule),
        ],
    )
}

/// No model: the type's skeleton with placeholders, around the user's
/// elements.
pub fn skeleton(request: &DraftRequest) -> Drafted {
    let kind = request.kind;
    let body = prompts::guide(kind)
        .map(|g| g.skeleton.trim())
        .unwrap_or("【正文】");
    let mut doc = base_document(request);
    if doc.title.is_empty() {
        doc.title = format!(
            "{}关于【事由】的{}",
            request
                .issuer()
                .unwrap_or_else(|| "【发文机关】".to_owned()),
            prompts::title_word(kind)
        );
    }
    if doc.recipients.is_empty() && kind.presence(Element::Recipients) != Presence::NotUsed {
        doc.recipients.push("【主送机关】".to_owned());
    }
    let parsed = structure(&format!("{}\n{body}", doc.title), Some(kind)).document;
    doc.body = parsed.body;
    let mut drafted = finish(doc, Mode::Skeleton);
    drafted
        .notices
        .push("未使用模型：以下是该文种的结构模板，【】处请按实际内容填写".to_owned());
    drafted
}

/// Drafts with the model, streaming its text to `on_text`. If the model is
/// not there or its worker dies, the skeleton comes back with a notice.
pub fn draft(
    request: &DraftRequest,
    model: &dyn TextModel,
    on_text: &mut dyn FnMut(&str) -> Flow,
) -> Result<Drafted, AssistError> {
    let mut discarded = Vec::new();
    // A discarded answer gets one more try with a fresh canary (which
    // changes the prompt, so even greedy decoding takes another path).
    let done = loop {
        let canary = guard::new_canary();
        let system = prompts::system(&canary);
        let completion = Completion {
            system: system.clone(),
            user: prompt(request),
            answer_prefix: String::new(),
            max_tokens: request.max_tokens,
            creative: request.creative,
            stop: vec![prompts::CLOSE.to_owned()],
            background: false,
        };
        let done = match model.complete(&completion, on_text) {
            Ok(done) => done,
            Err(e) if e.is_unavailable() => {
                let mut drafted = skeleton(request);
                drafted.notices.insert(0, format!("模型不可用（{e}）"));
                return Ok(drafted);
            }
            Err(e) => return Err(e.into()),
        };
        let problem = guard::check_output(&done.text, &system, &canary)
            .into_iter()
            .find(guard::OutputProblem::is_fatal);
        match problem {
            None => break done,
            Some(problem) if discarded.is_empty() && done.finish != Finish::Stopped => {
                on_text("\n\n（上一稿未通过安全检查，已丢弃，重新生成）\n\n");
                discarded.push(problem.message());
            }
            Some(problem) => return Err(AssistError::Unsafe(problem.message())),
        }
    };
    let tidy = tidy(&done.text, request.kind);
    let parsed = structure(&tidy, Some(request.kind)).document;
    let mut doc = base_document(request);
    if doc.title.is_empty() {
        doc.title = parsed.title;
    }
    if doc.recipients.is_empty() && request.kind.presence(Element::Recipients) != Presence::NotUsed
    {
        doc.recipients = parsed.recipients;
    }
    doc.body = parsed.body;
    let mut drafted = finish(doc, Mode::Model);
    if drafted.text.contains('【') {
        drafted
            .notices
            .push("稿中还有【】占位内容，请补全".to_owned());
    }
    match done.finish {
        Finish::Stopped => drafted
            .notices
            .push("已停止：以下是停止前生成的部分".to_owned()),
        Finish::Length => drafted
            .notices
            .push("篇幅达到上限，正文可能不完整".to_owned()),
        Finish::Repetition => drafted.notices.push("模型输出出现重复，已截断".to_owned()),
        Finish::Done => {}
    }
    for why in discarded {
        drafted
            .notices
            .push(format!("第一稿未通过安全检查（{why}），已丢弃并重新生成"));
    }
    drafted.raw = Some(done.text);
    drafted.generated_tokens = done.generated_tokens;
    drafted.tokens_per_second = done.tokens_per_second;
    Ok(drafted)
}

fn base_document(request: &DraftRequest) -> Document {
    let mut doc = request.elements.clone();
    doc.kind = request.kind;
    doc.body.clear();
    if doc.signature.is_empty()
        && request.kind.presence(Element::Signature) != Presence::NotUsed
        && let Some(issuer) = request.issuer()
    {
        doc.signature.push(issuer);
    }
    if doc.date.is_none() {
        doc.date = request.date;
    }
    doc
}

fn finish(document: Document, mode: Mode) -> Drafted {
    let text = to_plain_text(&document);
    let findings = gongwen_proofread::check(&text);
    let element_issues = check_elements(&document);
    let structure_problems = structure_problems(&document, &findings, &element_issues);
    Drafted {
        mode,
        document,
        text,
        findings,
        element_issues,
        structure_problems,
        notices: Vec::new(),
        raw: None,
        generated_tokens: 0,
        tokens_per_second: 0.0,
    }
}

/// The structure checks a draft must pass: a body, a title that ends with
/// the 文种, the required elements, and no structure or 文种 rule finding
/// (numbering in order, 请示 with one matter and a closing request, no
/// request in a 报告…).
pub fn structure_problems(
    doc: &Document,
    findings: &[Finding],
    element_issues: &[ElementIssue],
) -> Vec<String> {
    let mut out = Vec::new();
    if doc.body.is_empty() {
        out.push("没有正文".to_owned());
    }
    let word = prompts::title_word(doc.kind);
    if doc.title.is_empty() {
        out.push("没有标题".to_owned());
    } else if !doc.title.ends_with(word) {
        out.push(format!("标题没有以“{word}”结尾"));
    }
    for issue in element_issues {
        if issue.presence == Presence::Required {
            out.push(issue.message.clone());
        }
    }
    for f in findings {
        if matches!(f.category, Category::Structure | Category::KindRule)
            && f.severity >= Severity::Warning
        {
            out.push(format!("{}（{}）", f.message, f.rule));
        }
    }
    out
}

/// Model habits no 公文 has: Markdown marks, labels such as "标题：",
/// 此致/敬礼, a number before the closing line, a signature and date (the
/// elements carry those).
pub fn tidy(text: &str, kind: DocKind) -> String {
    let guide = prompts::guide(kind);
    let closings: &[String] = guide.map(|g| g.closing.as_slice()).unwrap_or(&[]);
    let placeholders = guide.map(|g| placeholders(&g.skeleton)).unwrap_or_default();
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut l = line.trim().trim_start_matches('#').trim().replace("**", "");
        if l.starts_with("```") || l.is_empty() {
            continue;
        }
        // A whole line in 【】: the outline's placeholder copied as it
        // stands (dropped), or a real line the model bracketed (kept).
        let bare = l.trim_end_matches(['：', ':']);
        if bare.starts_with('【') && bare.ends_with('】') && bare.matches('【').count() == 1 {
            let inner = &bare['【'.len_utf8()..bare.len() - '】'.len_utf8()];
            if placeholders.iter().any(|p| p == inner) || inner.contains("……") {
                continue;
            }
            l = inner.to_owned();
        }
        for label in ["标题：", "主送机关：", "正文：", "主送：", "结语："] {
            if let Some(rest) = l.strip_prefix(label)
                && !rest.is_empty()
            {
                l = if label == "主送机关：" || label == "主送：" {
                    format!("{}：", rest.trim_end_matches(['：', ':']))
                } else {
                    rest.to_owned()
                };
            }
        }
        if ["此致", "敬礼", "此致敬礼", "此致，敬礼！", "敬礼！"].contains(&l.as_str())
        {
            continue;
        }
        let unnumbered = strip_number(&l);
        // "四、结语：" heads nothing but the closing line.
        if ["结语", "结语：", "结束语：", "结尾："].contains(&unnumbered) {
            continue;
        }
        if let Some(closing) = closings
            .iter()
            .find(|c| unnumbered == c.as_str() || unnumbered == c.trim_end_matches('。'))
        {
            l = closing.clone();
        }
        lines.push(l);
    }
    lines.join("\n")
}

/// The 【…】 contents of a skeleton.
fn placeholders(skeleton: &str) -> Vec<String> {
    skeleton
        .split('【')
        .skip(1)
        .filter_map(|s| s.split_once('】').map(|(p, _)| p.to_owned()))
        .collect()
}

fn strip_number(line: &str) -> &str {
    let rest = line.trim_start_matches(|c: char| "一二三四五六七八九十0123456789".contains(c));
    if rest.len() == line.len() {
        return line;
    }
    rest.strip_prefix('、')
        .or_else(|| rest.strip_prefix('.'))
        .or_else(|| rest.strip_prefix('．'))
        .unwrap_or(line)
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> DraftRequest {
        let mut r = DraftRequest::new(DocKind::Request, "申请拨付校舍维修资金800万元");
        r.elements.issuer_marks.push("某市教育局文件".to_owned());
        r.elements.recipients.push("某市人民政府".to_owned());
        r.date = Some(WrittenDate {
            year: 2026,
            month: 3,
            day: 2,
        });
        r
    }

    #[test]
    fn prompt_carries_the_kind_the_elements_and_the_fenced_brief() {
        let p = prompt(&request());
        assert!(p.contains("起草一份请示"));
        assert!(p.contains("发文机关：某市教育局"));
        assert!(p.contains("第二行写主送机关“某市人民政府：”"));
        assert!(p.contains("妥否，请批示。") && p.contains("只请示一件事"));
        assert!(p.contains("<<<材料开始>>>\n申请拨付校舍维修资金800万元\n<<<材料结束>>>"));
        let notice = prompt(&DraftRequest::new(DocKind::PublicNotice, "x"));
        assert!(notice.contains("没有主送机关"));
    }

    #[test]
    fn every_skeleton_has_its_parts_and_says_so() {
        for kind in DocKind::ALL {
            let mut r = DraftRequest::new(kind, "");
            r.elements.issuer_marks.push("某市人民政府".to_owned());
            let d = skeleton(&r);
            assert_eq!(d.mode, Mode::Skeleton);
            assert!(!d.document.body.is_empty(), "{}", kind.name());
            assert!(
                d.document.title.ends_with(prompts::title_word(kind)),
                "{}",
                d.document.title
            );
            assert!(d.text.contains('【') && !d.notices.is_empty());
        }
    }

    #[test]
    fn tidy_removes_model_habits() {
        let raw = "**某市教育局关于申请维修资金的请示**\n主送机关：某市人民政府\n一、缘由。\n【请示的事项：请求批准或解决的一件事，写明数额、范围、时间】：\n四、妥否，请批示\n此致\n敬礼";
        assert_eq!(
            tidy(raw, DocKind::Request),
            "某市教育局关于申请维修资金的请示\n某市人民政府：\n一、缘由。\n妥否，请批示。"
        );
        let bracketed = "【某县农业农村局关于举办丰收节活动的请示】\n【主送机关：某县人民政府：】\n三、请示事项：\n拟举办。\n四、结语：\n妥否，请批示。";
        assert_eq!(
            tidy(bracketed, DocKind::Request),
            "某县农业农村局关于举办丰收节活动的请示\n某县人民政府：\n三、请示事项：\n拟举办。\n妥否，请批示。"
        );
    }

    #[test]
    fn structure_problems_name_what_is_wrong() {
        let mut doc = base_document(&request());
        doc.title = "某市教育局关于维修资金的报告".to_owned();
        let text = to_plain_text(&doc);
        let findings = gongwen_proofread::check(&text);
        let problems = structure_problems(&doc, &findings, &check_elements(&doc));
        assert!(problems.iter().any(|p| p.contains("没有正文")));
        assert!(problems.iter().any(|p| p.contains("请示")), "{problems:?}");
    }
}
