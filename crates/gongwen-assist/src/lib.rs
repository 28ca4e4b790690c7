//! Drafting, polishing and summarizing with the local model.
//!
//! Everything here is pure behind [`TextModel`]: a prompt goes in, text
//! comes out. What the model writes is never trusted: it is checked for
//! leaks, control tokens, loops and garbage (`guard`), its summary points
//! must cite paragraphs that really hold their names, numbers and dates
//! (`facts`, `summary`), and every result says whether a model or a
//! model-free fallback produced it. Prompts live in `assets/assist/` so they
//! can be reviewed and tuned without touching code. `engine` adapts the
//! worker-process [`gongwen_engine::Engine`] to [`TextModel`].

pub mod draft;
pub mod engine;
pub mod facts;
pub mod guard;
mod model;
pub mod polish;
pub mod prompts;
pub mod rubric;
mod sections;
pub mod summary;
pub mod tasks;
pub mod think;

pub use model::{Completed, Completion, Finish, Flow, ModelError, Prompt, TextModel};

use serde::Serialize;
use ts_rs::TS;

/// Which path produced a result: the user must be able to tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The local model wrote it (and it passed the checks).
    Model,
    /// Summary by sentence ranking, no model.
    Extractive,
    /// The 文种's skeleton with placeholders, no model.
    Skeleton,
    /// Only the deterministic proofreading rules, no model.
    Rules,
}

/// Who wrote one item of a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum By {
    Model,
    Extractive,
    Rule,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssistError {
    #[error("{0}")]
    Model(#[from] ModelError),
    #[error("模型输出未通过安全检查（{0}），已丢弃，未作任何修改")]
    Unsafe(String),
    #[error("没有可处理的文字")]
    EmptyInput,
    #[error("未知的润色方式“{0}”，可选：润色、精简、扩写、公文语体")]
    UnknownMode(String),
    #[error("模型给出的修改未通过检查（{0}），未作任何修改")]
    Rejected(String),
}

impl AssistError {
    pub fn code(&self) -> &str {
        match self {
            AssistError::Model(e) => e.code(),
            AssistError::Unsafe(_) => "assist-unsafe-output",
            AssistError::EmptyInput => "assist-empty",
            AssistError::UnknownMode(_) => "assist-unknown-mode",
            AssistError::Rejected(_) => "assist-rejected",
        }
    }
}
