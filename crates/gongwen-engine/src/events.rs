//! What a caller holds while a request runs: its events, in order, and a
//! way to stop it. The same for the in-process engine and the worker host.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::GenerationReport;

/// Events of one generation, in order: any number of `Text`, then exactly
/// one `Done` or `Failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum GenerationEvent {
    Text(String),
    /// The running speed, a few times a second, for the status bar.
    Progress {
        generated_tokens: usize,
        tokens_per_second: f64,
    },
    Done(GenerationReport),
    /// `message` is plain Chinese; text already delivered stays valid.
    Failed {
        code: String,
        message: String,
    },
}

impl GenerationEvent {
    pub fn failed(code: &str, message: impl Into<String>) -> GenerationEvent {
        GenerationEvent::Failed {
            code: code.to_owned(),
            message: message.into(),
        }
    }

    pub fn is_last(&self) -> bool {
        matches!(
            self,
            GenerationEvent::Done(_) | GenerationEvent::Failed { .. }
        )
    }
}

/// Stops a generation from any thread.
pub type Canceller = Arc<dyn Fn() + Send + Sync>;

/// A running generation. Events arrive on a tokio channel: `next_event`
/// blocks (command line), `next_event_async` awaits (the app).
pub struct Generation {
    events: mpsc::UnboundedReceiver<GenerationEvent>,
    cancel: Canceller,
}

impl Generation {
    pub(crate) fn new(
        events: mpsc::UnboundedReceiver<GenerationEvent>,
        cancel: Canceller,
    ) -> Generation {
        Generation { events, cancel }
    }

    /// A generation that failed before it started.
    pub(crate) fn failed_at_once(event: GenerationEvent) -> Generation {
        let (sender, events) = mpsc::unbounded_channel();
        let _ = sender.send(event);
        Generation::new(events, Arc::new(|| {}))
    }

    /// Asks the engine to stop. The generation then ends with `Done` and
    /// `StopReason::Cancelled`, keeping the text produced so far.
    pub fn cancel(&self) {
        (self.cancel)();
    }

    pub fn canceller(&self) -> Canceller {
        Arc::clone(&self.cancel)
    }

    /// The next event; `None` after the last one. Must not be called from
    /// inside an async runtime: use `next_event_async` there.
    pub fn next_event(&mut self) -> Option<GenerationEvent> {
        self.events.blocking_recv()
    }

    pub async fn next_event_async(&mut self) -> Option<GenerationEvent> {
        self.events.recv().await
    }

    /// Runs to the end, calling `on_text` for each piece.
    pub fn finish(
        mut self,
        mut on_text: impl FnMut(&str),
    ) -> Result<GenerationReport, (String, String)> {
        while let Some(event) = self.next_event() {
            match event {
                GenerationEvent::Text(text) => on_text(&text),
                GenerationEvent::Progress { .. } => {}
                GenerationEvent::Done(report) => return Ok(report),
                GenerationEvent::Failed { code, message } => return Err((code, message)),
            }
        }
        Err(("engine-gone".to_owned(), "模型进程已退出".to_owned()))
    }
}
