//! Model jobs the window starts: drafting a body and polishing a selection.
//! Each runs on its own thread and streams events over a `Channel`, so the
//! window never waits on the model; `stop` ends a job between two tokens.
//! What the model writes comes back as a suggestion, never applied here.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use gongwen_assist::{
    Completed, Completion, Flow, Mode, ModelError, TextModel,
    draft::{DraftEvent, DraftRequest, ExemplarUsed},
    engine::EngineModel,
    polish::Polished,
    summary::{self, Summary, SummaryConfig},
};
use gongwen_desk::DraftForm;
use gongwen_domain::DocKind;
use gongwen_engine::{Engine, ModelState};
use serde::Serialize;
use tauri::ipc::Channel;
use ts_rs::TS;

/// A draft as the AI panel offers it: the whole form the model proposes,
/// what the checks found, and how fast it came.
#[derive(Serialize, TS)]
pub struct DraftSuggestion {
    pub mode: Mode,
    pub form: DraftForm,
    pub structure_problems: Vec<String>,
    pub notices: Vec<String>,
    pub findings: usize,
    /// The examples the draft was written from.
    pub examples: Vec<ExemplarUsed>,
    /// Sentences of the model's cut before it was offered, and why.
    pub removed: Vec<String>,
    /// Clauses of the brief put back because the model left their facts out.
    pub added: Vec<String>,
    /// A reasoning model's thinking, shown folded, never in the draft.
    pub thinking: String,
    pub generated_tokens: usize,
    pub tokens_per_second: f64,
}

#[derive(Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobEvent {
    /// Text as the model writes it.
    Text {
        text: String,
    },
    /// What was shown since the last reset is taken back: show `shown`
    /// instead; `why` names what failed the checks (empty: only mended).
    Reset {
        shown: String,
        why: String,
    },
    /// Pieces so far and the rate since the first one.
    Progress {
        tokens: usize,
        tokens_per_second: f64,
    },
    Drafted {
        suggestion: Box<DraftSuggestion>,
    },
    Polished {
        suggestion: Polished,
    },
    /// A long job's step (a summary's requests).
    Step {
        step: usize,
        steps: usize,
    },
    Summarized {
        summary: Summary,
        /// Where each of `summary.paragraphs` is in the form.
        places: Vec<gongwen_desk::Place>,
    },
    Failed {
        code: String,
        message: String,
    },
}

/// The jobs in flight, by id, each with its stop flag.
#[derive(Default)]
pub struct Jobs {
    next: AtomicU64,
    running: Mutex<HashMap<u64, Arc<AtomicBool>>>,
    /// The last brief drafted, to tell a repeat.
    last_brief: Mutex<Option<(DocKind, String)>>,
}

impl Jobs {
    /// Whether this brief was the last one drafted (and remember it).
    fn same_brief_again(&self, kind: DocKind, brief: &str) -> bool {
        let mut last = self.last_brief.lock().unwrap_or_else(|e| e.into_inner());
        let now = (kind, brief.trim().to_owned());
        let again = last.as_ref() == Some(&now);
        *last = Some(now);
        again
    }

    fn start(&self) -> (u64, Arc<AtomicBool>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let stop = Arc::new(AtomicBool::new(false));
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, stop.clone());
        (id, stop)
    }

    fn finish(&self, id: u64) {
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }

    /// Asks a job to stop; false if it is no longer running.
    pub fn stop(&self, id: u64) -> bool {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running
            .get(&id)
            .map(|flag| flag.store(true, Ordering::Relaxed))
            .is_some()
    }
}

/// Forwards the model's text to the window, with a running rate, and says
/// stop when the user pressed 停止.
struct Stream<'a> {
    channel: &'a Channel<JobEvent>,
    stop: &'a AtomicBool,
    first: Option<Instant>,
    pieces: usize,
    last_progress: Option<Instant>,
}

impl<'a> Stream<'a> {
    fn new(channel: &'a Channel<JobEvent>, stop: &'a AtomicBool) -> Stream<'a> {
        Stream {
            channel,
            stop,
            first: None,
            pieces: 0,
            last_progress: None,
        }
    }

    fn on_reset(&mut self, shown: &str, why: &str) -> Flow {
        let _ = self.channel.send(JobEvent::Reset {
            shown: shown.to_owned(),
            why: why.to_owned(),
        });
        self.flow()
    }

    fn flow(&self) -> Flow {
        if self.stop.load(Ordering::Relaxed) {
            Flow::Stop
        } else {
            Flow::Continue
        }
    }

    fn on_text(&mut self, text: &str) -> Flow {
        let now = Instant::now();
        let first = *self.first.get_or_insert(now);
        self.pieces += 1;
        let _ = self.channel.send(JobEvent::Text {
            text: text.to_owned(),
        });
        // A few updates a second are plenty for the eye.
        if self
            .last_progress
            .is_none_or(|t| now.duration_since(t).as_millis() >= 250)
        {
            self.last_progress = Some(now);
            let secs = now.duration_since(first).as_secs_f64();
            let _ = self.channel.send(JobEvent::Progress {
                tokens: self.pieces,
                tokens_per_second: if secs > 0.0 {
                    (self.pieces - 1) as f64 / secs
                } else {
                    0.0
                },
            });
        }
        self.flow()
    }
}

/// The model to use if it is ready; otherwise why not, for the notice.
fn ready_model(engine: &Engine) -> Result<EngineModel<'_>, String> {
    match engine.state() {
        ModelState::Ready(info) => Ok(EngineModel::new(engine, info.has_chat_template)),
        ModelState::Verifying { .. } | ModelState::Loading { .. } => Err("模型仍在加载".to_owned()),
        ModelState::Missing { .. } => Err("未安装模型".to_owned()),
        ModelState::Failed { message, .. } => Err(format!("模型不可用：{message}")),
    }
}

fn spawn(
    jobs: &Arc<Jobs>,
    channel: Channel<JobEvent>,
    work: impl FnOnce(&Channel<JobEvent>, &AtomicBool) -> JobEvent + Send + 'static,
) -> u64 {
    let (id, stop) = jobs.start();
    let jobs = jobs.clone();
    std::thread::spawn(move || {
        let last = work(&channel, &stop);
        let _ = channel.send(last);
        jobs.finish(id);
    });
    id
}

/// Drafts the body (and title, 主送 when empty) that `request` asks for.
pub fn start_draft(
    jobs: &Arc<Jobs>,
    engine: Arc<Engine>,
    mut request: DraftRequest,
    options: gongwen_proofread::Options,
    channel: Channel<JobEvent>,
) -> u64 {
    // The same brief asked for again wants another draft: sampled from the
    // first try, with a fresh seed; a new brief starts with the model's
    // most likely draft.
    request.creative = jobs.same_brief_again(request.kind, &request.brief);
    spawn(jobs, channel, move |channel, stop| {
        let model =
            ready_model(&engine).map(|model| model.with_seed(gongwen_desk::clock::fresh_seed()));
        let mut stream = Stream::new(channel, stop);
        let drafted = gongwen_desk::assist::draft(
            &request,
            gongwen_desk::assist::available(&model),
            &options,
            &mut |event| match event {
                DraftEvent::Text(t) => stream.on_text(t),
                DraftEvent::Reset { shown, why } => stream.on_reset(shown, why),
            },
        );
        match drafted {
            Ok(d) => JobEvent::Drafted {
                suggestion: Box::new(DraftSuggestion {
                    mode: d.mode,
                    form: DraftForm::from_document(&d.document),
                    structure_problems: d.structure_problems,
                    notices: d.notices,
                    findings: d.findings.len(),
                    examples: d.examples,
                    removed: d.removed,
                    added: d.added,
                    thinking: d.thinking,
                    generated_tokens: d.generated_tokens,
                    tokens_per_second: d.tokens_per_second,
                }),
            },
            Err(e) => JobEvent::Failed {
                code: e.code().to_owned(),
                message: e.to_string(),
            },
        }
    })
}

/// Polishes `text` in one of the styles (润色, 精简, 扩写, 公文语体).
pub fn start_polish(
    jobs: &Arc<Jobs>,
    engine: Arc<Engine>,
    text: String,
    style: String,
    options: gongwen_proofread::Options,
    channel: Channel<JobEvent>,
) -> u64 {
    spawn(jobs, channel, move |channel, stop| {
        let model = ready_model(&engine);
        let mut stream = Stream::new(channel, stop);
        let polished = gongwen_desk::assist::polish(
            &text,
            &style,
            gongwen_desk::assist::available(&model),
            &options,
            &mut |t| stream.on_text(t),
        );
        match polished {
            Ok(suggestion) => JobEvent::Polished { suggestion },
            Err(e) => JobEvent::Failed {
                code: e.code().to_owned(),
                message: e.to_string(),
            },
        }
    })
}

/// The model, except that after 停止 it answers "stopped", which a summary
/// takes as the model going away: what is left is done without it.
struct Stoppable<'a> {
    inner: EngineModel<'a>,
    stop: &'a AtomicBool,
}

impl TextModel for Stoppable<'_> {
    fn complete(
        &self,
        request: &Completion,
        on_text: &mut dyn FnMut(&str) -> Flow,
    ) -> Result<Completed, ModelError> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(ModelError {
                code: "model-stopped".into(),
                message: "已按要求停止使用模型".into(),
            });
        }
        self.inner.complete(request, &mut |text| {
            if self.stop.load(Ordering::Relaxed) {
                Flow::Stop
            } else {
                on_text(text)
            }
        })
    }
}

/// Summarizes the form's document: points citing paragraphs, and tasks.
pub fn start_summary(
    jobs: &Arc<Jobs>,
    engine: Arc<Engine>,
    form: DraftForm,
    channel: Channel<JobEvent>,
) -> u64 {
    spawn(jobs, channel, move |channel, stop| {
        let (text, places) = gongwen_desk::paragraphs(&form);
        let mut on_step = |p: summary::Progress| {
            let _ = channel.send(JobEvent::Step {
                step: p.step,
                steps: p.steps,
            });
        };
        let model = ready_model(&engine).map(|inner| Stoppable { inner, stop });
        let summary = gongwen_desk::assist::summarize(
            &text,
            gongwen_desk::assist::available(&model),
            &SummaryConfig::default(),
            &mut on_step,
        );
        JobEvent::Summarized { summary, places }
    })
}
