use serde::{Deserialize, Serialize};

/// What the model is doing, as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
        code: String,
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The instruction-set level of the llama.cpp kernels the worker runs
    /// (`x86-64-v3`, or the architecture's name elsewhere).
    #[serde(default)]
    pub kernels: String,
}

impl ModelState {
    pub fn is_settled(&self) -> bool {
        matches!(
            self,
            ModelState::Missing { .. } | ModelState::Ready(_) | ModelState::Failed { .. }
        )
    }
}

type Listener = Box<dyn FnMut(&ModelState) -> bool + Send>;

/// The current model state and who wants to hear of changes. Shared by the
/// in-process engine and the worker host.
pub(crate) struct StateBoard {
    inner: std::sync::Mutex<Board>,
}

struct Board {
    state: ModelState,
    /// Each returns `false` once it no longer wants updates (its window closed).
    listeners: Vec<Listener>,
}

impl StateBoard {
    pub(crate) fn new(state: ModelState) -> StateBoard {
        StateBoard {
            inner: std::sync::Mutex::new(Board {
                state,
                listeners: Vec::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Board> {
        // A listener that panicked must not take the status bar down with it.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn get(&self) -> ModelState {
        self.lock().state.clone()
    }

    pub(crate) fn publish(&self, state: ModelState) {
        let mut board = self.lock();
        board.state = state;
        let Board { state, listeners } = &mut *board;
        listeners.retain_mut(|listener| listener(state));
    }

    pub(crate) fn subscribe(&self, mut listener: impl FnMut(&ModelState) -> bool + Send + 'static) {
        let mut board = self.lock();
        if listener(&board.state) {
            board.listeners.push(Box::new(listener));
        }
    }

    pub(crate) fn wait_settled(&self) -> ModelState {
        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        self.subscribe(move |state| {
            if state.is_settled() {
                let _ = sender.try_send(state.clone());
                return false;
            }
            true
        });
        receiver.recv().unwrap_or_else(|_| self.get())
    }
}
