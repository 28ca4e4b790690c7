use tauri::{State, ipc::Channel};

use crate::{
    AppState,
    dto::{AppInfo, ModelStateDto},
};

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo::current(state.storage.clone())
}

/// Streams the model's state to the UI: the current state at once, then
/// every change, until the window goes away.
#[tauri::command]
pub fn watch_model(state: State<'_, AppState>, on_state: Channel<ModelStateDto>) {
    state
        .engine
        .subscribe(move |model| on_state.send(ModelStateDto::from(model)).is_ok());
}
