//! 公文助手 desktop shell. Commands are thin adapters: each makes one
//! library call and maps the result into data for the UI.

// Keeps a console window from opening next to the app on Windows builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod dto;
mod storage;

use gongwen_engine::{ContextConfig, Engine, LoadRequest, ModelState, WorkerCommand};

pub struct AppState {
    pub engine: Engine,
    pub storage: storage::Storage,
}

/// The model named by `$GONGWEN_MODEL` (a manifest name; `default` if unset).
/// Starting never waits for it: the model loads in the background and the
/// app is usable meanwhile.
fn start_engine() -> Engine {
    let name = std::env::var("GONGWEN_MODEL").unwrap_or_else(|_| "default".to_owned());
    // Unregistered files need the user's confirmation in settings.
    let load = LoadRequest::resolve(&name, false, ContextConfig::for_this_machine());
    match (load, WorkerCommand::current_exe()) {
        (Ok(load), Ok(worker)) => Engine::start(load, worker),
        (Err(e), _) => Engine::unavailable(ModelState::Failed {
            code: e.code().to_owned(),
            message: e.to_string(),
        }),
        (_, Err(e)) => Engine::unavailable(ModelState::Failed {
            code: "engine-spawn".to_owned(),
            message: format!("找不到本程序的路径，无法启动模型进程：{e}"),
        }),
    }
}

fn main() {
    // The same binary is the inference worker: llama.cpp runs in a child
    // process so that its abort() cannot take the window down.
    if std::env::args().nth(1).as_deref() == Some("engine-worker") {
        std::process::exit(match gongwen_engine::worker_main() {
            code if code == std::process::ExitCode::SUCCESS => 0,
            _ => 1,
        });
    }
    let storage = storage::Storage::open_at_start();
    let engine = start_engine();
    {
        let storage = storage.clone();
        engine.subscribe(move |model| {
            storage.on_model_state(model);
            true
        });
    }
    let state = AppState { engine, storage };
    let result = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::watch_model,
            commands::unlock_store
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        // There is no window to show this in.
        #[allow(clippy::print_stderr)]
        {
            eprintln!("公文助手无法启动：{e}");
        }
        std::process::exit(2);
    }
}
