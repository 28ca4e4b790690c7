//! Inference in a child process. llama.cpp calls `abort()` on some errors,
//! which no Rust code can catch; in a worker process that takes down only
//! the worker. The host notices, tells the caller (text already delivered
//! stays delivered), and starts a new worker. A cancel the worker does not
//! honour at once (it is inside one long llama.cpp call) ends the same way:
//! the worker is killed and replaced, and the caller sees a prompt cancel.
//!
//! Protocol: one JSON object per line, host → worker on stdin, worker →
//! host on stdout. The worker's stderr is passed through.

use std::{
    collections::HashMap,
    ffi::OsString,
    io::{BufRead, BufReader, Write},
    path::PathBuf,
    process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio},
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::{
    EngineRequest, Generation, GenerationEvent, GenerationReport, LoadRequest, LocalEngine,
    ModelState, StopReason,
    cpu::{CPU_LEVEL_ENV, Plan},
    local::unavailable_event,
    state::StateBoard,
};

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ToWorker {
    Load { request: LoadRequest },
    Generate { id: u64, request: EngineRequest },
    Cancel { id: u64 },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum FromWorker {
    State { state: ModelState },
    Event { id: u64, event: GenerationEvent },
}

/// How long a cancelled request may take to stop before its worker is
/// killed: between tokens it stops well within this; inside a long prompt
/// batch it cannot, and the kill keeps the promise of a prompt cancel.
const CANCEL_GRACE: Duration = Duration::from_millis(100);
/// More crashes than this within `CRASH_WINDOW` and the host gives up.
const MAX_CRASHES: usize = 3;
const CRASH_WINDOW: Duration = Duration::from_secs(60);

/// The worker side: serves requests from stdin until stdin closes.
/// Front ends call this when started as `<binary> engine-worker`.
pub fn worker_main() -> ExitCode {
    // `<worker> speed …` measures instead of serving (`crate::speed`).
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == crate::speed::SPEED_ARG) {
        return crate::speed::speed_main(&args[at + 1..]);
    }
    // Also for a worker binary whose main did not (the engine's tests).
    let _ = no_core_dumps();
    let out = Arc::new(Mutex::new(std::io::stdout()));
    let send = {
        let out = Arc::clone(&out);
        move |message: &FromWorker| -> bool {
            let Ok(mut line) = serde_json::to_string(message) else {
                return false;
            };
            line.push('\n');
            let mut out = out.lock().unwrap_or_else(|p| p.into_inner());
            out.write_all(line.as_bytes())
                .and_then(|()| out.flush())
                .is_ok()
        }
    };
    let mut engine: Option<LocalEngine> = None;
    let cancellers: Arc<Mutex<HashMap<u64, crate::Canceller>>> = Arc::default();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let Ok(message) = serde_json::from_str::<ToWorker>(&line) else {
            continue;
        };
        match message {
            ToWorker::Load { request } => {
                if engine.is_none() {
                    let local = LocalEngine::start(request);
                    let send = send.clone();
                    local.subscribe(move |state| {
                        send(&FromWorker::State {
                            state: state.clone(),
                        })
                    });
                    engine = Some(local);
                }
            }
            ToWorker::Generate { id, request } => {
                let mut generation = match &engine {
                    Some(engine) => engine.generate(request),
                    None => Generation::failed_at_once(GenerationEvent::failed(
                        "engine-not-loaded",
                        "模型尚未加载",
                    )),
                };
                lock(&cancellers).insert(id, generation.canceller());
                let send = send.clone();
                let cancellers = Arc::clone(&cancellers);
                thread::spawn(move || {
                    while let Some(event) = generation.next_event() {
                        let last = event.is_last();
                        send(&FromWorker::Event { id, event });
                        if last {
                            break;
                        }
                    }
                    lock(&cancellers).remove(&id);
                });
            }
            ToWorker::Cancel { id } => {
                if let Some(cancel) = lock(&cancellers).get(&id) {
                    cancel();
                }
            }
        }
    }
    drop(engine);
    ExitCode::SUCCESS
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// How a worker ended, for the user: the exit code or the signal, in
/// Chinese (Rust's own wording is English).
fn exit_in_chinese(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("退出码 {code}"),
        (None, Some(6)) => "推理库中止运行，信号 6".to_owned(),
        (None, Some(9)) => "被强制结束，信号 9".to_owned(),
        (None, Some(11)) => "内存访问错误，信号 11".to_owned(),
        (None, Some(signal)) => format!("信号 {signal}"),
        (None, None) => "原因不明".to_owned(),
    }
}

/// What a worker inherits of our environment: where to find things and
/// how to speak, nothing secret (a passphrase, a token) whatever it is
/// called.
const WORKER_ENVIRONMENT: [&str; 9] = [
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TMPDIR",
    "LD_LIBRARY_PATH",
    "GONGWEN_MODELS",
    CPU_LEVEL_ENV,
];

fn worker_environment() -> impl Iterator<Item = (&'static str, OsString)> {
    WORKER_ENVIRONMENT
        .into_iter()
        .filter_map(|name| std::env::var_os(name).map(|value| (name, value)))
}

/// Keeps this process out of core dumps and out of other processes'
/// `ptrace`/`/proc/PID/mem`: its memory holds document text and keys, and
/// the worker aborts by design when llama.cpp does. Call first in `main`.
pub fn no_core_dumps() -> std::io::Result<()> {
    use rustix::process::{DumpableBehavior, Resource, Rlimit, set_dumpable_behavior, setrlimit};
    setrlimit(
        Resource::Core,
        Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    )?;
    set_dumpable_behavior(DumpableBehavior::NotDumpable)?;
    Ok(())
}

/// How to start a worker: a program and its arguments.
#[derive(Debug, Clone)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

impl WorkerCommand {
    /// The worker that suits this CPU best (see [`crate::cpu`]): a
    /// level-specific worker binary installed beside this one, or this very
    /// executable as `<exe> engine-worker`.
    pub fn for_this_cpu() -> std::io::Result<WorkerCommand> {
        let exe = std::env::current_exe()?;
        Ok(WorkerCommand::of_plan(&exe, &Plan::for_exe(&exe)))
    }

    /// The worker `plan` chose for `exe`: a level-specific binary, or `exe`
    /// itself as `<exe> engine-worker`.
    pub fn of_plan(exe: &std::path::Path, plan: &Plan) -> WorkerCommand {
        match &plan.chosen {
            Some(worker) if worker.program != exe => WorkerCommand {
                program: worker.program.clone(),
                args: Vec::new(),
            },
            _ => WorkerCommand {
                program: exe.to_path_buf(),
                args: vec!["engine-worker".into()],
            },
        }
    }

    /// This very executable, started again as `<exe> engine-worker`.
    pub fn current_exe() -> std::io::Result<WorkerCommand> {
        Ok(WorkerCommand {
            program: std::env::current_exe()?,
            args: vec!["engine-worker".into()],
        })
    }
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    incarnation: u64,
}

struct Pending {
    events: mpsc::UnboundedSender<GenerationEvent>,
    /// Text delivered so far: kept in the report if the worker is killed.
    text: String,
    cancel_requested: bool,
    /// The worker serving it; `QUEUED` while a new worker is starting.
    incarnation: u64,
    /// Kept so that a request the worker had not started yet can go to
    /// its replacement.
    request: EngineRequest,
}

impl Pending {
    fn new(
        events: mpsc::UnboundedSender<GenerationEvent>,
        incarnation: u64,
        request: EngineRequest,
    ) -> Pending {
        Pending {
            events,
            text: String::new(),
            cancel_requested: false,
            incarnation,
            request,
        }
    }
}

/// Incarnations start at 1: 0 marks a request waiting for a worker.
const QUEUED: u64 = 0;

struct Host {
    board: StateBoard,
    command: WorkerCommand,
    load: LoadRequest,
    worker: Mutex<Option<Worker>>,
    pending: Mutex<HashMap<u64, Pending>>,
    next_id: AtomicU64,
    next_incarnation: AtomicU64,
    crashes: Mutex<Vec<Instant>>,
    shutting_down: AtomicBool,
    respawning: AtomicBool,
    /// The incarnation last killed to honour a cancel, and its process
    /// until it is reaped.
    killed_for_cancel: AtomicU64,
    dying: Mutex<Option<Worker>>,
}

/// The engine as the app and the command line use it: a worker process
/// that owns the model, behind the same API as [`LocalEngine`], plus async
/// events. Dropping it ends the worker.
pub struct Engine {
    host: Arc<Host>,
}

/// Why the model did not become ready: plain Chinese, and a short stable
/// code for scripts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NotReady {
    pub code: String,
    pub message: String,
}

impl Engine {
    /// Starts a worker and asks it to load the model. Returns at once.
    pub fn start(load: LoadRequest, command: WorkerCommand) -> Engine {
        let host = Arc::new(Host::new(
            ModelState::Verifying { progress: 0.0 },
            command,
            load,
        ));
        Host::spawn(&host);
        Engine { host }
    }

    /// Starts the worker this CPU gets and waits until the model is loaded
    /// or has failed: for front ends that need the model before anything
    /// else (the CLI, the benchmarks). The window starts and goes on instead.
    pub fn start_ready(load: LoadRequest) -> Result<(Engine, crate::ModelInfo), NotReady> {
        let worker = WorkerCommand::for_this_cpu().map_err(|e| NotReady {
            code: "engine-spawn".to_owned(),
            message: format!("找不到本程序的路径，无法启动模型进程：{e}"),
        })?;
        let engine = Engine::start(load, worker);
        match engine.wait_settled() {
            ModelState::Ready(info) => Ok((engine, info)),
            ModelState::Missing { file, hint } => Err(NotReady {
                code: "model-missing".to_owned(),
                message: format!("未找到模型文件 {file}。{hint}"),
            }),
            ModelState::Failed { code, message } => Err(NotReady { code, message }),
            other => Err(NotReady {
                code: "internal".to_owned(),
                message: format!("模型状态异常：{other:?}"),
            }),
        }
    }

    /// An engine with nothing to run (an unknown model name, say).
    pub fn unavailable(state: ModelState) -> Engine {
        let nothing = WorkerCommand {
            program: PathBuf::new(),
            args: Vec::new(),
        };
        let no_model = LoadRequest {
            path: PathBuf::new(),
            identity: crate::ModelIdentity::Unregistered,
            context: crate::ContextConfig::for_this_machine(),
        };
        let host = Host::new(state, nothing, no_model);
        host.shutting_down.store(true, Ordering::SeqCst);
        Engine {
            host: Arc::new(host),
        }
    }

    pub fn state(&self) -> ModelState {
        self.host.board.get()
    }

    /// Calls `listener` with the current state now and with every change,
    /// until it returns `false`. Keep it short: it runs on a reader thread.
    pub fn subscribe(&self, listener: impl FnMut(&ModelState) -> bool + Send + 'static) {
        self.host.board.subscribe(listener);
    }

    /// Blocks until loading has settled (ready, missing or failed).
    pub fn wait_settled(&self) -> ModelState {
        self.host.board.wait_settled()
    }

    /// The worker's process id, for diagnostics and tests.
    pub fn worker_pid(&self) -> Option<u32> {
        lock(&self.host.worker).as_ref().map(|w| w.child.id())
    }

    pub fn generate(&self, request: EngineRequest) -> Generation {
        let id = self.host.next_id.fetch_add(1, Ordering::Relaxed);
        let (events, receiver) = mpsc::unbounded_channel();
        {
            let mut worker = lock(&self.host.worker);
            let mut pending = lock(&self.host.pending);
            match worker.as_mut() {
                Some(worker) => {
                    // A failed write means the worker is gone; its reader
                    // thread deals with this request along with the others.
                    let _ = write_message(
                        &mut worker.stdin,
                        &ToWorker::Generate {
                            id,
                            request: request.clone(),
                        },
                    );
                    pending.insert(id, Pending::new(events, worker.incarnation, request));
                }
                // Between a worker's death and its replacement: wait for
                // the new one.
                None if self.host.restarting() => {
                    pending.insert(id, Pending::new(events, QUEUED, request));
                }
                None => {
                    return Generation::failed_at_once(unavailable_event(&self.host.board.get()));
                }
            }
        }
        let host = Arc::clone(&self.host);
        Generation::new(receiver, Arc::new(move || Host::cancel(&host, id)))
    }
}

impl Engine {
    /// Model-assisted spelling in the worker, waiting for the answer.
    pub fn spell(
        &self,
        text: &str,
        protected: &[(usize, usize)],
    ) -> Result<Vec<gongwen_proofread::spelling::Correction>, (String, String)> {
        let config = gongwen_proofread::spelling::SpellingConfig::default();
        crate::corrections_of(self.generate(EngineRequest::spelling(text, protected, config)))
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.host.shutting_down.store(true, Ordering::SeqCst);
        let worker = lock(&self.host.worker).take();
        if let Some(Worker {
            mut child, stdin, ..
        }) = worker
        {
            // Closing stdin asks the worker to finish; a worker stuck in
            // llama.cpp is killed after a moment.
            drop(stdin);
            let deadline = Instant::now() + Duration::from_secs(2);
            while Instant::now() < deadline {
                if matches!(child.try_wait(), Ok(Some(_))) {
                    return;
                }
                thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn write_message(stdin: &mut ChildStdin, message: &ToWorker) -> std::io::Result<()> {
    let mut line = serde_json::to_string(message).map_err(std::io::Error::other)?;
    line.push('\n');
    stdin.write_all(line.as_bytes())?;
    stdin.flush()
}

impl Host {
    fn new(state: ModelState, command: WorkerCommand, load: LoadRequest) -> Host {
        Host {
            board: StateBoard::new(state),
            command,
            load,
            worker: Mutex::new(None),
            pending: Mutex::default(),
            next_id: AtomicU64::new(1),
            next_incarnation: AtomicU64::new(1),
            crashes: Mutex::default(),
            shutting_down: AtomicBool::new(false),
            respawning: AtomicBool::new(false),
            killed_for_cancel: AtomicU64::new(QUEUED),
            dying: Mutex::new(None),
        }
    }

    /// True while a replacement worker is on its way.
    fn restarting(&self) -> bool {
        !self.shutting_down.load(Ordering::SeqCst) && self.respawning.load(Ordering::SeqCst)
    }

    fn spawn(host: &Arc<Host>) {
        host.respawning.store(true, Ordering::SeqCst);
        let spawned = Host::try_spawn(host);
        host.respawning.store(false, Ordering::SeqCst);
        if !spawned {
            host.fail_queued();
        }
    }

    /// Removes and returns the requests of one worker (or the queued ones).
    fn take_pending(&self, incarnation: u64) -> Vec<(u64, Pending)> {
        lock(&self.pending)
            .extract_if(|_, job| job.incarnation == incarnation)
            .collect()
    }

    /// Nobody will serve what waited for a new worker: say why.
    fn fail_queued(&self) {
        let event = unavailable_event(&self.board.get());
        for (_, job) in self.take_pending(QUEUED) {
            let _ = job.events.send(event.clone());
        }
    }

    /// Starts a worker, asks it to load the model and hands it the queued
    /// requests. False when no worker could be started.
    fn try_spawn(host: &Arc<Host>) -> bool {
        let incarnation = host.next_incarnation.fetch_add(1, Ordering::Relaxed);
        let child = Command::new(&host.command.program)
            .args(&host.command.args)
            // Document text reaches the worker through its stdin only; the
            // store's passphrase and anything else in ours stays with us.
            .env_clear()
            .envs(worker_environment())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn();
        let mut child = match child {
            Ok(child) => child,
            Err(e) => {
                host.board.publish(ModelState::Failed {
                    code: "engine-spawn".to_owned(),
                    message: format!("无法启动模型进程：{e}"),
                });
                return false;
            }
        };
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            host.board.publish(ModelState::Failed {
                code: "engine-spawn".to_owned(),
                message: "无法连接模型进程".to_owned(),
            });
            return false;
        };
        let _ = write_message(
            &mut stdin,
            &ToWorker::Load {
                request: host.load.clone(),
            },
        );
        {
            let mut worker = lock(&host.worker);
            let mut pending = lock(&host.pending);
            for (id, job) in pending
                .iter_mut()
                .filter(|(_, job)| job.incarnation == QUEUED)
            {
                job.incarnation = incarnation;
                let request = job.request.clone();
                let _ = write_message(&mut stdin, &ToWorker::Generate { id: *id, request });
            }
            *worker = Some(Worker {
                child,
                stdin,
                incarnation,
            });
        }
        let reader_host = Arc::clone(host);
        let spawned = thread::Builder::new()
            .name("gongwen-engine-reader".into())
            .spawn(move || Host::read(&reader_host, stdout, incarnation));
        if spawned.is_err() {
            Host::worker_exited(host, incarnation);
        }
        true
    }

    fn read(host: &Arc<Host>, stdout: ChildStdout, incarnation: u64) {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            match serde_json::from_str::<FromWorker>(&line) {
                Ok(FromWorker::State { state }) => host.board.publish(state),
                Ok(FromWorker::Event { id, event }) => host.deliver(id, event),
                // Not ours: ignore rather than tear the worker down.
                Err(_) => {}
            }
        }
        Host::worker_exited(host, incarnation);
    }

    fn deliver(&self, id: u64, event: GenerationEvent) {
        let mut pending = lock(&self.pending);
        let Some(job) = pending.get_mut(&id) else {
            return;
        };
        if let GenerationEvent::Text(text) = &event {
            job.text.push_str(text);
        }
        let last = event.is_last();
        let _ = job.events.send(event);
        if last {
            pending.remove(&id);
        }
    }

    fn cancel(host: &Arc<Host>, id: u64) {
        let incarnation = {
            let mut pending = lock(&host.pending);
            let Some(job) = pending.get_mut(&id) else {
                return;
            };
            job.cancel_requested = true;
            job.incarnation
        };
        if let Some(worker) = lock(&host.worker).as_mut() {
            let _ = write_message(&mut worker.stdin, &ToWorker::Cancel { id });
        }
        let host = Arc::clone(host);
        thread::spawn(move || {
            thread::sleep(CANCEL_GRACE);
            let mut worker = lock(&host.worker);
            let Some(live) = worker.as_mut().filter(|w| w.incarnation == incarnation) else {
                return;
            };
            let Some(job) = lock(&host.pending).remove(&id) else {
                return;
            };
            // Inside one long llama.cpp call: end it the hard way, and tell
            // the caller now rather than after the process is reaped.
            host.killed_for_cancel.store(incarnation, Ordering::SeqCst);
            let _ = live.child.kill();
            let _ = job
                .events
                .send(GenerationEvent::Done(cancelled_report(job.text)));
        });
    }

    fn worker_exited(host: &Arc<Host>, incarnation: u64) {
        // Killed because a cancel did not take effect in time: not a crash.
        let cancel_kill = host.killed_for_cancel.load(Ordering::SeqCst) == incarnation;
        let old = {
            let mut worker = lock(&host.worker);
            if worker
                .as_ref()
                .is_some_and(|w| w.incarnation == incarnation)
            {
                worker.take()
            } else if cancel_kill {
                lock(&host.dying).take()
            } else {
                return;
            }
        };
        // From here until the new worker is up, requests are queued.
        host.respawning.store(true, Ordering::SeqCst);
        let status = old
            .and_then(|mut old| old.child.wait().ok())
            .map(|s| exit_in_chinese(&s))
            .unwrap_or_else(|| "原因不明".to_owned());
        if host.shutting_down.load(Ordering::SeqCst) {
            return;
        }
        let orphans = host.take_pending(incarnation);
        let mut requeue = Vec::new();
        for (id, job) in orphans {
            let event = if job.cancel_requested {
                GenerationEvent::Done(cancelled_report(job.text))
            } else if cancel_kill && job.text.is_empty() {
                // Waiting behind the cancelled request: the replacement
                // worker serves it.
                requeue.push((id, job));
                continue;
            } else {
                GenerationEvent::failed(
                    "engine-crashed",
                    format!("模型进程意外退出（{status}），已生成的文字已保留；正在重新启动模型"),
                )
            };
            let _ = job.events.send(event);
        }
        {
            let mut pending = lock(&host.pending);
            for (id, mut job) in requeue {
                job.incarnation = QUEUED;
                pending.insert(id, job);
            }
        }
        if !cancel_kill {
            let mut crashes = lock(&host.crashes);
            let now = Instant::now();
            crashes.retain(|t| now.duration_since(*t) < CRASH_WINDOW);
            crashes.push(now);
            if crashes.len() > MAX_CRASHES {
                host.respawning.store(false, Ordering::SeqCst);
                host.board.publish(ModelState::Failed {
                    code: "engine-crashed".to_owned(),
                    message: "模型进程反复异常退出，已停止重启。请检查模型文件，或在设置中更换模型；不依赖模型的功能照常可用"
                        .to_owned(),
                });
                host.fail_queued();
                return;
            }
            host.board.publish(ModelState::Failed {
                code: "engine-restarting".to_owned(),
                message: format!("模型进程意外退出（{status}），正在重新启动"),
            });
        }
        Host::spawn(host);
    }
}

fn cancelled_report(text: String) -> GenerationReport {
    GenerationReport {
        text,
        stop_reason: StopReason::Cancelled,
        prompt_tokens: 0,
        reused_prompt_tokens: 0,
        truncated_tokens: 0,
        generated_tokens: 0,
        time_to_first_token_ms: 0.0,
        prompt_eval_ms: 0.0,
        generation_ms: 0.0,
        logprob: 0.0,
    }
}

#[cfg(test)]
mod exit_tests {
    use std::os::unix::process::ExitStatusExt;

    use super::exit_in_chinese;

    #[test]
    fn a_worker_s_end_reads_in_chinese() {
        let killed = std::process::ExitStatus::from_raw(9);
        assert_eq!(exit_in_chinese(&killed), "被强制结束，信号 9");
        let aborted = std::process::ExitStatus::from_raw(6);
        assert_eq!(exit_in_chinese(&aborted), "推理库中止运行，信号 6");
        let exited = std::process::ExitStatus::from_raw(3 << 8);
        assert_eq!(exit_in_chinese(&exited), "退出码 3");
    }
}
