//! The one thing this crate needs from a model: complete a prompt.

/// A request to the model. `system` and `user` become chat messages for a
/// model with a chat template (document text travels as content: its
/// special-token look-alikes stay plain text); a model without one gets
/// them as plain text followed by `answer_prefix`.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub system: String,
    pub user: String,
    pub answer_prefix: String,
    pub max_tokens: u32,
    /// Sample for variety (drafting); otherwise greedy and repeatable.
    pub creative: bool,
    pub stop: Vec<String>,
    /// Nobody watches the text arrive (a summary's map step): feed the
    /// prompt in full batches, about three times faster; a cancel then
    /// takes effect by restarting the worker.
    pub background: bool,
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
