//! The engine as the app uses it: in a worker process. A crash of the
//! worker (llama.cpp can abort()) is reported and the worker restarted; a
//! cancel ends a request at once even inside one long llama.cpp call.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::time::{Duration, Instant};

use gongwen_engine::{
    ContextConfig, Engine, EngineRequest, GenerationEvent, Input, LoadRequest, ModelIdentity,
    ModelState, PromptFeeding, SamplingParams, StopReason, WorkerCommand,
};
use gongwen_models::{Manifest, models_dir_from_env};

fn worker() -> WorkerCommand {
    WorkerCommand {
        program: env!("CARGO_BIN_EXE_gongwen-engine-worker").into(),
        args: Vec::new(),
    }
}

fn test_model(n_ctx: u32) -> LoadRequest {
    let spec = Manifest::builtin().unwrap().get("test").unwrap().clone();
    let path = spec.path_in(&models_dir_from_env());
    assert!(path.exists(), "run `gongwen models fetch test` first");
    LoadRequest {
        path,
        identity: ModelIdentity::Known(spec),
        context: ContextConfig {
            n_ctx,
            ..ContextConfig::for_this_machine()
        },
    }
}

fn ready(engine: &Engine) {
    let state = engine.wait_settled();
    assert!(matches!(state, ModelState::Ready(_)), "{state:?}");
}

const PROMPT: &str = "关于做好2026年安全生产工作的通知\n各区人民政府：\n为做好";

#[test]
fn the_worker_gives_the_same_greedy_text_as_in_process() {
    let engine = Engine::start(test_model(2048), worker());
    ready(&engine);
    let via_worker = engine
        .generate(EngineRequest::greedy(Input::Text(PROMPT.into()), 32))
        .finish(|_| {})
        .unwrap();
    let local = gongwen_engine::LocalEngine::start(test_model(2048));
    let in_process = local
        .generate(EngineRequest::greedy(Input::Text(PROMPT.into()), 32))
        .finish(|_| {})
        .unwrap();
    assert_eq!(via_worker.text, in_process.text);
    assert!(via_worker.generated_tokens > 0);
}

#[test]
fn a_worker_killed_mid_generation_is_reported_and_restarted() {
    let engine = Engine::start(test_model(2048), worker());
    ready(&engine);
    let first_pid = engine.worker_pid().unwrap();
    let mut request = EngineRequest::greedy(Input::Text(PROMPT.into()), 2000);
    request.sampling = SamplingParams::drafting(3);
    let mut generation = engine.generate(request);
    let mut kept = String::new();
    // Let some text arrive, then kill the worker as a crash would.
    while kept.chars().count() < 3 {
        match generation.next_event().unwrap() {
            GenerationEvent::Text(text) => kept.push_str(&text),
            GenerationEvent::Progress { .. } => {}
            other => panic!("ended before the kill: {other:?}"),
        }
    }
    std::process::Command::new("kill")
        .args(["-9", &first_pid.to_string()])
        .status()
        .unwrap();
    let mut last = None;
    while let Some(event) = generation.next_event() {
        match event {
            GenerationEvent::Text(text) => kept.push_str(&text),
            GenerationEvent::Progress { .. } => {}
            other => last = Some(other),
        }
    }
    match last {
        Some(GenerationEvent::Failed { code, message }) => {
            assert_eq!(code, "engine-crashed");
            assert!(message.contains("已生成的文字已保留"), "{message}");
        }
        other => panic!("expected a crash report, got {other:?}"),
    }
    assert!(
        !kept.is_empty(),
        "text delivered before the crash stays with the caller"
    );

    // A new worker loads the model again and serves the next request.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !matches!(engine.state(), ModelState::Ready(_)) {
        assert!(
            Instant::now() < deadline,
            "no restart: {:?}",
            engine.state()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_ne!(engine.worker_pid(), Some(first_pid));
    let report = engine
        .generate(EngineRequest::greedy(Input::Text(PROMPT.into()), 8))
        .finish(|_| {})
        .unwrap();
    assert!(report.generated_tokens > 0);
}

#[test]
fn cancel_inside_one_long_batch_ends_the_request_at_once() {
    let engine = Engine::start(test_model(8192), worker());
    ready(&engine);
    let long = "各地区各部门要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。".repeat(220);
    let mut request = EngineRequest::greedy(Input::Text(long), 8);
    // Full batches: one llama.cpp call per 512 tokens, no chance to check
    // for a cancel in between.
    request.prompt_feeding = PromptFeeding::FullBatches;
    let generation = engine.generate(request);
    std::thread::sleep(Duration::from_millis(150));
    let asked = Instant::now();
    generation.cancel();
    let report = generation.finish(|_| {}).unwrap();
    let latency = asked.elapsed();
    eprintln!(
        "cancel latency, full batches, worker process: {:.1} ms",
        latency.as_secs_f64() * 1000.0
    );
    assert_eq!(report.stop_reason, StopReason::Cancelled);
    // A request made while the replacement worker starts waits for it.
    let next = engine
        .generate(EngineRequest::greedy(Input::Text(PROMPT.into()), 4))
        .finish(|_| {})
        .unwrap();
    assert!(next.generated_tokens > 0);
}

#[test]
fn async_callers_receive_the_same_events() {
    let engine = Engine::start(test_model(2048), worker());
    ready(&engine);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut generation = engine.generate(EngineRequest::greedy(Input::Text(PROMPT.into()), 16));
    let (text, report, speeds) = runtime.block_on(async {
        let mut text = String::new();
        let mut speeds = Vec::new();
        loop {
            match generation.next_event_async().await {
                Some(GenerationEvent::Text(piece)) => text.push_str(&piece),
                Some(GenerationEvent::Progress {
                    tokens_per_second, ..
                }) => speeds.push(tokens_per_second),
                Some(GenerationEvent::Done(report)) => break (text, report, speeds),
                other => panic!("{other:?}"),
            }
        }
    });
    assert_eq!(text, report.text);
    // The status bar's tokens/s: reported while generating, not only at the end.
    assert!(
        !speeds.is_empty() && speeds.iter().all(|s| *s > 0.0),
        "{speeds:?}"
    );
}

#[test]
fn a_missing_worker_program_is_a_clear_failure() {
    let engine = Engine::start(
        test_model(512),
        WorkerCommand {
            program: "/nonexistent/gongwen".into(),
            args: Vec::new(),
        },
    );
    match engine.wait_settled() {
        ModelState::Failed { code, message } => {
            assert_eq!(code, "engine-spawn");
            assert!(message.contains("无法启动模型进程"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let err = engine
        .generate(EngineRequest::greedy(Input::Text("你好".into()), 4))
        .finish(|_| {})
        .unwrap_err();
    assert_eq!(err.0, "engine-spawn");
}

/// Kills the worker and waits until its replacement has settled.
fn restart_and_settle(engine: &Engine) -> ModelState {
    let pid = engine.worker_pid().unwrap();
    std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let state = engine.state();
        // "Restarting" is the host's word for the gap before the new
        // worker reports: the new pid can show before the new state.
        let settled = match &state {
            ModelState::Failed { code, .. } => code != "engine-restarting",
            other => matches!(other, ModelState::Ready(_) | ModelState::Missing { .. }),
        };
        if settled && engine.worker_pid().is_some_and(|p| p != pid) {
            return state;
        }
        assert!(Instant::now() < deadline, "no restart: {state:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_model_replaced_or_deleted_while_running_is_caught_at_the_next_load() {
    let original = test_model(1024);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gemma-3-270m-q4_k_m.gguf");
    std::fs::copy(&original.path, &path).unwrap();
    let engine = Engine::start(
        LoadRequest {
            path: path.clone(),
            ..original
        },
        worker(),
    );
    ready(&engine);

    // Replaced behind our back by a file of the same size (one byte
    // changed), the way an attacker would swap weights: written aside and
    // renamed over the original while the running worker still maps it.
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x5a;
    let swap = dir.path().join("swap.gguf");
    std::fs::write(&swap, &bytes).unwrap();
    drop(bytes);
    std::fs::rename(&swap, &path).unwrap();
    match restart_and_settle(&engine) {
        ModelState::Failed { code, message } => {
            assert_eq!(code, "model-checksum");
            assert!(message.contains("可能损坏或被篡改"), "{message}");
        }
        other => panic!("a replaced model loaded: {other:?}"),
    }
    let failed = engine
        .generate(EngineRequest::greedy(Input::Text(PROMPT.into()), 8))
        .finish(|_| {});
    assert!(failed.is_err(), "a request ran on a refused model");

    // Deleted: the next load says the file is missing.
    std::fs::remove_file(&path).unwrap();
    match restart_and_settle(&engine) {
        ModelState::Missing { file, .. } => assert!(file.contains("gemma"), "{file}"),
        other => panic!("expected the model to be missing, got {other:?}"),
    }
}
