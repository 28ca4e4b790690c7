use tauri::{State, ipc::Channel};

use crate::{
    AppState,
    dto::{AppInfo, ModelStateDto, StorageStatus},
};

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo::current(state.storage.status())
}

/// Streams the model's state to the UI: the current state at once, then
/// every change, until the window goes away.
#[tauri::command]
pub fn watch_model(state: State<'_, AppState>, on_state: Channel<ModelStateDto>) {
    state
        .engine
        .subscribe(move |model| on_state.send(ModelStateDto::from(model)).is_ok());
}

/// Opens the draft store with the passphrase the user typed.
#[tauri::command]
pub fn unlock_store(state: State<'_, AppState>, passphrase: String) -> StorageStatus {
    state.storage.unlock(passphrase)
}
