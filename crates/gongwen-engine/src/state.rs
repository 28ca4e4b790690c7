/// What the model is doing, as the status bar shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelState {
    /// The configured model file is not on this machine. Everything that
    /// needs no model keeps working.
    Missing {
        file: String,
        hint: String,
    },
    /// Checking the file's SHA-256; `progress` in 0..=1.
    Verifying {
        progress: f32,
    },
    /// llama.cpp is reading the weights; `progress` in 0..=1.
    Loading {
        progress: f32,
    },
    Ready(ModelInfo),
    /// Loading failed. `message` is plain Chinese for the user; `code` is
    /// short and stable for the UI and scripts.
    Failed {
        code: &'static str,
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    /// The manifest's name (`default`, `test`).
    pub name: String,
    pub display_name: String,
    pub file: String,
    pub sha256: String,
    pub size_bytes: u64,
    pub n_params: u64,
    pub n_ctx_train: u32,
    pub has_chat_template: bool,
    pub verify_ms: u64,
    pub load_ms: u64,
}

impl ModelState {
    pub fn is_settled(&self) -> bool {
        matches!(
            self,
            ModelState::Missing { .. } | ModelState::Ready(_) | ModelState::Failed { .. }
        )
    }
}
