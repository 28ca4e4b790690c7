//! 公文助手 desktop shell. Commands are thin adapters: each makes one
//! library call and maps the result into data for the UI.

// Keeps a console window from opening next to the app on Windows builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod assist;
mod closing;
mod commands;
mod dto;
mod files;
mod settings;

use gongwen_engine::{
    ContextConfig, Engine, LoadRequest, ModelIdentity, ModelState, WorkerCommand,
};
use gongwen_models::ModelError;
use tauri::Manager;

pub struct AppState {
    pub engine: std::sync::Arc<Engine>,
    pub jobs: std::sync::Arc<assist::Jobs>,
    pub storage: std::sync::Arc<gongwen_desk::Session>,
    /// When the process started: the window reports when it became
    /// interactive, and the cold start is measured from here.
    pub started: std::time::Instant,
    /// Holds a close of the window until the open draft is saved.
    pub closing: closing::CloseGate,
}

impl AppState {
    /// Runs `f` on the open store; a locked store is an error the window
    /// shows as such.
    pub fn store<T>(
        &self,
        f: impl FnOnce(&mut gongwen_store::Store) -> Result<T, gongwen_store::StoreError>,
    ) -> Result<T, dto::ApiError> {
        Ok(self.storage.with(f)?)
    }
}

/// The model named by `$GONGWEN_MODEL`, else by the settings (a manifest
/// name, or a file the user confirmed in 设置; `default` if unset), with the
/// settings' threads and context. Starting never waits for it: the model
/// loads in the background and the app is usable meanwhile.
fn start_engine(data_dir: &std::path::Path) -> Engine {
    let config = gongwen_desk::AppConfig::load(data_dir);
    let from_env = std::env::var("GONGWEN_MODEL")
        .ok()
        .filter(|m| !m.is_empty());
    let allow_unregistered = from_env.is_none() && config.allow_unregistered;
    let name = from_env.unwrap_or_else(|| config.model.clone());
    if name == "none" {
        return Engine::unavailable(ModelState::Failed {
            code: "model-none".to_owned(),
            message: "已设置为不使用模型（GONGWEN_MODEL=none）".to_owned(),
        });
    }
    let mut context = ContextConfig::for_this_machine();
    if let Some(threads) = config.threads {
        context.n_threads = i32::try_from(threads).unwrap_or(context.n_threads);
    }
    if let Some(n_ctx) = config.context {
        context.n_ctx = n_ctx;
    }
    let load = LoadRequest::resolve(&name, allow_unregistered, context).and_then(|mut load| {
        // Consent was given to one file: the engine compares its hash.
        if matches!(load.identity, ModelIdentity::Unregistered) {
            let sha256 = config
                .consented_sha256
                .clone()
                .ok_or_else(|| ModelError::NeedsConsent(name.clone()))?;
            load.identity = ModelIdentity::Consented { sha256 };
        }
        Ok(load)
    });
    match (load, worker_command()) {
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

/// This binary as the worker, at a lower CPU priority where `nice` is
/// there: on a 2-core PC the window and the user's typing come first and
/// llama.cpp takes what is left (`nice` execs, so the pid stays the
/// worker's own).
fn worker_command() -> std::io::Result<WorkerCommand> {
    let command = WorkerCommand::for_this_cpu()?;
    let nice = std::path::Path::new("/usr/bin/nice");
    if !nice.is_file() {
        return Ok(command);
    }
    let mut args = vec!["-n".into(), "10".into(), command.program.into_os_string()];
    args.extend(command.args);
    Ok(WorkerCommand {
        program: nice.to_path_buf(),
        args,
    })
}

fn main() {
    // Drafts and keys live in this process's memory: no core dumps, no
    // ptrace by other processes of the user. Best effort.
    let _ = gongwen_engine::no_core_dumps();
    // The same binary is the inference worker: llama.cpp runs in a child
    // process so that its abort() cannot take the window down.
    if std::env::args().nth(1).as_deref() == Some("engine-worker") {
        std::process::exit(match gongwen_engine::worker_main() {
            code if code == std::process::ExitCode::SUCCESS => 0,
            _ => 1,
        });
    }
    let started = std::time::Instant::now();
    let storage = std::sync::Arc::new(gongwen_desk::Session::new(
        gongwen_store::data_dir_from_env(),
        gongwen_store::Keyring::secret_service(),
    ));
    // The keyring or `GONGWEN_PASSPHRASE`; otherwise the window asks.
    storage.open(
        &gongwen_store::Credentials::from_env(),
        &gongwen_desk::clock::now(),
    );
    let engine = start_engine(storage.data_dir());
    {
        let storage = storage.clone();
        // The audit log names every model that loaded, with its hash.
        engine.subscribe(move |model| {
            if let ModelState::Ready(info) = model {
                let model = gongwen_desk::session::LoadedModel {
                    name: info.name.clone(),
                    file: info.file.clone(),
                    sha256: info.sha256.clone(),
                };
                storage.model_loaded(model, &gongwen_desk::clock::now());
            }
            true
        });
    }
    let state = AppState {
        engine: std::sync::Arc::new(engine),
        jobs: std::sync::Arc::default(),
        storage,
        started,
        closing: closing::CloseGate::default(),
    };
    let result = tauri::Builder::default()
        .manage(state)
        .setup(|app| {
            if let Err(e) = closing::close_on_signals(app.handle()) {
                // The window still saves on close; only a signal would not wait.
                #[allow(clippy::print_stderr)]
                {
                    eprintln!("公文助手：无法处理结束信号：{e}");
                }
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event
                && window.state::<AppState>().closing.hold()
            {
                api.prevent_close();
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::ui_ready,
            commands::watch_model,
            closing::watch_close,
            closing::close_window,
            commands::unlock_store,
            commands::list_drafts,
            commands::new_draft,
            commands::open_draft,
            commands::save_draft,
            commands::draft_history,
            commands::view_revision,
            commands::restore_revision,
            commands::delete_draft,
            commands::deleted_drafts,
            commands::undelete_draft,
            commands::proofread,
            commands::spell_paragraph,
            commands::record_feedback,
            commands::import_file,
            commands::export_draft,
            commands::preview_draft,
            commands::diff_text,
            commands::draft_examples,
            commands::generate_draft,
            commands::polish_text,
            commands::summarize_draft,
            commands::stop_job,
            settings::settings_info,
            settings::save_profile,
            settings::add_term,
            settings::remove_term,
            settings::audit_log,
            settings::create_backup,
            settings::restore_backup,
            settings::save_model_config,
            settings::change_key_source,
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The window may call exactly the commands the app declares: the list
    /// in build.rs (which makes each a permission) and the capability file
    /// must agree.
    #[test]
    fn the_capability_grants_exactly_the_declared_commands() {
        let build = include_str!("../build.rs");
        let declared: Vec<String> = build
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"')?.strip_suffix("\","))
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
        let granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect();
        assert!(declared.len() > 10, "{declared:?}");
        assert_eq!(declared, granted);
    }

    /// build.rs's list, the handlers registered here and the names the
    /// window invokes are one set: a command missing from any of them fails
    /// only at run time, in the window.
    #[test]
    fn the_declared_registered_and_invoked_commands_are_the_same() {
        let declared: BTreeSet<&str> = include_str!("../build.rs")
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"')?.strip_suffix("\","))
            .collect();
        let main = include_str!("main.rs");
        let handlers = main
            .split_once("generate_handler![")
            .and_then(|(_, rest)| rest.split_once("])"))
            .map_or("", |(list, _)| list);
        let registered: BTreeSet<&str> = handlers
            .split(',')
            .filter_map(|path| path.trim().rsplit("::").next())
            .filter(|name| !name.is_empty())
            .collect();
        let backend = include_str!("../../ui/src/backend/index.ts");
        let invoked: BTreeSet<&str> = backend
            .split("invoke")
            .skip(1)
            .filter_map(|call| {
                // invoke("name" or invoke<Type>("name"
                let call = call
                    .strip_prefix('<')
                    .map_or(call, |c| c.split_once('>').map_or(c, |(_, r)| r));
                call.strip_prefix("(\"")?
                    .split_once('"')
                    .map(|(name, _)| name)
            })
            .collect();
        assert!(declared.len() > 10, "{declared:?}");
        assert_eq!(declared, registered, "build.rs vs generate_handler!");
        assert_eq!(declared, invoked, "build.rs vs ui/src/backend/index.ts");
    }
}
