use std::{
    path::PathBuf,
    sync::{Arc, Mutex, MutexGuard, OnceLock, mpsc},
    thread,
    time::Instant,
};

use gongwen_models::{FileStatus, ModelSpec, status_of};
use llama_cpp_2::{
    llama_backend::LlamaBackend,
    model::{LlamaModel, params::LlamaModelParams},
};

use crate::{ModelInfo, ModelState};

/// Which model to load, and where it is.
#[derive(Debug, Clone)]
pub struct LoadRequest {
    pub spec: ModelSpec,
    pub path: PathBuf,
}

type Listener = Box<dyn FnMut(&ModelState) -> bool + Send>;

struct Shared {
    state: ModelState,
    /// Each returns `false` once it no longer wants updates (its window closed).
    listeners: Vec<Listener>,
}

/// Handle to the engine thread. Dropping it stops the thread.
pub struct Engine {
    shared: Arc<Mutex<Shared>>,
    /// Dropping this sender tells the thread to release the model and end.
    stop: Option<mpsc::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Engine {
    /// Starts the engine thread, which verifies and loads the model in the
    /// background. Returns at once.
    pub fn start(request: LoadRequest) -> Engine {
        let shared = Arc::new(Mutex::new(Shared {
            state: ModelState::Verifying { progress: 0.0 },
            listeners: Vec::new(),
        }));
        let (stop, stopped) = mpsc::channel();
        let thread_shared = Arc::clone(&shared);
        let thread = thread::Builder::new()
            .name("gongwen-engine".into())
            .spawn(move || run(request, thread_shared, stopped));
        match thread {
            Ok(thread) => Engine {
                shared,
                stop: Some(stop),
                thread: Some(thread),
            },
            Err(e) => {
                publish(
                    &shared,
                    ModelState::Failed {
                        code: "engine-thread",
                        message: format!("无法启动模型线程：{e}"),
                    },
                );
                Engine {
                    shared,
                    stop: None,
                    thread: None,
                }
            }
        }
    }

    /// An engine with no model and no thread, for when there is nothing to
    /// load (an unknown model name, say). `state` must be settled.
    pub fn unavailable(state: ModelState) -> Engine {
        Engine {
            shared: Arc::new(Mutex::new(Shared {
                state,
                listeners: Vec::new(),
            })),
            stop: None,
            thread: None,
        }
    }

    pub fn state(&self) -> ModelState {
        lock(&self.shared).state.clone()
    }

    /// Calls `listener` with the current state now and with every change,
    /// until it returns `false`. It runs on the engine thread: keep it short.
    pub fn subscribe(&self, mut listener: impl FnMut(&ModelState) -> bool + Send + 'static) {
        let mut shared = lock(&self.shared);
        if listener(&shared.state) {
            shared.listeners.push(Box::new(listener));
        }
    }

    /// Blocks until loading has settled (ready, missing or failed).
    pub fn wait_settled(&self) -> ModelState {
        let (sender, receiver) = mpsc::sync_channel(1);
        self.subscribe(move |state| {
            if state.is_settled() {
                let _ = sender.try_send(state.clone());
                return false;
            }
            true
        });
        receiver.recv().unwrap_or_else(|_| self.state())
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    // A listener that panicked must not take the status bar down with it.
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn publish(shared: &Mutex<Shared>, state: ModelState) {
    let mut shared = lock(shared);
    shared.state = state;
    let Shared { state, listeners } = &mut *shared;
    listeners.retain_mut(|listener| listener(state));
}

/// llama.cpp allows one backend per process; it lives as long as the process.
fn backend() -> Result<&'static LlamaBackend, String> {
    static BACKEND: OnceLock<Result<LlamaBackend, String>> = OnceLock::new();
    BACKEND
        .get_or_init(|| {
            let mut backend = LlamaBackend::init().map_err(|e| e.to_string())?;
            // llama.cpp's own log goes to stderr by default: noise for the user.
            backend.void_logs();
            Ok(backend)
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn run(request: LoadRequest, shared: Arc<Mutex<Shared>>, stopped: mpsc::Receiver<()>) {
    let loaded = load(&request, &shared);
    publish(
        &shared,
        match &loaded {
            Ok((_, info)) => ModelState::Ready(info.clone()),
            Err(state) => (**state).clone(),
        },
    );
    // The model lives on this thread until the engine is dropped.
    let _model = loaded.ok();
    let _ = stopped.recv();
}

fn load(
    request: &LoadRequest,
    shared: &Arc<Mutex<Shared>>,
) -> Result<(LlamaModel, ModelInfo), Box<ModelState>> {
    let spec = &request.spec;
    let started = Instant::now();
    let mut last_percent = 0;
    let status = status_of(spec, &request.path, &mut |done, total| {
        // Publish whole percents only: listeners may cross a process boundary.
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        if percent != last_percent {
            last_percent = percent;
            publish(
                shared,
                ModelState::Verifying {
                    progress: percent as f32 / 100.0,
                },
            );
        }
    })
    .map_err(|e| failed(e.code(), e.to_string()))?;
    match status {
        FileStatus::Verified => {}
        FileStatus::Missing => {
            return Err(Box::new(ModelState::Missing {
                file: request.path.display().to_string(),
                hint: format!("运行 gongwen models fetch {} 获取模型", spec.name),
            }));
        }
        bad => {
            let message = bad
                .into_error(spec)
                .map_or_else(|| "模型文件校验失败".to_owned(), |e| e.to_string());
            return Err(failed("model-checksum", message));
        }
    }
    let verify_ms = started.elapsed().as_millis() as u64;

    let backend =
        backend().map_err(|e| failed("engine-backend", format!("推理引擎初始化失败：{e}")))?;
    publish(shared, ModelState::Loading { progress: 0.0 });
    let progress_shared = Arc::clone(shared);
    let mut last_percent = 0;
    let params = LlamaModelParams::default().with_progress_callback(move |progress| {
        let percent = (progress * 100.0) as u32;
        if percent != last_percent {
            last_percent = percent;
            publish(&progress_shared, ModelState::Loading { progress });
        }
        true
    });
    let load_started = Instant::now();
    let model = LlamaModel::load_from_file(backend, &request.path, &params).map_err(|e| {
        failed(
            "model-load",
            format!("llama.cpp 无法加载模型文件（{e}）：文件格式不受支持或已损坏"),
        )
    })?;
    let info = ModelInfo {
        name: spec.name.clone(),
        display_name: spec.display_name.clone(),
        file: spec.file.clone(),
        sha256: spec.sha256.clone(),
        size_bytes: spec.size_bytes,
        n_params: model.n_params(),
        n_ctx_train: model.n_ctx_train(),
        has_chat_template: model.chat_template(None).is_ok(),
        verify_ms,
        load_ms: load_started.elapsed().as_millis() as u64,
    };
    Ok((model, info))
}

fn failed(code: &'static str, message: String) -> Box<ModelState> {
    Box::new(ModelState::Failed { code, message })
}
