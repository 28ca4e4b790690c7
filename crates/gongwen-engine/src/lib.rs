//! Local inference on llama.cpp.
//!
//! One model is loaded once, on one engine thread that owns it; callers see
//! its [`ModelState`] through [`Engine::state`] and [`Engine::subscribe`].
//! Loading verifies the file's SHA-256 against the manifest first: a damaged
//! or replaced model is refused before llama.cpp parses a byte of it.

mod state;
mod worker;

pub use state::{ModelInfo, ModelState};
pub use worker::{Engine, LoadRequest};
