//! The user's workflows, for both front ends, with no window, no terminal
//! and no model of their own: the Tauri commands in `src-tauri` and the
//! CLI's subcommands parse their input, call these and format the results.
//! The clock is passed in (`now`), so tests fix it.
//!
//! - `assist`: drafting and polishing with the model or the fallback, for
//!   both front ends.
//! - `backup`: a backup's file name, a restore and its audit entry.
//! - `session`: the window's long-lived hold on the store (unlock, re-key,
//!   restore in place, the loaded model in the audit log).
//! - `clock`: the one reading of the system clock.
//! - `form`: the element form the user edits (every element a string, the
//!   body as the editor's text) and its exact conversion to a `Document`.
//! - `check`: proofreading the whole document with each finding traced back
//!   to the field it is in, with offsets the editor can use.
//! - `diff`: what changed between two revisions.
//! - `places`: where each paragraph is in the form, for a summary's
//!   citations.
//! - `config`: the settings read before the store is unlocked (the model).
//! - `drafts`: defaults of a new draft from the unit profile, the draft
//!   list's filters, export file names.
//! - `files`: a document file read by its type, bounded; every file written
//!   whole or not at all.
//! - `export`: a document's .docx (changes tracked against a revision) and
//!   the audit entry of its export, for both front ends.
//! - `drafting`: the example documents a model draft is written from (the
//!   unit's own alike documents from the store, then the built-in 范文).

pub mod assist;
pub mod backup;
pub mod check;
pub mod clock;
pub mod config;
pub mod diff;
pub mod drafting;
pub mod drafts;
pub mod export;
pub mod files;
pub mod form;
pub mod places;
pub mod session;

pub use check::{Checked, Located, proofread, spelling_findings, spelling_protected};
pub use config::AppConfig;
pub use diff::{DiffOp, diff_lines};
pub use drafts::{DraftFilter, export_file_name, new_form};
pub use files::{ReadError, WriteError, read_document, write_atomically, write_new};
pub use form::{DraftForm, FieldProblem};
pub use places::{Place, paragraphs};
pub use session::{Session, SessionError, StorageStatus};
