//! Data the UI receives. Plain serde shapes, so the front end never parses
//! Rust's Debug output or matches on message strings.

use gongwen_domain::DocKind;
use gongwen_engine::ModelState;
use serde::Serialize;

#[derive(Serialize)]
pub struct AppInfo {
    pub version: &'static str,
    /// The 15 文种 in statutory order, for the 新建 menu.
    pub doc_kinds: Vec<&'static str>,
    pub storage: StorageStatus,
}

impl AppInfo {
    pub fn current(storage: StorageStatus) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            doc_kinds: DocKind::ALL.iter().map(|k| k.name()).collect(),
            storage,
        }
    }
}

/// The draft store as the status bar shows it.
#[derive(Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StorageStatus {
    /// Open: SQLCipher-encrypted on disk.
    Encrypted {
        drafts: usize,
    },
    /// Needs the passphrase.
    Locked,
    Failed {
        code: &'static str,
        message: String,
    },
}

#[derive(Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
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
        n_params: u64,
        load_ms: u64,
        verify_ms: u64,
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
            },
            ModelState::Failed { code, message } => ModelStateDto::Failed {
                code: code.clone(),
                message: message.clone(),
            },
        }
    }
}
