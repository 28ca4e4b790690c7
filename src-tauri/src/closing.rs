//! Closing the window never drops typed text. A close request is held
//! until the window has saved the open draft (it then calls
//! `close_window`); a save that fails keeps the window open and says so. A
//! termination signal — logout, shutdown, Ctrl+C in a terminal — closes the
//! window the same way, with a deadline, because the session is ending.

use std::sync::{
    Mutex,
    atomic::{AtomicBool, Ordering},
};
use std::time::Duration;

use tauri::{AppHandle, Manager, State, WebviewWindow, ipc::Channel};

use crate::AppState;

/// How long a signal waits for the window to save before the process ends.
const SIGNAL_DEADLINE: Duration = Duration::from_secs(20);

#[derive(Default)]
pub struct CloseGate {
    /// The window's listener for close requests, once it is interactive.
    watcher: Mutex<Option<Channel<()>>>,
    /// Set by the window when it is done: the next close goes through.
    released: AtomicBool,
}

impl CloseGate {
    /// Whether a close request must wait for the window: it does when a
    /// window is listening and has not released the close yet. A window
    /// that never started listening (still loading, or broken) is not
    /// waited for.
    pub fn hold(&self) -> bool {
        if self.released.load(Ordering::SeqCst) {
            return false;
        }
        let watcher = self.watcher.lock().unwrap_or_else(|e| e.into_inner());
        watcher.as_ref().is_some_and(|w| w.send(()).is_ok())
    }
}

/// The window asks to hear about close requests; from then on, closing
/// waits for it.
#[tauri::command]
pub fn watch_close(state: State<'_, AppState>, on_close: Channel<()>) {
    *state
        .closing
        .watcher
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some(on_close);
}

/// The window has saved (or the user chose to discard): close it now.
#[tauri::command(async)]
pub fn close_window(state: State<'_, AppState>, window: WebviewWindow) {
    state.closing.released.store(true, Ordering::SeqCst);
    let _ = window.close();
}

/// Turns SIGTERM, SIGINT and SIGHUP into a close of the main window, so the
/// editor saves first; a second signal, or the deadline, ends the process.
pub fn close_on_signals(app: &AppHandle) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])?;
    let app = app.clone();
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let mut received = signals.forever();
            if received.next().is_none() {
                return;
            }
            match app.get_webview_window("main") {
                Some(window) => {
                    let _ = window.close();
                }
                None => app.exit(0),
            }
            let _ = std::thread::Builder::new()
                .name("close-deadline".into())
                .spawn(|| {
                    std::thread::sleep(SIGNAL_DEADLINE);
                    std::process::exit(0);
                });
            if received.next().is_some() {
                std::process::exit(1);
            }
        })?;
    Ok(())
}
