//! 公文助手 desktop shell. Commands are thin adapters: each makes one
//! library call and maps the result into data for the UI.

// Keeps a console window from opening next to the app on Windows builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod dto;

use gongwen_engine::{ContextConfig, Engine, LoadRequest, ModelIdentity, ModelState};
use gongwen_models::{Manifest, models_dir_from_env};

pub struct AppState {
    pub engine: Engine,
}

/// The model named by `$GONGWEN_MODEL` (a manifest name; `default` if unset).
/// Starting never waits for it: the model loads in the background and the
/// app is usable meanwhile.
fn start_engine() -> Engine {
    let name = std::env::var("GONGWEN_MODEL").unwrap_or_else(|_| "default".to_owned());
    let spec = Manifest::builtin().and_then(|m| m.get(&name).cloned());
    match spec {
        Ok(spec) => {
            let path = spec.path_in(&models_dir_from_env());
            Engine::start(LoadRequest {
                path,
                identity: ModelIdentity::Known(spec),
                context: ContextConfig::for_this_machine(),
            })
        }
        Err(e) => Engine::unavailable(ModelState::Failed {
            code: e.code(),
            message: e.to_string(),
        }),
    }
}

fn main() {
    let state = AppState {
        engine: start_engine(),
    };
    let result = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::watch_model
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
