//! .docx: export laid out per GB/T 9704-2012.

mod export;
mod package;
mod schema_order;

pub use export::{balance_title, export_docx};
