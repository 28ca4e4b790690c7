use std::{io::Write, process::ExitCode};

use clap::Args;
use gongwen_engine::{
    ChatMessage, ContextConfig, Engine, EngineRequest, GenerationEvent, Input, LoadRequest,
    ModelIdentity, Overflow, PromptFeeding, SamplingParams, StopReason, TokenBan,
};

use crate::Failure;

/// `gongwen generate`: a debugging aid that streams a model's answer.
#[derive(Args)]
pub struct GenerateArgs {
    /// 模型：default、test，或 GGUF 文件路径
    #[arg(long, default_value = "default")]
    model: String,
    /// 允许加载模型清单中没有登记的 GGUF 文件（会显示其 SHA-256）
    #[arg(long)]
    allow_unregistered: bool,
    /// 系统提示（仅用于有对话模板的模型）
    #[arg(long)]
    system: Option<String>,
    /// 最多生成的词元数
    #[arg(long, default_value_t = 256)]
    max_tokens: u32,
    /// 采样温度；0 为贪心解码（结果确定）
    #[arg(long, default_value_t = 0.0)]
    temperature: f32,
    #[arg(long, default_value_t = 0)]
    seed: u32,
    /// 线程数（默认：物理核心数）
    #[arg(long)]
    threads: Option<i32>,
    /// 上下文长度（词元）
    #[arg(long, default_value_t = 4096)]
    ctx: u32,
    /// 按续写方式生成（即使模型有对话模板）：提示原样作为正文开头
    #[arg(long)]
    raw: bool,
    /// 不生成拉丁字母、Markdown 符号和【】（起草公文时的设置）
    #[arg(long)]
    prose: bool,
    /// 提示文本；以 @ 开头时读取该文件
    prompt: String,
}

/// Resolves `--model`; an unregistered file needs `--allow-unregistered`.
pub fn load_request(
    model: &str,
    allow_unregistered: bool,
    context: ContextConfig,
) -> Result<LoadRequest, Failure> {
    LoadRequest::resolve(model, allow_unregistered, context).map_err(|e| {
        let mut failure = Failure::from(e);
        if failure.code == "model-unregistered" {
            failure
                .message
                .push_str("。若确认要加载这个 GGUF 文件，请加 --allow-unregistered");
        }
        failure
    })
}

/// Starts the engine and waits for the model; a failure becomes a `Failure`.
pub fn ready_engine(request: LoadRequest) -> Result<(Engine, gongwen_engine::ModelInfo), Failure> {
    let unregistered = matches!(
        request.identity,
        ModelIdentity::Unregistered | ModelIdentity::Consented { .. }
    );
    let (engine, info) = Engine::start_ready(request).map_err(|e| Failure {
        code: e.code,
        message: e.message,
    })?;
    if unregistered {
        eprintln!(
            "注意：加载未登记模型 {}（SHA-256 {}）",
            info.file, info.sha256
        );
    }
    Ok((engine, info))
}

pub fn run(args: GenerateArgs) -> Result<ExitCode, Failure> {
    let mut context = ContextConfig::for_this_machine();
    context.n_ctx = args.ctx;
    if let Some(threads) = args.threads {
        context.n_threads = threads;
    }
    let prompt = match args.prompt.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).map_err(|e| Failure {
            code: "io".to_owned(),
            message: format!("无法读取提示文件 {path}：{e}"),
        })?,
        None => args.prompt.clone(),
    };
    let (engine, info) =
        ready_engine(load_request(&args.model, args.allow_unregistered, context)?)?;
    let input = if info.has_chat_template && !args.raw {
        let mut messages = Vec::new();
        if let Some(system) = args.system {
            messages.push(ChatMessage::system(system));
        }
        messages.push(ChatMessage::user(prompt));
        Input::Messages(messages)
    } else {
        if !args.raw {
            eprintln!("注意：{} 没有对话模板，按续写方式生成", info.display_name);
        }
        Input::Text(prompt)
    };
    let mut sampling = if args.temperature > 0.0 {
        SamplingParams {
            temperature: args.temperature,
            ..SamplingParams::drafting(args.seed)
        }
    } else {
        SamplingParams::greedy()
    };
    if args.prose {
        sampling.ban = TokenBan::Prose;
    }
    let mut generation = engine.generate(EngineRequest {
        input,
        max_tokens: args.max_tokens,
        stop: Vec::new(),
        sampling,
        overflow: Overflow::Error,
        prompt_feeding: PromptFeeding::FullBatches,
    });
    let mut stdout = std::io::stdout().lock();
    let io_error = |e: std::io::Error| Failure {
        code: "io".to_owned(),
        message: e.to_string(),
    };
    while let Some(event) = generation.next_event() {
        match event {
            GenerationEvent::Text(text) => {
                stdout.write_all(text.as_bytes()).map_err(io_error)?;
                stdout.flush().map_err(io_error)?;
            }
            GenerationEvent::Progress { .. } => {}
            GenerationEvent::Done(report) => {
                writeln!(stdout).map_err(io_error)?;
                eprintln!(
                    "—— {} 个提示词元（复用 {}），生成 {} 个词元，{:.1} 词元/秒，首词元 {:.0} 毫秒，平均对数概率 {:.3}，结束原因：{}",
                    report.prompt_tokens,
                    report.reused_prompt_tokens,
                    report.generated_tokens,
                    report.tokens_per_second(),
                    report.time_to_first_token_ms,
                    report.logprob / report.generated_tokens.max(1) as f64,
                    stop_reason_label(report.stop_reason),
                );
                return Ok(ExitCode::SUCCESS);
            }
            GenerationEvent::Failed { code, message } => return Err(Failure::new(&code, message)),
        }
    }
    Err(Failure {
        code: "engine-gone".to_owned(),
        message: "模型线程意外退出".to_owned(),
    })
}

fn stop_reason_label(reason: StopReason) -> &'static str {
    match reason {
        StopReason::EndOfGeneration => "模型结束",
        StopReason::MaxTokens => "达到长度上限",
        StopReason::StopString => "遇到停止词",
        StopReason::Repetition => "检测到重复循环",
        StopReason::Cancelled => "已取消",
        StopReason::ContextFull => "上下文已满",
    }
}
