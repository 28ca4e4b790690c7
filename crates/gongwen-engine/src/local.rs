use std::{
    fs::File,
    io::Read,
    path::PathBuf,
    sync::{
        Arc, OnceLock,
        atomic::{AtomicBool, Ordering},
        mpsc,
    },
    thread,
    time::Instant,
};

use gongwen_models::{FileStatus, Manifest, ModelError, ModelSpec, sha256_file, status_of};
use llama_cpp_2::{
    llama_backend::LlamaBackend,
    model::{LlamaModel, params::LlamaModelParams},
};

use gongwen_proofread::spelling::{Correction, SpellingConfig, correct};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc as events_channel;

use crate::{
    ChatMessage, ChatTemplate, ContextConfig, GenerateError, GenerateRequest, Generation,
    GenerationEvent, GenerationReport, ModelInfo, ModelState, Overflow, Prompt, PromptFeeding,
    SamplingParams, Session, StopReason, Streamed, cpu::CpuLevel, score::Scorer, state::StateBoard,
};

/// Which file to load, and what we know about it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadRequest {
    pub path: PathBuf,
    pub identity: ModelIdentity,
    pub context: ContextConfig,
}

impl LoadRequest {
    /// Resolves what the user named: a manifest name (`default`, `test`), a
    /// path whose file name the manifest knows, or — only when
    /// `allow_unregistered` — any other path.
    pub fn resolve(
        model: &str,
        allow_unregistered: bool,
        context: ContextConfig,
    ) -> Result<LoadRequest, ModelError> {
        let manifest = Manifest::builtin()?;
        if let Ok(spec) = manifest.get(model) {
            return Ok(LoadRequest {
                path: gongwen_models::locate(spec),
                identity: ModelIdentity::Known(spec.clone()),
                context,
            });
        }
        let path = PathBuf::from(model);
        let known = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| manifest.by_file(n));
        let identity = match known {
            Some(spec) => ModelIdentity::Known(spec.clone()),
            None if allow_unregistered => ModelIdentity::Unregistered,
            None => return Err(ModelError::Unregistered(model.to_owned())),
        };
        Ok(LoadRequest {
            path,
            identity,
            context,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ModelIdentity {
    /// In the manifest: loads only if size and SHA-256 match.
    Known(ModelSpec),
    /// Not in the manifest, and the user agreed to load it anyway (an office
    /// bringing its own GGUF). Its SHA-256 is reported for the audit log.
    Unregistered,
    /// The same, agreed to for the file with this SHA-256 only: a file
    /// replaced since is refused and the user asked again.
    Consented { sha256: String },
}

/// What the model is asked to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineRequest {
    pub input: Input,
    pub max_tokens: u32,
    pub stop: Vec<String>,
    pub sampling: SamplingParams,
    pub overflow: Overflow,
    pub prompt_feeding: PromptFeeding,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Input {
    /// Rendered with the model's own chat template.
    Messages(Vec<ChatMessage>),
    /// Plain text to continue, for base models and debugging.
    Text(String),
    /// Model-assisted spelling of this text (`gongwen_proofread::spelling`);
    /// `protected` character spans are never changed. The answer comes as
    /// one `Text` event holding the corrections as JSON: see
    /// [`corrections_of`].
    Spell {
        text: String,
        protected: Vec<(usize, usize)>,
        config: SpellingConfig,
    },
}

impl EngineRequest {
    pub fn spelling(
        text: &str,
        protected: &[(usize, usize)],
        config: SpellingConfig,
    ) -> EngineRequest {
        EngineRequest::greedy(
            Input::Spell {
                text: text.to_owned(),
                protected: protected.to_vec(),
                config,
            },
            0,
        )
    }

    /// Greedy, deterministic: for tests and extraction tasks. The prompt goes
    /// in full batches (fastest): through [`crate::Engine`], a cancel still
    /// takes effect at once, since a worker that does not stop is replaced.
    pub fn greedy(input: Input, max_tokens: u32) -> EngineRequest {
        EngineRequest {
            input,
            max_tokens,
            stop: Vec::new(),
            sampling: SamplingParams::greedy(),
            overflow: Overflow::Error,
            prompt_feeding: PromptFeeding::FullBatches,
        }
    }
}

struct Job {
    request: EngineRequest,
    cancel: Arc<AtomicBool>,
    events: events_channel::UnboundedSender<GenerationEvent>,
}

/// Handle to the engine thread, which owns the model and its context
/// (neither may cross threads). Requests are served one at a time, in
/// order. Dropping the handle stops the thread. It runs inside the worker
/// process (see `process.rs`); tests and benchmarks also use it directly.
pub struct LocalEngine {
    shared: Arc<StateBoard>,
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl LocalEngine {
    /// Starts the engine thread, which verifies and loads the model in the
    /// background. Returns at once.
    pub fn start(request: LoadRequest) -> LocalEngine {
        let shared = Arc::new(StateBoard::new(ModelState::Verifying { progress: 0.0 }));
        let (jobs, queue) = mpsc::channel();
        let thread_shared = Arc::clone(&shared);
        let thread = thread::Builder::new()
            .name("gongwen-engine".into())
            .spawn(move || run(request, thread_shared, queue));
        match thread {
            Ok(thread) => LocalEngine {
                shared,
                jobs: Some(jobs),
                thread: Some(thread),
            },
            Err(e) => LocalEngine::unavailable(ModelState::Failed {
                code: "engine-thread".to_owned(),
                message: format!("无法启动模型线程：{e}"),
            }),
        }
    }

    /// An engine with no model and no thread, for when there is nothing to
    /// load (an unknown model name, say). `state` must be settled.
    pub fn unavailable(state: ModelState) -> LocalEngine {
        LocalEngine {
            shared: Arc::new(StateBoard::new(state)),
            jobs: None,
            thread: None,
        }
    }

    pub fn state(&self) -> ModelState {
        self.shared.get()
    }

    /// Calls `listener` with the current state now and with every change,
    /// until it returns `false`. It runs on the engine thread: keep it short.
    pub fn subscribe(&self, listener: impl FnMut(&ModelState) -> bool + Send + 'static) {
        self.shared.subscribe(listener);
    }

    /// Blocks until loading has settled (ready, missing or failed).
    pub fn wait_settled(&self) -> ModelState {
        self.shared.wait_settled()
    }

    /// Queues a request. Events arrive on the returned handle; a request
    /// made before the model is ready waits for it, and fails if it fails.
    pub fn generate(&self, request: EngineRequest) -> Generation {
        let (events, receiver) = events_channel::unbounded_channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let job = Job {
            request,
            cancel: Arc::clone(&cancel),
            events,
        };
        if let Some(jobs) = &self.jobs {
            if let Err(mpsc::SendError(job)) = jobs.send(job) {
                let _ = job.events.send(unavailable_event(&self.state()));
            }
        } else {
            let _ = job.events.send(unavailable_event(&self.state()));
        }
        Generation::new(
            receiver,
            Arc::new(move || cancel.store(true, Ordering::Relaxed)),
        )
    }
}

impl LocalEngine {
    /// Model-assisted spelling, waiting for the answer.
    pub fn spell(
        &self,
        text: &str,
        protected: &[(usize, usize)],
        config: SpellingConfig,
    ) -> Result<Vec<Correction>, (String, String)> {
        corrections_of(self.generate(EngineRequest::spelling(text, protected, config)))
    }
}

/// The corrections a spelling request answered with.
pub fn corrections_of(generation: Generation) -> Result<Vec<Correction>, (String, String)> {
    let mut json = String::new();
    generation.finish(|text| json.push_str(text))?;
    serde_json::from_str(&json).map_err(|e| ("engine-protocol".to_owned(), e.to_string()))
}

impl Drop for LocalEngine {
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub(crate) fn unavailable_event(state: &ModelState) -> GenerationEvent {
    match state {
        ModelState::Failed { code, message } => GenerationEvent::failed(code, message.clone()),
        ModelState::Missing { hint, .. } => {
            GenerationEvent::failed("model-missing", format!("模型未安装：{hint}"))
        }
        _ => GenerationEvent::failed("engine-gone", "模型线程已退出"),
    }
}

/// llama.cpp allows one backend per process; it lives as long as the process.
pub fn backend() -> Result<&'static LlamaBackend, String> {
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

fn run(request: LoadRequest, shared: Arc<StateBoard>, jobs: mpsc::Receiver<Job>) {
    let loaded = load(&request, &shared).map(|(model, info)| {
        let template = chat_template(&model);
        (model, info, template)
    });
    let (model, info, template) = match loaded {
        Ok(loaded) => loaded,
        Err(state) => {
            let event = unavailable_event(&state);
            shared.publish(*state);
            for job in jobs {
                let _ = job.events.send(event.clone());
            }
            return;
        }
    };
    let session = backend()
        .map_err(GenerateError::Context)
        .and_then(|backend| Session::new(backend, &model, request.context));
    let mut session = match session {
        Ok(session) => session,
        Err(e) => {
            let state = ModelState::Failed {
                code: e.code().to_owned(),
                message: e.to_string(),
            };
            let event = unavailable_event(&state);
            shared.publish(state);
            for job in jobs {
                let _ = job.events.send(event.clone());
            }
            return;
        }
    };
    shared.publish(ModelState::Ready(info));
    // The spelling scorer has a small context of its own, made on first use.
    let mut scorer: Option<Scorer<'_>> = None;
    for job in jobs {
        if let Input::Spell {
            text,
            protected,
            config,
        } = &job.request.input
        {
            let started = Instant::now();
            if scorer.is_none() {
                match backend().and_then(|b| Scorer::new(b, &model, request.context.n_threads)) {
                    Ok(made) => scorer = Some(made),
                    Err(e) => {
                        let message = format!("无法创建评分上下文：{e}");
                        let _ = job
                            .events
                            .send(GenerationEvent::failed("engine-context", message));
                        continue;
                    }
                }
            }
            let result = scorer
                .as_mut()
                .ok_or_else(|| "评分上下文不可用".to_owned())
                .and_then(|scorer| correct(text, scorer, protected, config))
                .and_then(|found| serde_json::to_string(&found).map_err(|e| e.to_string()));
            let _ = job.events.send(match result {
                Ok(json) => {
                    let _ = job.events.send(GenerationEvent::Text(json.clone()));
                    GenerationEvent::Done(GenerationReport {
                        text: json,
                        stop_reason: StopReason::EndOfGeneration,
                        prompt_tokens: 0,
                        reused_prompt_tokens: 0,
                        truncated_tokens: 0,
                        generated_tokens: 0,
                        time_to_first_token_ms: 0.0,
                        prompt_eval_ms: started.elapsed().as_secs_f64() * 1000.0,
                        generation_ms: 0.0,
                        logprob: 0.0,
                    })
                }
                Err(message) => GenerationEvent::failed("spelling-failed", message),
            });
        } else {
            serve(&mut session, template.as_ref(), job);
        }
    }
}

const THINK_OPEN: &str = "<think>";

const PROGRESS_INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);

fn serve(session: &mut Session<'_>, template: Option<&ChatTemplate>, job: Job) {
    let prompt = match &job.request.input {
        Input::Text(text) => Ok(Prompt::Text(text.clone())),
        Input::Spell { .. } => Err(("engine-protocol", "纠错请求不经文本生成处理".to_owned())),
        Input::Messages(messages) => match template {
            Some(template) => template
                .render(messages, true)
                .map(Prompt::Chat)
                .map_err(|e| ("engine-template", e.to_string())),
            None => Err((
                "engine-no-template",
                "该模型没有对话模板（可能是基础模型），无法用于对话式任务".to_owned(),
            )),
        },
    };
    let prompt = match prompt {
        Ok(prompt) => prompt,
        Err((code, message)) => {
            let _ = job.events.send(GenerationEvent::failed(code, message));
            return;
        }
    };
    let request = GenerateRequest {
        prompt,
        max_tokens: job.request.max_tokens,
        stop: job.request.stop.clone(),
        sampling: job.request.sampling,
        overflow: job.request.overflow,
        run_to_max_tokens: false,
        prompt_feeding: job.request.prompt_feeding,
    };
    let events = &job.events;
    // A template that opens a reasoning block itself leaves the answer
    // inside it: say so in the stream, so readers can split it off.
    let opens_thinking = matches!(&request.prompt, Prompt::Chat(p) if p.opens_thinking());
    if opens_thinking {
        let _ = events.send(GenerationEvent::Text(THINK_OPEN.to_owned()));
    }
    // Speed reports at most every PROGRESS_INTERVAL: enough for a status bar.
    let mut last_progress: Option<Instant> = None;
    let result = session.generate(&request, &job.cancel, &mut |event| match event {
        Streamed::Text(text) => {
            let _ = events.send(GenerationEvent::Text(text.to_owned()));
        }
        Streamed::Progress {
            generated_tokens,
            tokens_per_second,
        } => {
            if last_progress.is_none_or(|at| at.elapsed() >= PROGRESS_INTERVAL) {
                last_progress = Some(Instant::now());
                let _ = events.send(GenerationEvent::Progress {
                    generated_tokens,
                    tokens_per_second,
                });
            }
        }
    });
    let _ = events.send(match result {
        Ok(mut report) => {
            if opens_thinking {
                report.text.insert_str(0, THINK_OPEN);
            }
            GenerationEvent::Done(report)
        }
        Err(e) => GenerationEvent::failed(e.code(), e.to_string()),
    });
}

/// The model's own chat template and its BOS/EOS texts, if it has one.
fn chat_template(model: &LlamaModel) -> Option<ChatTemplate> {
    let source = model.meta_val_str("tokenizer.chat_template").ok()?;
    let vocab = model.vocab();
    let piece =
        |token| String::from_utf8_lossy(&vocab.token_to_piece(token, true, None)).into_owned();
    let template = ChatTemplate::new(&source, piece(vocab.bos()), piece(vocab.eos())).ok()?;
    Some(template)
}

fn load(
    request: &LoadRequest,
    shared: &Arc<StateBoard>,
) -> Result<(LlamaModel, ModelInfo), Box<ModelState>> {
    let started = Instant::now();
    let mut last_percent = 0;
    let mut progress = |done: u64, total: u64| {
        // Publish whole percents only: listeners may cross a process boundary.
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        if percent != last_percent {
            last_percent = percent;
            shared.publish(ModelState::Verifying {
                progress: percent as f32 / 100.0,
            });
        }
    };
    let file_name = request.path.file_name().map_or_else(
        || request.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let (name, display_name, sha256, size_bytes) = match &request.identity {
        ModelIdentity::Known(spec) => {
            let status = status_of(spec, &request.path, &mut progress)
                .map_err(|e| failed(e.code(), e.to_string()))?;
            match status {
                FileStatus::Verified => {}
                FileStatus::Missing => {
                    return Err(Box::new(ModelState::Missing {
                        file: request.path.display().to_string(),
                        hint: format!(
                            "安装模型软件包（gongwen-model-*.deb），或运行 gongwen models fetch {} 获取模型",
                            spec.name
                        ),
                    }));
                }
                bad => {
                    return Err(match bad.into_error(spec) {
                        Some(e) => failed(e.code(), e.to_string()),
                        None => failed("model-checksum", "模型文件校验失败".to_owned()),
                    });
                }
            }
            (
                spec.name.clone(),
                spec.display_name.clone(),
                spec.sha256.clone(),
                spec.size_bytes,
            )
        }
        ModelIdentity::Unregistered | ModelIdentity::Consented { .. } => {
            if !request.path.exists() {
                return Err(Box::new(ModelState::Missing {
                    file: request.path.display().to_string(),
                    hint: "请检查模型文件路径".to_owned(),
                }));
            }
            check_gguf_magic(&request.path)?;
            let sha256 = sha256_file(&request.path, &mut progress)
                .map_err(|e| failed(e.code(), e.to_string()))?;
            if let ModelIdentity::Consented { sha256: agreed } = &request.identity
                && !agreed.eq_ignore_ascii_case(&sha256)
            {
                return Err(failed(
                    "model-consent-changed",
                    format!(
                        "模型文件 {file_name} 自您确认使用以来已被更换（SHA-256 不同），未加载。请在设置中核实后重新确认"
                    ),
                ));
            }
            let size = std::fs::metadata(&request.path).map_or(0, |m| m.len());
            (
                file_name.clone(),
                format!("未登记模型 {file_name}"),
                sha256,
                size,
            )
        }
    };
    let verify_ms = started.elapsed().as_millis() as u64;

    check_cpu()?;
    let backend =
        backend().map_err(|e| failed("engine-backend", format!("推理引擎初始化失败：{e}")))?;
    shared.publish(ModelState::Loading { progress: 0.0 });
    let progress_shared = Arc::clone(shared);
    let mut last_percent = 0;
    let params = LlamaModelParams::default().with_progress_callback(move |progress| {
        let percent = (progress * 100.0) as u32;
        if percent != last_percent {
            last_percent = percent;
            progress_shared.publish(ModelState::Loading { progress });
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
        name,
        display_name,
        file: file_name,
        sha256,
        size_bytes,
        n_params: model.n_params(),
        n_ctx_train: model.n_ctx_train(),
        has_chat_template: model.meta_val_str("tokenizer.chat_template").is_ok(),
        verify_ms,
        load_ms: load_started.elapsed().as_millis() as u64,
        kernels: CpuLevel::built_name().to_owned(),
    };
    Ok((model, info))
}

/// llama.cpp is compiled for one instruction-set level (`crate::cpu`); on a
/// CPU below it, it would die of an illegal instruction. Say so instead.
fn check_cpu() -> Result<(), Box<ModelState>> {
    let Some(built) = CpuLevel::built() else {
        return Ok(());
    };
    if CpuLevel::usable().is_none_or(|usable| usable < built) {
        return Err(failed(
            "engine-cpu",
            format!(
                "此电脑的处理器不支持 {} 指令集，本机模型无法运行；不依赖模型的功能照常可用",
                built.instruction_set()
            ),
        ));
    }
    Ok(())
}

/// A file that does not start with "GGUF" is not a model at all: say so
/// plainly instead of handing it to llama.cpp.
fn check_gguf_magic(path: &std::path::Path) -> Result<(), Box<ModelState>> {
    let mut magic = [0u8; 4];
    let read = File::open(path).and_then(|mut f| f.read_exact(&mut magic));
    match read {
        Ok(()) if &magic == b"GGUF" => Ok(()),
        Ok(()) | Err(_) => Err(failed(
            "model-not-gguf",
            format!("{} 不是 GGUF 模型文件", path.display()),
        )),
    }
}

fn failed(code: &str, message: String) -> Box<ModelState> {
    Box::new(ModelState::Failed {
        code: code.to_owned(),
        message,
    })
}
