//! The engine, measured the way llama-bench measures llama.cpp: pp512 (a
//! 512-token prompt) and tg128 (128 generated tokens), same model, same
//! threads. Plus time-to-first-token for a long Chinese prompt, cold and
//! with the KV prefix reused.
//!
//! It runs inside a worker (`<worker> speed MODEL THREADS REPETITIONS`,
//! figures as JSON on stdout), so what is measured is the build of
//! llama.cpp the host would start on this CPU (`crate::cpu`).

use std::{path::Path, process::ExitCode, sync::atomic::AtomicBool};

use llama_cpp_2::model::{LlamaModel, params::LlamaModelParams};
use serde::{Deserialize, Serialize};

use crate::{
    ContextConfig, GenerateRequest, Overflow, Prompt, PromptFeeding, SamplingParams, Session,
    WorkerCommand, backend, cpu::CpuLevel,
};

/// The argument that turns a worker into this measurement.
pub const SPEED_ARG: &str = "speed";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EngineFigures {
    /// The level of the kernels measured (`x86-64-v4`).
    pub kernels: String,
    /// Prompt tokens/s, prompt fed in full batches (llama-bench's way).
    pub pp512: Vec<f64>,
    /// Prompt tokens/s as interactive requests feed it (cancellable chunks).
    pub pp512_cancellable: Vec<f64>,
    /// Generated tokens/s, sampling and detokenizing included.
    pub tg128: Vec<f64>,
    pub ttft_cold_ms: Vec<f64>,
    pub ttft_reused_ms: Vec<f64>,
    pub long_prompt_tokens: usize,
}

/// Text that is long enough for any prompt length we need.
fn filler(chars: usize) -> String {
    const PARAGRAPH: &str = "为深入贯彻落实党中央、国务院关于优化营商环境的决策部署，进一步提升政务服务效能，\
        现就有关事项通知如下：一、各地区各部门要高度重视，加强组织领导，明确责任分工，\
        确保各项任务落到实处。二、要坚持问题导向，聚焦企业和群众反映强烈的突出问题，\
        制定务实管用的措施。三、要加强督促检查，及时总结推广好的经验做法。";
    PARAGRAPH.chars().cycle().take(chars).collect()
}

fn request(prompt: String, max_tokens: u32, feeding: PromptFeeding) -> GenerateRequest {
    GenerateRequest {
        prompt: Prompt::Text(prompt),
        max_tokens,
        stop: Vec::new(),
        sampling: SamplingParams::greedy(),
        overflow: Overflow::Error,
        run_to_max_tokens: true,
        prompt_feeding: feeding,
    }
}

/// Text whose tokenization is about `tokens` tokens long.
fn prompt_of(model: &LlamaModel, tokens: usize) -> String {
    let text = filler(tokens * 3);
    let ids = model.vocab().tokenize(text.as_bytes(), false, false);
    let cut = &ids[..tokens.min(ids.len())];
    let bytes: Vec<u8> = cut
        .iter()
        .flat_map(|t| model.vocab().token_to_piece(*t, false, None))
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Runs the measurement in `worker` and reads its figures.
pub fn measure_in(
    worker: &WorkerCommand,
    model_path: &Path,
    threads: i32,
    repetitions: usize,
) -> Result<EngineFigures, String> {
    let output = std::process::Command::new(&worker.program)
        .args(&worker.args)
        .arg(SPEED_ARG)
        .arg(model_path)
        .arg(threads.to_string())
        .arg(repetitions.to_string())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("无法启动模型进程：{e}"))?;
    if !output.status.success() {
        return Err(format!("模型进程测速失败（{}）", output.status));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("测速结果无法解析：{e}"))
}

/// The worker's side: `args` are what follows [`SPEED_ARG`].
pub(crate) fn speed_main(args: &[String]) -> ExitCode {
    use std::io::Write;
    let result = speed_json(args);
    let written = match &result {
        Ok(json) => writeln!(std::io::stdout(), "{json}"),
        Err(e) => writeln!(std::io::stderr(), "{e}"),
    };
    match (result, written) {
        (Ok(_), Ok(())) => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

fn speed_json(args: &[String]) -> Result<String, String> {
    let [model, threads, repetitions] = args else {
        return Err("用法：speed 模型文件 线程数 轮数".to_owned());
    };
    let (Ok(threads), Ok(repetitions)) = (threads.parse(), repetitions.parse()) else {
        return Err("线程数与轮数须为整数".to_owned());
    };
    let figures = measure(Path::new(model), threads, repetitions)?;
    serde_json::to_string(&figures).map_err(|e| e.to_string())
}

/// Measures in this process.
pub fn measure(
    model_path: &Path,
    threads: i32,
    repetitions: usize,
) -> Result<EngineFigures, String> {
    let engine_error = |e: &dyn std::fmt::Display| e.to_string();
    let backend = backend().map_err(|e| engine_error(&e))?;
    let model = LlamaModel::load_from_file(backend, model_path, &LlamaModelParams::default())
        .map_err(|e| engine_error(&e))?;
    let config = ContextConfig {
        n_ctx: 4096,
        n_batch: 512,
        n_threads: threads,
    };
    let never = AtomicBool::new(false);
    let mut figures = EngineFigures {
        kernels: CpuLevel::built_name().to_owned(),
        ..EngineFigures::default()
    };
    let pp_prompt = prompt_of(&model, 512);

    for _ in 0..repetitions {
        for (feeding, out) in [
            (PromptFeeding::FullBatches, &mut figures.pp512),
            (PromptFeeding::Cancellable, &mut figures.pp512_cancellable),
        ] {
            // A fresh context each time: nothing cached, as in llama-bench.
            let mut session =
                Session::new(backend, &model, config).map_err(|e| engine_error(&e))?;
            let report = session
                .generate(&request(pp_prompt.clone(), 1, feeding), &never, &mut |_| {})
                .map_err(|e| engine_error(&e))?;
            out.push(report.prompt_tokens as f64 * 1000.0 / report.prompt_eval_ms);
        }

        let mut session = Session::new(backend, &model, config).map_err(|e| engine_error(&e))?;
        let report = session
            .generate(
                &request("关于".to_owned(), 128, PromptFeeding::FullBatches),
                &never,
                &mut |_| {},
            )
            .map_err(|e| engine_error(&e))?;
        figures.tg128.push(report.tokens_per_second());

        // Time to first token: a ~1,000-token document, then the same
        // document with another question.
        let document = prompt_of(&model, 1000);
        let mut session = Session::new(backend, &model, config).map_err(|e| engine_error(&e))?;
        let ask = |session: &mut Session<'_>, question: &str| {
            let mut req = request(
                format!("{document}\n问：{question}\n答："),
                1,
                PromptFeeding::FullBatches,
            );
            req.run_to_max_tokens = false;
            session
                .generate(&req, &never, &mut |_| {})
                .map_err(|e| engine_error(&e))
        };
        let cold = ask(&mut session, "这份通知的主要要求是什么？")?;
        let reused = ask(&mut session, "落实责任由谁承担？")?;
        figures.long_prompt_tokens = cold.prompt_tokens;
        figures.ttft_cold_ms.push(cold.time_to_first_token_ms);
        figures.ttft_reused_ms.push(reused.time_to_first_token_ms);
    }
    Ok(figures)
}
