//! Our engine, measured the way llama-bench measures llama.cpp: pp512 (a
//! 512-token prompt) and tg128 (128 generated tokens), same model, same
//! threads. Plus time-to-first-token for a long Chinese prompt, cold and
//! with the KV prefix reused.

use std::{path::Path, sync::atomic::AtomicBool};

use gongwen_engine::{
    ContextConfig, GenerateRequest, Overflow, Prompt, PromptFeeding, SamplingParams, Session,
    backend,
};
use llama_cpp_2::model::{LlamaModel, params::LlamaModelParams};

use crate::BenchError;

#[derive(Debug, Clone, Default)]
pub struct EngineFigures {
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

pub fn measure(
    model_path: &Path,
    threads: i32,
    repetitions: usize,
) -> Result<EngineFigures, BenchError> {
    let engine_error = |e: &dyn std::fmt::Display| BenchError::Engine(e.to_string());
    let backend = backend().map_err(|e| engine_error(&e))?;
    let model = LlamaModel::load_from_file(backend, model_path, &LlamaModelParams::default())
        .map_err(|e| engine_error(&e))?;
    let config = ContextConfig {
        n_ctx: 4096,
        n_batch: 512,
        n_threads: threads,
    };
    let never = AtomicBool::new(false);
    let mut figures = EngineFigures::default();
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
