//! .docx: export laid out per GB/T 9704-2012, and import.

mod export;
mod import;
mod package;
mod plan;
mod preview;
mod schema_order;
mod tracked;

pub use export::{export_docx, export_docx_tracked};
pub use import::{ImportedDocx, MAX_DOCUMENT_XML, import_docx};
pub use plan::balance_title;
pub use preview::{
    Align as PreviewAlign, Font as PreviewFont, Preview, PreviewLine, PreviewPage,
    Rule as PreviewRule, preview,
};
pub use tracked::Revision;
