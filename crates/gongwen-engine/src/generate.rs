//! Generation on a loaded model: tokenizing prompts safely, reusing the KV
//! cache across requests that share a prefix, sampling, streaming text, and
//! stopping (end-of-generation, stop strings, loops, limits, cancellation).

use std::{
    num::NonZeroU32,
    sync::atomic::{AtomicBool, Ordering},
    time::Instant,
};

use llama_cpp_2::{
    context::{LlamaContext, params::LlamaContextParams},
    llama_backend::LlamaBackend,
    llama_batch::LlamaBatch,
    model::LlamaModel,
    sampling::LlamaSampler,
    token::{LlamaToken, logit_bias::LlamaLogitBias},
};
use serde::{Deserialize, Serialize};

use crate::{
    RenderedPrompt, Segment,
    text::{StopMatcher, StopScan, Utf8Stream, is_looping},
};

/// How the context is set up. llama-cpp-2's defaults are wrong for us: 4
/// threads (half speed on 2 cores) and a 512-token context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextConfig {
    pub n_ctx: u32,
    pub n_batch: u32,
    pub n_threads: i32,
}

impl ContextConfig {
    pub fn for_this_machine() -> ContextConfig {
        ContextConfig {
            n_ctx: 4096,
            n_batch: 512,
            n_threads: physical_cores() as i32,
        }
    }
}

/// llama.cpp runs best on physical cores; hyper-threads only contend.
pub fn physical_cores() -> usize {
    let logical = std::thread::available_parallelism().map_or(1, usize::from);
    let Ok(cpuinfo) = std::fs::read_to_string("/proc/cpuinfo") else {
        return logical;
    };
    let mut cores = std::collections::HashSet::new();
    let mut physical_id = "";
    for line in cpuinfo.lines() {
        if let Some((key, value)) = line.split_once(':') {
            match key.trim() {
                "physical id" => physical_id = value.trim(),
                "core id" => {
                    cores.insert((physical_id.to_owned(), value.trim().to_owned()));
                }
                _ => {}
            }
        }
    }
    if cores.is_empty() {
        logical
    } else {
        cores.len().min(logical)
    }
}

/// Sampling settings. `temperature <= 0` means greedy: deterministic, for
/// tests and for tasks that want the single most likely answer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SamplingParams {
    pub temperature: f32,
    pub top_k: i32,
    pub top_p: f32,
    pub min_p: f32,
    /// 1.0 = off.
    pub repeat_penalty: f32,
    pub repeat_last_n: i32,
    pub seed: u32,
    /// Tokens that are never sampled.
    #[serde(default)]
    pub ban: TokenBan,
}

/// Classes of tokens a request never wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TokenBan {
    #[default]
    None,
    /// Chinese prose for a 公文: no Latin letters, Markdown marks or 【】
    /// (a small model's habits that no 公文 has).
    Prose,
}

impl TokenBan {
    /// Whether a token's bytes fall in the class (a token may hold part
    /// of a character: bytes, not text).
    pub fn bans(self, bytes: &[u8]) -> bool {
        match self {
            TokenBan::None => false,
            TokenBan::Prose => {
                bytes
                    .iter()
                    .any(|b| b.is_ascii_alphabetic() || b"#*`|<>_~[]{}\\".contains(b))
                    || String::from_utf8_lossy(bytes).contains(['【', '】'])
            }
        }
    }
}

impl SamplingParams {
    pub fn greedy() -> SamplingParams {
        SamplingParams {
            temperature: 0.0,
            top_k: 1,
            top_p: 1.0,
            min_p: 0.0,
            repeat_penalty: 1.0,
            repeat_last_n: 0,
            seed: 0,
            ban: TokenBan::None,
        }
    }

    /// Moderate settings for drafting prose.
    pub fn drafting(seed: u32) -> SamplingParams {
        SamplingParams {
            temperature: 0.7,
            top_k: 40,
            top_p: 0.9,
            min_p: 0.05,
            repeat_penalty: 1.1,
            repeat_last_n: 256,
            seed,
            ban: TokenBan::None,
        }
    }

    fn sampler(&self, n_vocab: i32, banned: &[LlamaToken]) -> LlamaSampler {
        let mut chain = Vec::new();
        if !banned.is_empty() {
            let biases: Vec<LlamaLogitBias> = banned
                .iter()
                .map(|t| LlamaLogitBias::new(*t, f32::NEG_INFINITY))
                .collect();
            chain.push(LlamaSampler::logit_bias(n_vocab, &biases));
        }
        if self.repeat_penalty != 1.0 && self.repeat_last_n > 0 {
            chain.push(LlamaSampler::penalties(
                n_vocab,
                self.repeat_last_n,
                self.repeat_penalty,
                0.0,
                0.0,
            ));
        }
        if self.temperature <= 0.0 {
            chain.push(LlamaSampler::greedy());
        } else {
            if self.top_k > 0 {
                chain.push(LlamaSampler::top_k(self.top_k));
            }
            chain.push(LlamaSampler::top_p(self.top_p, 1));
            chain.push(LlamaSampler::min_p(self.min_p, 1));
            chain.push(LlamaSampler::temp(self.temperature));
            chain.push(LlamaSampler::dist(self.seed));
        }
        LlamaSampler::chain_simple(chain)
    }
}

/// What a generation reports as it goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Streamed<'a> {
    /// Text that is final (never part of a stop string).
    Text(&'a str),
    /// After each token: how many so far, and the speed since the first.
    Progress {
        generated_tokens: usize,
        tokens_per_second: f64,
    },
}

/// What to feed the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Rendered from the model's chat template: markup is special, content
    /// is plain text.
    Chat(RenderedPrompt),
    /// Plain text to continue (base models, debugging). Never special.
    Text(String),
}

/// What to do when the prompt does not fit the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Overflow {
    Error,
    /// Cut the end off the longest content segment (a long document) until
    /// the prompt fits; the template's markup is never cut.
    TruncateLongestContent,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GenerateRequest {
    pub prompt: Prompt,
    pub max_tokens: u32,
    pub stop: Vec<String>,
    pub sampling: SamplingParams,
    pub overflow: Overflow,
    /// Generate exactly `max_tokens`, past end-of-generation tokens and
    /// loops: for benchmarks only.
    pub run_to_max_tokens: bool,
    pub prompt_feeding: PromptFeeding,
}

/// How the prompt is fed to llama.cpp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PromptFeeding {
    /// In chunks sized to take about 80 ms each, so a cancel takes effect
    /// within one chunk. Costs some throughput: small batches use the CPU
    /// less well.
    #[default]
    Cancellable,
    /// In batches of `n_batch` (llama.cpp's fastest); a cancel waits for
    /// the batch under way. For work nobody waits on, and for benchmarks.
    FullBatches,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    /// The model ended its turn (any end-of-generation token).
    EndOfGeneration,
    MaxTokens,
    StopString,
    /// The output fell into a loop.
    Repetition,
    Cancelled,
    /// No room left in the context.
    ContextFull,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationReport {
    pub text: String,
    pub stop_reason: StopReason,
    pub prompt_tokens: usize,
    /// Prompt tokens whose KV entries were kept from the previous request.
    pub reused_prompt_tokens: usize,
    /// Prompt tokens dropped by `Overflow::TruncateLongestContent`.
    pub truncated_tokens: usize,
    pub generated_tokens: usize,
    /// From the start of the request to the first generated token.
    pub time_to_first_token_ms: f64,
    pub prompt_eval_ms: f64,
    pub generation_ms: f64,
    /// The natural log of the probability the model gave the text it wrote
    /// (the sum over its tokens, before any sampling settings): candidates
    /// can be ranked by the model's own confidence.
    #[serde(default)]
    pub logprob: f64,
}

impl GenerationReport {
    pub fn tokens_per_second(&self) -> f64 {
        if self.generation_ms > 0.0 {
            self.generated_tokens as f64 * 1000.0 / self.generation_ms
        } else {
            0.0
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    #[error("无法创建推理上下文：{0}")]
    Context(String),
    #[error(
        "输入过长：提示共 {prompt_tokens} 个词元，上下文最多容纳 {limit} 个（已为回答预留 {reserved} 个）。请缩短输入或分段处理"
    )]
    PromptTooLong {
        prompt_tokens: usize,
        limit: usize,
        reserved: usize,
    },
    #[error("提示为空")]
    EmptyPrompt,
    #[error("推理失败：{0}")]
    Decode(String),
}

impl GenerateError {
    pub fn code(&self) -> &'static str {
        match self {
            GenerateError::Context(_) => "engine-context",
            GenerateError::PromptTooLong { .. } => "engine-prompt-too-long",
            GenerateError::EmptyPrompt => "engine-empty-prompt",
            GenerateError::Decode(_) => "engine-decode",
        }
    }
}

/// Cancellation is checked between decodes, so a prompt is fed in chunks
/// sized to take about this long.
const CHUNK_TARGET_MS: f64 = 80.0;
const MIN_CHUNK: usize = 8;

/// A context on a loaded model, kept between requests for KV reuse.
pub struct Session<'m> {
    model: &'m LlamaModel,
    ctx: LlamaContext<'m>,
    /// Tokens whose KV entries are in the cache (sequence 0), in order.
    cached: Vec<LlamaToken>,
    n_batch: usize,
    /// Prompt tokens per decode; adapts to the measured speed.
    chunk: usize,
    /// The tokens of the last ban class asked for.
    banned: Option<(TokenBan, Vec<LlamaToken>)>,
}

impl<'m> Session<'m> {
    pub fn new(
        backend: &LlamaBackend,
        model: &'m LlamaModel,
        config: ContextConfig,
    ) -> Result<Session<'m>, GenerateError> {
        let params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(config.n_ctx))
            .with_n_batch(config.n_batch)
            .with_n_ubatch(config.n_batch)
            .with_n_threads(config.n_threads)
            .with_n_threads_batch(config.n_threads)
            .with_no_perf(false);
        let ctx = model
            .new_context(backend, params)
            .map_err(|e| GenerateError::Context(e.to_string()))?;
        Ok(Session {
            model,
            ctx,
            cached: Vec::new(),
            n_batch: config.n_batch as usize,
            chunk: 32,
            banned: None,
        })
    }

    pub fn n_ctx(&self) -> usize {
        self.ctx.n_ctx() as usize
    }

    /// Tokenizes a prompt: template markup with special tokens parsed,
    /// content and plain text with special tokens as text.
    pub fn tokenize(&self, prompt: &Prompt) -> Vec<Vec<(LlamaToken, bool)>> {
        let vocab = self.model.vocab();
        let segments: Vec<(&str, bool)> = match prompt {
            Prompt::Chat(rendered) => rendered
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Markup(t) => (t.as_str(), true),
                    Segment::Content(t) => (t.as_str(), false),
                })
                .collect(),
            Prompt::Text(text) => vec![(text.as_str(), false)],
        };
        let mut out: Vec<Vec<(LlamaToken, bool)>> = segments
            .into_iter()
            .map(|(text, special)| {
                vocab
                    .tokenize(text.as_bytes(), false, special)
                    .into_iter()
                    .map(|t| (t, special))
                    .collect()
            })
            .collect();
        // BOS once, unless the template already wrote it.
        if vocab.should_add_bos() {
            let bos = vocab.bos();
            let first = out.iter().flatten().next().map(|(t, _)| *t);
            if first != Some(bos) {
                out.insert(0, vec![(bos, true)]);
            }
        }
        out
    }

    /// Runs one request, calling `on_event` with each piece of text as it
    /// becomes final and with the running speed after each token. `cancel`
    /// is polled between decodes.
    pub fn generate(
        &mut self,
        request: &GenerateRequest,
        cancel: &AtomicBool,
        on_event: &mut dyn FnMut(Streamed<'_>),
    ) -> Result<GenerationReport, GenerateError> {
        let started = Instant::now();
        let mut segments = self.tokenize(&request.prompt);
        let reserved = (request.max_tokens as usize).min(self.n_ctx() / 2);
        let limit = self.n_ctx().saturating_sub(reserved);
        let prompt_len: usize = segments.iter().map(Vec::len).sum();
        let mut truncated_tokens = 0;
        if prompt_len > limit {
            match request.overflow {
                Overflow::Error => {
                    return Err(GenerateError::PromptTooLong {
                        prompt_tokens: prompt_len,
                        limit,
                        reserved,
                    });
                }
                Overflow::TruncateLongestContent => {
                    truncated_tokens = truncate_longest_content(&mut segments, prompt_len - limit)
                        .ok_or(GenerateError::PromptTooLong {
                            prompt_tokens: prompt_len,
                            limit,
                            reserved,
                        })?;
                }
            }
        }
        let tokens: Vec<LlamaToken> = segments.into_iter().flatten().map(|(t, _)| t).collect();
        if tokens.is_empty() {
            return Err(GenerateError::EmptyPrompt);
        }

        let reused = self.reuse_prefix(&tokens);
        let prompt_started = Instant::now();
        if !self.feed_prompt(&tokens[reused..], request.prompt_feeding, cancel)? {
            return Ok(GenerationReport {
                text: String::new(),
                stop_reason: StopReason::Cancelled,
                prompt_tokens: tokens.len(),
                reused_prompt_tokens: reused,
                truncated_tokens,
                generated_tokens: 0,
                time_to_first_token_ms: 0.0,
                prompt_eval_ms: ms_since(prompt_started),
                generation_ms: 0.0,
                logprob: 0.0,
            });
        }
        let prompt_eval_ms = ms_since(prompt_started);

        let banned = self.banned(request.sampling.ban);
        let mut sampler = request.sampling.sampler(self.model.n_vocab(), &banned);
        let mut logprob = 0.0;
        sampler.accept_many(&tokens);
        let vocab = self.model.vocab();
        let mut utf8 = Utf8Stream::default();
        let mut stops = StopMatcher::new(&request.stop);
        let mut text = String::new();
        let mut generated: Vec<i32> = Vec::new();
        let mut first_token_ms = 0.0;
        let generation_started = Instant::now();
        let mut emit = |event: Streamed<'_>, text: &mut String| {
            match event {
                Streamed::Text("") => return,
                Streamed::Text(piece) => text.push_str(piece),
                Streamed::Progress { .. } => {}
            }
            on_event(event);
        };
        let stop_reason = loop {
            if cancel.load(Ordering::Relaxed) {
                break StopReason::Cancelled;
            }
            let token = sampler.sample(&self.ctx, -1);
            if generated.is_empty() {
                first_token_ms = ms_since(started);
            }
            if vocab.is_eog(token) && !request.run_to_max_tokens {
                break StopReason::EndOfGeneration;
            }
            logprob += log_probability(self.ctx.get_logits_ith(-1), token);
            generated.push(token.0);
            let piece = vocab.token_to_piece(token, false, None);
            match stops.push(&utf8.push(&piece)) {
                StopScan::Continue(ready) => emit(Streamed::Text(&ready), &mut text),
                StopScan::Stopped(before) => {
                    emit(Streamed::Text(&before), &mut text);
                    break StopReason::StopString;
                }
            }
            let elapsed_ms = ms_since(generation_started);
            emit(
                Streamed::Progress {
                    generated_tokens: generated.len(),
                    tokens_per_second: if elapsed_ms > 0.0 {
                        generated.len() as f64 * 1000.0 / elapsed_ms
                    } else {
                        0.0
                    },
                },
                &mut text,
            );
            if is_looping(&generated) && !request.run_to_max_tokens {
                break StopReason::Repetition;
            }
            if generated.len() >= request.max_tokens as usize {
                break StopReason::MaxTokens;
            }
            if self.cached.len() + 1 >= self.n_ctx() {
                break StopReason::ContextFull;
            }
            self.decode(&[token], true)?;
        };
        if stop_reason != StopReason::StopString {
            // What the decoder and the stop matcher still hold is text.
            let tail = utf8.finish();
            match stops.push(&tail) {
                StopScan::Continue(ready) => emit(Streamed::Text(&ready), &mut text),
                StopScan::Stopped(before) => emit(Streamed::Text(&before), &mut text),
            }
            let held = stops.finish();
            emit(Streamed::Text(&held), &mut text);
        }
        Ok(GenerationReport {
            text,
            stop_reason,
            prompt_tokens: tokens.len(),
            reused_prompt_tokens: reused,
            truncated_tokens,
            generated_tokens: generated.len(),
            time_to_first_token_ms: first_token_ms,
            prompt_eval_ms,
            generation_ms: ms_since(generation_started),
            logprob,
        })
    }

    /// The tokens of a ban class, found once per session (a walk over the
    /// whole vocabulary); end-of-generation tokens are never banned.
    fn banned(&mut self, ban: TokenBan) -> Vec<LlamaToken> {
        if ban == TokenBan::None {
            return Vec::new();
        }
        if let Some((class, tokens)) = &self.banned
            && *class == ban
        {
            return tokens.clone();
        }
        let vocab = self.model.vocab();
        let tokens: Vec<LlamaToken> = (0..self.model.n_vocab())
            .map(LlamaToken::new)
            .filter(|t| !vocab.is_eog(*t) && ban.bans(&vocab.token_to_piece(*t, false, None)))
            .collect();
        self.banned = Some((ban, tokens.clone()));
        tokens
    }

    /// Keeps the KV entries of the longest prefix shared with the previous
    /// request; returns how many prompt tokens need no evaluation.
    fn reuse_prefix(&mut self, tokens: &[LlamaToken]) -> usize {
        let mut common = self
            .cached
            .iter()
            .zip(tokens)
            .take_while(|(a, b)| a == b)
            .count();
        // The last prompt token is always evaluated: its logits start the answer.
        if common == tokens.len() {
            common -= 1;
        }
        let removed = self
            .ctx
            .clear_kv_cache_seq(Some(0), Some(common as u32), None)
            .unwrap_or(false);
        if removed {
            self.cached.truncate(common);
            common
        } else {
            // Some caches (sliding-window, recurrent) cannot drop a tail.
            self.ctx.clear_kv_cache();
            self.cached.clear();
            0
        }
    }

    /// Evaluates prompt tokens in chunks; returns false when cancelled.
    fn feed_prompt(
        &mut self,
        tokens: &[LlamaToken],
        feeding: PromptFeeding,
        cancel: &AtomicBool,
    ) -> Result<bool, GenerateError> {
        let mut rest = tokens;
        while !rest.is_empty() {
            if cancel.load(Ordering::Relaxed) {
                return Ok(false);
            }
            let chunk = match feeding {
                PromptFeeding::Cancellable => self.chunk,
                PromptFeeding::FullBatches => self.n_batch,
            };
            let n = chunk.min(rest.len());
            let (chunk, tail) = rest.split_at(n);
            let started = Instant::now();
            self.decode(chunk, tail.is_empty())?;
            let per_token_ms = ms_since(started) / n as f64;
            if feeding == PromptFeeding::Cancellable && per_token_ms > 0.0 {
                let fit = (CHUNK_TARGET_MS / per_token_ms) as usize;
                self.chunk = fit.clamp(MIN_CHUNK, self.n_batch);
            }
            rest = tail;
        }
        Ok(true)
    }

    /// Decodes `tokens` at the end of the cache; logits for the last one
    /// only when `want_logits`.
    fn decode(&mut self, tokens: &[LlamaToken], want_logits: bool) -> Result<(), GenerateError> {
        let mut batch = LlamaBatch::new(tokens.len(), 1);
        let start = self.cached.len();
        for (i, token) in tokens.iter().enumerate() {
            let last = i + 1 == tokens.len();
            batch
                .add(*token, (start + i) as i32, &[0], last && want_logits)
                .map_err(|e| GenerateError::Decode(e.to_string()))?;
        }
        self.ctx
            .decode(&mut batch)
            .map_err(|e| GenerateError::Decode(e.to_string()))?;
        self.cached.extend_from_slice(tokens);
        Ok(())
    }
}

/// Drops `excess` tokens from the end of the longest content segment.
/// Returns how many were dropped, or None when content alone cannot make room.
fn truncate_longest_content(
    segments: &mut [Vec<(LlamaToken, bool)>],
    excess: usize,
) -> Option<usize> {
    let longest = segments
        .iter_mut()
        .filter(|s| s.first().is_some_and(|(_, special)| !special))
        .max_by_key(|s| s.len())?;
    if longest.len() <= excess {
        return None;
    }
    longest.truncate(longest.len() - excess);
    Some(excess)
}

/// log p(token) under the raw logits: logit − log Σ exp(logits).
fn log_probability(logits: &[f32], token: LlamaToken) -> f64 {
    let Some(&chosen) = usize::try_from(token.0).ok().and_then(|i| logits.get(i)) else {
        return 0.0;
    };
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f64 = logits.iter().map(|&l| f64::from(l - max).exp()).sum();
    f64::from(chosen - max) - sum.ln()
}

fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}
