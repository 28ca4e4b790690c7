//! Local inference on llama.cpp.
//!
//! [`Engine`] runs the model in a worker process (`process.rs`), so that a
//! llama.cpp `abort()` takes down the worker and not the app; inside the
//! worker, [`LocalEngine`] owns the model on one thread and serves requests
//! in order. Loading verifies the file's SHA-256 against the manifest first:
//! a damaged or replaced model is refused before llama.cpp parses a byte of it.

pub mod cpu;
mod events;
mod generate;
mod local;
mod process;
mod score;
pub mod speed;
mod state;
mod template;
mod text;

pub use events::{Canceller, Generation, GenerationEvent};
pub use generate::{
    ContextConfig, GenerateError, GenerateRequest, GenerationReport, Overflow, Prompt,
    PromptFeeding, SamplingParams, Session, StopReason, Streamed, TokenBan, physical_cores,
};
pub use local::{
    EngineRequest, Input, LoadRequest, LocalEngine, ModelIdentity, backend, corrections_of,
};
pub use process::{Engine, NotReady, WorkerCommand, no_core_dumps, worker_main};
pub use score::Scorer;
pub use state::{ModelInfo, ModelState};
pub use template::{ChatMessage, ChatTemplate, RenderedPrompt, Role, Segment, TemplateError};
