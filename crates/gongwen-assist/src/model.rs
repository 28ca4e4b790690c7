//! The one thing this crate needs from a model: complete a prompt.

/// What the model is given.
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    /// Chat messages for a model with a chat template (document text
    /// travels as content: its special-token look-alikes stay plain text);
    /// a model without one gets them as plain text followed by
    /// `answer_prefix`.
    Chat {
        system: String,
        user: String,
        answer_prefix: String,
    },
    /// A page of plain text the model continues, whatever its template:
    /// drafting writes a document this way.
    Continue(String),
}

/// A request to the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub prompt: Prompt,
    pub max_tokens: u32,
    /// Sample for variety (drafting); otherwise greedy and repeatable.
    pub creative: bool,
    /// Varies sampled requests of one job (the k-th candidate uses k).
    pub seed: u32,
    pub stop: Vec<String>,
    /// Feed the prompt in full batches, about three times faster than in
    /// cancellable chunks; a cancel during the prompt then takes effect by
    /// restarting the worker. For a summary's steps, and for drafting's
    /// long page of examples (停止 mostly comes while text streams, and is
    /// honoured between tokens).
    pub full_batches: bool,
    /// Chinese prose only: tokens with Latin letters, Markdown marks or
    /// 【】 are never sampled.
    pub prose: bool,
}

impl Completion {
    /// A chat request with the usual settings: greedy, in the foreground,
    /// no bans.
    pub fn chat(system: String, user: String, max_tokens: u32) -> Completion {
        Completion {
            prompt: Prompt::Chat {
                system,
                user,
                answer_prefix: String::new(),
            },
            max_tokens,
            creative: false,
            seed: 0,
            stop: Vec::new(),
            full_batches: false,
            prose: false,
        }
    }
}

/// What the caller's text callback says after each piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Finish {
    /// The model ended its answer.
    Done,
    /// The caller stopped it.
    Stopped,
    /// It reached `max_tokens` or the context's end.
    Length,
    /// It fell into a loop and was cut off.
    Repetition,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Completed {
    pub text: String,
    pub finish: Finish,
    pub prompt_tokens: usize,
    /// Prompt tokens cut off because the prompt did not fit.
    pub truncated_tokens: usize,
    pub generated_tokens: usize,
    pub tokens_per_second: f64,
    pub elapsed_ms: f64,
    /// ln p of the text under the model (sum over its tokens): the model's
    /// own confidence, for ranking candidates.
    pub logprob: f64,
    /// What a reasoning model thought before answering; never in `text`.
    pub thinking: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ModelError {
    pub code: String,
    /// Plain Chinese.
    pub message: String,
}

impl ModelError {
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The worker died or the model went away: the caller falls back to the
    /// model-free path for what is left.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self.code.as_str(),
            "engine-crashed" | "engine-unavailable" | "model-missing" | "engine-spawn"
        ) || self.code.starts_with("model-")
    }
}

pub trait TextModel {
    /// Runs one completion, handing each final piece of text to `on_text`
    /// as it comes; `Flow::Stop` ends it early (`Finish::Stopped`).
    fn complete(
        &self,
        request: &Completion,
        on_text: &mut dyn FnMut(&str) -> Flow,
    ) -> Result<Completed, ModelError>;
}
