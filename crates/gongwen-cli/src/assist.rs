//! `gongwen draft`, `summarize` and `polish`: the model's help, with the
//! model-free fallbacks when no model loads. Results are suggestions: they
//! print, nothing is saved or applied.

use std::{io::Write, path::PathBuf, process::ExitCode};

use clap::Args;
use gongwen_assist::{
    AssistError, Flow, Mode,
    draft::{DraftEvent, DraftRequest, Drafted, Exemplar},
    engine::EngineModel,
    polish::{Op, Polished},
    summary::{Summary, SummaryConfig},
};
use gongwen_domain::{DocKind, Document};
use gongwen_engine::{ContextConfig, Engine, ModelInfo};

use crate::{
    Failure,
    generate::{load_request, ready_engine},
    import::read_text_file,
};

/// `--model none`: the model-free path.
const NO_MODEL: &str = "none";

#[derive(Args)]
pub struct DraftArgs {
    /// 文种，如 通知、请示、函
    #[arg(long)]
    kind: String,
    /// 起草要点
    #[arg(long)]
    brief: String,
    /// 已填好的公文要素（gongwen import --json 的输出，或文档 JSON）
    #[arg(long)]
    from_json: Option<PathBuf>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
    /// 模型：none（不用模型，给出结构模板）、test、default，或 GGUF 文件路径
    #[arg(long, default_value = "default")]
    model: String,
    /// 贪心解码：同样的输入得到同样的稿子
    #[arg(long)]
    greedy: bool,
    #[arg(long, default_value_t = 0)]
    seed: u32,
    /// 模型最多生成的词元数（含重写）
    #[arg(long, default_value_t = gongwen_assist::draft::DRAFT_MAX_TOKENS)]
    max_tokens: u32,
    /// 参考范文：auto（草稿库中本单位的同类公文优先，其次内置范文）、builtin（只用内置范文）
    #[arg(long, default_value = "auto")]
    examples: String,
}

#[derive(Args)]
pub struct SummarizeArgs {
    /// 要摘要的文件（.txt、.md、.docx、.pdf）
    file: PathBuf,
    /// 输出 JSON：{"mode", "paragraphs", "points", "tasks", …}
    #[arg(long)]
    json: bool,
    /// 模型：none（抽取式摘要）、test、default，或 GGUF 文件路径
    #[arg(long, default_value = "default")]
    model: String,
    /// 最多几条要点（文档的每个部分各占一条，不受此限）
    #[arg(long, default_value_t = 20)]
    max_points: usize,
    /// 模型压缩一条要点时最多生成的词元数
    #[arg(long, default_value_t = 48)]
    max_tokens: u32,
}

#[derive(Args)]
pub struct PolishArgs {
    /// 润色方式：润色、精简、扩写、公文语体
    #[arg(long, default_value = "润色")]
    mode: String,
    /// 要修改的文字所在的文件
    file: PathBuf,
    #[arg(long)]
    json: bool,
    /// 模型：none（只用校对规则）、test、default，或 GGUF 文件路径
    #[arg(long, default_value = "default")]
    model: String,
}

/// The engine if `--model` names one that loads; otherwise why not (the
/// commands then fall back instead of failing).
fn optional_engine(model: &str) -> Result<Option<(Engine, ModelInfo)>, String> {
    if model == NO_MODEL {
        return Ok(None);
    }
    let request =
        load_request(model, true, ContextConfig::for_this_machine()).map_err(|f| f.message)?;
    ready_engine(request).map(Some).map_err(|f| f.message)
}

/// The engine `--model` names, loaded; otherwise why there is none, as the
/// fallback's notice says it.
fn available(model: &str) -> Result<(Engine, ModelInfo), String> {
    match optional_engine(model) {
        Ok(Some(engine)) => Ok(engine),
        Ok(None) => Err("按 --model none 不用模型".to_owned()),
        Err(why) => Err(format!("模型未能加载（{why}）")),
    }
}

fn assist_failure(e: AssistError) -> Failure {
    Failure::new(e.code(), e.to_string())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value).map_err(|e| Failure::new("internal", e.to_string()))
}

fn elements_from(path: &PathBuf) -> Result<Document, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::new("io", format!("无法读取 {}：{e}", path.display())))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        Failure::new(
            "draft-json",
            format!("{} 不是有效的 JSON：{e}", path.display()),
        )
    })?;
    let doc = value.get("document").cloned().unwrap_or(value);
    serde_json::from_value(doc).map_err(|e| {
        Failure::new(
            "draft-json",
            format!("{} 中的公文要素无法识别：{e}", path.display()),
        )
    })
}

pub fn draft(args: DraftArgs) -> Result<ExitCode, Failure> {
    let kind: DocKind = args
        .kind
        .parse()
        .map_err(|e: gongwen_domain::UnknownDocKind| Failure::new("draft-kind", e.to_string()))?;
    let mut request = DraftRequest::new(kind, &args.brief);
    if let Some(path) = &args.from_json {
        request.elements = elements_from(path)?;
    }
    request.date = Some(gongwen_desk::clock::today());
    request.creative = !args.greedy;
    request.max_tokens = args.max_tokens;
    let mut notices = Vec::new();
    request.examples = Some(examples_for(
        &args.examples,
        kind,
        &args.brief,
        &mut notices,
    )?);
    let engine = available(&args.model);
    let model = engine.as_ref().map(|(engine, info)| {
        EngineModel::new(engine, info.has_chat_template).with_seed(args.seed)
    });
    let mut stderr = std::io::stderr();
    let mut drafted: Drafted = gongwen_desk::assist::draft(
        &request,
        gongwen_desk::assist::available(&model),
        &crate::terms::options_from_store(),
        &mut |event| {
            let _ = match event {
                DraftEvent::Text(piece) => stderr.write_all(piece.as_bytes()),
                DraftEvent::Reset { why: "", .. } => Ok(()),
                DraftEvent::Reset { why, .. } => {
                    stderr.write_all(format!("\n（以上一段未通过检查：{why}；重写）\n").as_bytes())
                }
            };
            Flow::Continue
        },
    )
    .map_err(assist_failure)?;
    eprintln!();
    notices.append(&mut drafted.notices);
    drafted.notices = notices;
    if args.json {
        println!("{}", to_json(&drafted)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    out.push_str(&format!(
        "【{}】建议稿，请审阅后使用\n",
        mode_name(drafted.mode)
    ));
    for n in &drafted.notices {
        out.push_str(&format!("注意：{n}\n"));
    }
    out.push('\n');
    out.push_str(&drafted.text);
    out.push('\n');
    if !drafted.examples.is_empty() {
        let titles: Vec<&str> = drafted.examples.iter().map(|e| e.title.as_str()).collect();
        out.push_str(&format!("\n参考范文：{}\n", titles.join("；")));
    }
    if !drafted.removed.is_empty() {
        out.push_str(&format!(
            "\n已删去模型稿中不合规的内容 {} 处：\n",
            drafted.removed.len()
        ));
        for r in &drafted.removed {
            out.push_str(&format!("  - {r}\n"));
        }
    }
    if !drafted.added.is_empty() {
        out.push_str(&format!(
            "\n已补入模型遗漏的要点原文 {} 处：{}\n",
            drafted.added.len(),
            drafted.added.join("；")
        ));
    }
    if !drafted.structure_problems.is_empty() {
        out.push_str("\n核稿检查：\n");
        for p in &drafted.structure_problems {
            out.push_str(&format!("  - {p}\n"));
        }
    }
    if !drafted.findings.is_empty() {
        out.push_str(&format!(
            "\n校对：{} 处建议（gongwen check 可逐条查看）\n",
            drafted.findings.len()
        ));
    }
    if drafted.generated_tokens > 0 {
        out.push_str(&format!(
            "\n生成 {} 个词元，{:.1} 词元/秒\n",
            drafted.generated_tokens, drafted.tokens_per_second
        ));
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// The examples a draft is written from: with `auto`, the unit's own alike
/// documents when the store opens here, then the built-in ones.
fn examples_for(
    choice: &str,
    kind: DocKind,
    brief: &str,
    notices: &mut Vec<String>,
) -> Result<Vec<Exemplar>, Failure> {
    let store = match choice {
        "builtin" => None,
        "auto" if gongwen_store::database_path(&gongwen_store::data_dir_from_env()).exists() => {
            match crate::drafts::open_store_quietly() {
                Ok(store) => Some(store),
                Err(f) => {
                    notices.push(format!("未能打开草稿库（{}），只用内置范文", f.message));
                    None
                }
            }
        }
        "auto" => None,
        other => {
            return Err(Failure::new(
                "draft-examples",
                format!("未知的范文来源“{other}”，可选：auto、builtin"),
            ));
        }
    };
    gongwen_desk::drafting::chosen_examples(store.as_ref(), kind, brief, None)
        .map_err(|e| Failure::new(e.code(), e.to_string()))
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Model => "模型起草",
        Mode::Skeleton => "结构模板",
        Mode::Extractive => "抽取式摘要",
        Mode::Rules => "校对规则",
    }
}

pub fn summarize(args: SummarizeArgs) -> Result<ExitCode, Failure> {
    let text = read_text_file(&args.file)?;
    if text.trim().is_empty() {
        return Err(assist_failure(AssistError::EmptyInput));
    }
    let config = SummaryConfig {
        max_points: args.max_points.clamp(1, 30),
        condense_tokens: args.max_tokens.clamp(8, 256),
        ..SummaryConfig::default()
    };
    let engine = available(&args.model);
    let model = engine
        .as_ref()
        .map(|(engine, info)| EngineModel::new(engine, info.has_chat_template));
    let summary: Summary = gongwen_desk::assist::summarize(
        &text,
        gongwen_desk::assist::available(&model),
        &config,
        &mut |p| eprint!("\r摘要进度 {}/{}", p.step, p.steps),
    );
    if model.is_ok() {
        eprintln!();
    }
    if args.json {
        println!("{}", to_json(&summary)?);
        return Ok(ExitCode::SUCCESS);
    }
    let label = match summary.mode {
        Mode::Model => "摘录要句，模型压缩",
        other => mode_name(other),
    };
    let mut out = format!("【{label}】\n");
    for n in &summary.notices {
        out.push_str(&format!("注意：{n}\n"));
    }
    out.push_str("\n要点：\n");
    for (k, p) in summary.points.iter().enumerate() {
        let sources: Vec<String> = p.sources.iter().map(|i| format!("第{}段", i + 1)).collect();
        out.push_str(&format!(
            "{}. {}（{}）\n",
            k + 1,
            p.text,
            sources.join("、")
        ));
    }
    if !summary.tasks.is_empty() {
        out.push_str("\n任务｜时限｜责任单位｜出处\n");
        for t in &summary.tasks {
            let sources: Vec<String> = t.sources.iter().map(|i| format!("第{}段", i + 1)).collect();
            out.push_str(&format!(
                "{}｜{}｜{}｜{}\n",
                t.task,
                t.deadline.as_deref().unwrap_or("—"),
                t.owner.as_deref().unwrap_or("—"),
                sources.join("、")
            ));
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

pub fn polish(args: PolishArgs) -> Result<ExitCode, Failure> {
    let text = read_text_file(&args.file)?;
    let mut notices = Vec::new();
    let engine = available(&args.model);
    let model = engine
        .as_ref()
        .map(|(engine, info)| EngineModel::new(engine, info.has_chat_template));
    let mut polished: Polished = gongwen_desk::assist::polish(
        &text,
        &args.mode,
        gongwen_desk::assist::available(&model),
        &crate::terms::options_from_store(),
        &mut |_| Flow::Continue,
    )
    .map_err(assist_failure)?;
    notices.append(&mut polished.warnings);
    polished.warnings = notices;
    if args.json {
        println!("{}", to_json(&polished)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = format!(
        "【{}·{}】修改建议（[-删除-]{{+增加+}}）\n",
        mode_name(polished.mode),
        polished.style
    );
    for w in &polished.warnings {
        out.push_str(&format!("注意：{w}\n"));
    }
    out.push('\n');
    for op in &polished.ops {
        match op {
            Op::Equal(s) => out.push_str(s),
            Op::Delete(s) => out.push_str(&format!("[-{s}-]")),
            Op::Insert(s) => out.push_str(&format!("{{+{s}+}}")),
        }
    }
    out.push_str("\n\n修改稿：\n");
    out.push_str(&polished.suggestion);
    out.push('\n');
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
