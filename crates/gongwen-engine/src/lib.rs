//! Local inference on llama.cpp.
//!
//! One model is loaded once, on one engine thread that owns it; callers see
//! its [`ModelState`] through [`Engine::state`] and [`Engine::subscribe`].
//! Loading verifies the file's SHA-256 against the manifest first: a damaged
//! or replaced model is refused before llama.cpp parses a byte of it.

mod generate;
mod state;
mod template;
mod text;
mod worker;

pub use generate::{
    ContextConfig, GenerateError, GenerateRequest, GenerationReport, Overflow, Prompt,
    PromptFeeding, SamplingParams, Session, StopReason, physical_cores,
};
pub use state::{ModelInfo, ModelState};
pub use template::{ChatMessage, ChatTemplate, RenderedPrompt, Role, Segment, TemplateError};
pub use worker::{
    Engine, EngineRequest, Generation, GenerationEvent, Input, LoadRequest, ModelIdentity, backend,
};
