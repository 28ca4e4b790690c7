//! Loads the real test model (Gemma 3 270M) with llama.cpp. The test suite
//! fetches it first (`gongwen models fetch test`); a missing model is a
//! failure here, not a skip.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::path::PathBuf;

use gongwen_engine::{Engine, LoadRequest, ModelState};
use gongwen_models::{Manifest, models_dir_from_env};

fn test_model() -> LoadRequest {
    let spec = Manifest::builtin().unwrap().get("test").unwrap().clone();
    let path = spec.path_in(&models_dir_from_env());
    assert!(
        path.exists(),
        "test model missing at {}: run `gongwen models fetch test` (scripts/test.sh does)",
        path.display()
    );
    LoadRequest { spec, path }
}

#[test]
fn loads_the_test_model_after_verifying_it() {
    let engine = Engine::start(test_model());
    let mut seen = Vec::new();
    let (tx, rx) = std::sync::mpsc::channel();
    engine.subscribe(move |state| {
        let _ = tx.send(state.clone());
        !state.is_settled()
    });
    let settled = engine.wait_settled();
    while let Ok(state) = rx.try_recv() {
        seen.push(state);
    }
    let ModelState::Ready(info) = settled else {
        panic!("expected ready, got {settled:?}");
    };
    assert_eq!(info.name, "test");
    // Gemma 3 270M: about 268 million parameters.
    assert!(
        (200_000_000..350_000_000).contains(&info.n_params),
        "{}",
        info.n_params
    );
    assert!(info.n_ctx_train >= 8192, "{}", info.n_ctx_train);
    assert!(
        seen.iter().any(|s| matches!(s, ModelState::Loading { .. })),
        "{seen:?}"
    );
    assert!(
        matches!(seen.last(), Some(ModelState::Ready(_))),
        "{seen:?}"
    );
}

#[test]
fn tampered_model_is_refused_before_loading() {
    let request = test_model();
    let dir = tempfile::tempdir().unwrap();
    let copy: PathBuf = dir.path().join(&request.spec.file);
    let mut bytes = std::fs::read(&request.path).unwrap();
    // Flip one byte in the middle of the weights: same size, different hash.
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x5a;
    std::fs::write(&copy, &bytes).unwrap();
    let engine = Engine::start(LoadRequest {
        path: copy,
        ..request
    });
    match engine.wait_settled() {
        ModelState::Failed { code, message } => {
            assert_eq!(code, "model-checksum");
            assert!(message.contains("可能损坏或被篡改"), "{message}");
        }
        other => panic!("expected a checksum failure, got {other:?}"),
    }
}

#[test]
fn missing_model_says_how_to_get_it() {
    let request = test_model();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(LoadRequest {
        path: dir.path().join(&request.spec.file),
        ..request
    });
    match engine.wait_settled() {
        ModelState::Missing { hint, .. } => assert!(hint.contains("gongwen models fetch test")),
        other => panic!("expected missing, got {other:?}"),
    }
}
