//! The 公文 domain: what an official document is, independent of how it is
//! stored, rendered or drafted.
//!
//! Invariant: this crate knows nothing about Tauri, SQLite, llama.cpp or the
//! file system. Everything here is a pure function of its inputs.

pub mod calendar;
mod document;
mod elements;
pub mod hidden;
mod kind;
pub mod paragraphs;
pub mod runs;
pub mod structure;

pub use document::{
    Attendance, Block, Classification, DocNumber, Document, Layout, SecrecyLevel, Urgency,
    WrittenDate,
};
pub use elements::{Element, ElementIssue, Presence, check_elements};
pub use kind::{Direction, DocKind, UnknownDocKind};
pub use structure::{
    KindSource, Part, PlainLine, Structured, body_block, plain_lines, structure, to_plain_text,
};
