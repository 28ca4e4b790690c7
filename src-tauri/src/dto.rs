//! Data the UI receives. Plain serde shapes, so the front end never parses
//! Rust's Debug output or matches on message strings.

use std::collections::BTreeMap;

use gongwen_desk::StorageStatus;
use gongwen_domain::{DocKind, Element, Presence};
use gongwen_engine::ModelState;
use serde::Serialize;
use ts_rs::TS;

#[derive(Serialize, TS)]
pub struct AppInfo {
    pub version: &'static str,
    /// The 15 文种 in statutory order, for the 新建 menu.
    pub doc_kinds: Vec<&'static str>,
    /// Per 文种, which elements it requires, may carry, or does not use:
    /// the element form shows the fields accordingly.
    #[ts(type = "Record<string, Record<Element, Presence>>")]
    pub kind_elements: BTreeMap<&'static str, BTreeMap<Element, Presence>>,
    pub storage: StorageStatus,
    /// Where exports are written.
    pub export_dir: String,
}

impl AppInfo {
    pub fn current(storage: StorageStatus) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            doc_kinds: DocKind::ALL.iter().map(|k| k.name()).collect(),
            kind_elements: DocKind::ALL
                .iter()
                .map(|&k| {
                    let presence = Element::ALL.iter().map(|&e| (e, k.presence(e))).collect();
                    (k.name(), presence)
                })
                .collect(),
            storage,
            export_dir: crate::files::export_dir().display().to_string(),
        }
    }
}

#[derive(Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(rename = "ModelState")]
pub enum ModelStateDto {
    Missing {
        file: String,
        hint: String,
    },
    Verifying {
        progress: f32,
    },
    Loading {
        progress: f32,
    },
    Ready {
        name: String,
        display_name: String,
        #[ts(type = "number")]
        n_params: u64,
        #[ts(type = "number")]
        load_ms: u64,
        #[ts(type = "number")]
        verify_ms: u64,
        /// The CPU level of the llama.cpp kernels in use (`x86-64-v4`).
        kernels: String,
    },
    Failed {
        code: String,
        message: String,
    },
}

impl From<&ModelState> for ModelStateDto {
    fn from(state: &ModelState) -> Self {
        match state {
            ModelState::Missing { file, hint } => ModelStateDto::Missing {
                file: file.clone(),
                hint: hint.clone(),
            },
            ModelState::Verifying { progress } => ModelStateDto::Verifying {
                progress: *progress,
            },
            ModelState::Loading { progress } => ModelStateDto::Loading {
                progress: *progress,
            },
            ModelState::Ready(info) => ModelStateDto::Ready {
                name: info.name.clone(),
                display_name: info.display_name.clone(),
                n_params: info.n_params,
                load_ms: info.load_ms,
                verify_ms: info.verify_ms,
                kernels: info.kernels.clone(),
            },
            ModelState::Failed { code, message } => ModelStateDto::Failed {
                code: code.clone(),
                message: message.clone(),
            },
        }
    }
}

/// Every failing command answers with this: a code for the UI's logic and
/// a plain-Chinese message for the user.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

impl From<gongwen_store::StoreError> for ApiError {
    fn from(e: gongwen_store::StoreError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

impl From<gongwen_desk::SessionError> for ApiError {
    fn from(e: gongwen_desk::SessionError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

impl From<gongwen_formats::ImportError> for ApiError {
    fn from(e: gongwen_formats::ImportError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

impl From<gongwen_desk::WriteError> for ApiError {
    fn from(e: gongwen_desk::WriteError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

impl From<gongwen_formats::FormatError> for ApiError {
    fn from(e: gongwen_formats::FormatError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

/// A draft as the editor opens it.
#[derive(Serialize, TS)]
pub struct OpenedDraft {
    #[ts(type = "number")]
    pub id: i64,
    pub form: gongwen_desk::DraftForm,
    pub history: Vec<gongwen_store::RevisionSummary>,
}

#[derive(Serialize, TS)]
pub struct Saved {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub revision: i64,
    pub field_problems: Vec<gongwen_desk::FieldProblem>,
}

#[derive(Serialize, TS)]
pub struct RevisionView {
    #[ts(type = "number")]
    pub revision: i64,
    pub form: gongwen_desk::DraftForm,
    /// From this revision to the latest.
    pub diff: Vec<gongwen_desk::DiffOp>,
}

#[derive(Serialize, TS)]
pub struct Imported {
    pub form: gongwen_desk::DraftForm,
    /// The 文种 was read from the title (else 通知 was assumed).
    pub kind_from_title: bool,
    pub chars: usize,
    /// Passages the file hid from its reader, marked 【隐藏文字：…】.
    pub hidden: usize,
}

#[derive(Serialize, TS)]
pub struct Exported {
    pub path: String,
    pub bytes: usize,
}

/// The window's copy of these shapes, `ui/src/backend/types.gen.ts`, is
/// generated from the Rust types (ts-rs), so the two cannot drift: this test
/// fails when the file is stale and rewrites it under `UPDATE_EXPECT=1`.
/// The UI's `tsc` then checks the window and its fake backend against it.
#[cfg(test)]
mod tests {
    use ts_rs::TS;

    use super::*;

    #[test]
    fn the_ui_types_are_generated_from_the_rust_types() {
        use crate::assist::{DraftSuggestion, JobEvent};
        use crate::settings::{AuditView, BackupDone, KnownModel, SettingsInfo};
        use gongwen_assist::{By, Mode, draft::ExemplarSource, draft::ExemplarUsed};
        use gongwen_desk::{
            AppConfig, Checked, DiffOp, DraftFilter, DraftForm, drafting::ExampleChoice,
        };
        use gongwen_desk::{FieldProblem, Located, Place};
        use gongwen_domain::{DocKind, ElementIssue, Layout, Part};
        use gongwen_proofread::{Category, Severity};
        use gongwen_store::UnitProfile;
        use gongwen_store::{AuditEntry, DraftSummary, Feedback, RevisionSummary, TermList};

        let declarations = [
            AppInfo::decl(),
            StorageStatus::decl(),
            ApiError::decl(),
            ModelStateDto::decl(),
            DocKind::decl(),
            Layout::decl(),
            Element::decl(),
            Presence::decl(),
            ElementIssue::decl(),
            DraftForm::decl(),
            FieldProblem::decl(),
            DraftSummary::decl(),
            RevisionSummary::decl(),
            DraftFilter::decl(),
            OpenedDraft::decl(),
            Saved::decl(),
            DiffOp::decl(),
            RevisionView::decl(),
            Part::decl(),
            Category::decl(),
            Severity::decl(),
            Located::decl(),
            Checked::decl(),
            Imported::decl(),
            Exported::decl(),
            ExemplarSource::decl(),
            ExampleChoice::decl(),
            ExemplarUsed::decl(),
            Mode::decl(),
            By::decl(),
            DraftSuggestion::decl(),
            gongwen_assist::polish::Polished::decl(),
            gongwen_assist::summary::Point::decl(),
            gongwen_assist::tasks::Task::decl(),
            gongwen_assist::summary::Rejected::decl(),
            gongwen_assist::summary::Section::decl(),
            gongwen_assist::summary::Summary::decl(),
            Place::decl(),
            gongwen_formats::PreviewFont::decl(),
            gongwen_formats::PreviewAlign::decl(),
            gongwen_formats::PreviewRule::decl(),
            gongwen_formats::PreviewLine::decl(),
            gongwen_formats::PreviewPage::decl(),
            gongwen_formats::Preview::decl(),
            JobEvent::decl(),
            Feedback::decl(),
            UnitProfile::decl(),
            AppConfig::decl(),
            KnownModel::decl(),
            SettingsInfo::decl(),
            TermList::decl(),
            AuditEntry::decl(),
            AuditView::decl(),
            BackupDone::decl(),
        ];
        let mut text = String::from(
            "// Generated from the Rust types by `cargo test -p gongwen-app` \
             (src-tauri/src/dto.rs);\n// do not edit: change the Rust type and run \
             it with UPDATE_EXPECT=1.\n\n",
        );
        for declaration in declarations {
            text.push_str("export ");
            text.push_str(&declaration);
            text.push_str("\n\n");
        }
        // Fields a finding or a problem can point at: the form's text fields.
        text.push_str(
            "export type FormField = Exclude<keyof DraftForm, \"kind\" | \"layout\" | \"sealed\">;\n",
        );
        expect_test::expect_file!["../../ui/src/backend/types.gen.ts"].assert_eq(&text);
    }
}
