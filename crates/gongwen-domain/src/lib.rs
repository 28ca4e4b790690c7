//! The 公文 domain: what an official document is, independent of how it is
//! stored, rendered or drafted.
//!
//! Invariant: this crate knows nothing about Tauri, SQLite, llama.cpp or the
//! file system. Everything here is a pure function of its inputs.

mod kind;

pub use kind::{Direction, DocKind, UnknownDocKind};
