//! The commands the window may call. Each is a thin adapter: it reads the
//! store or calls one library function and hands back data. Commands that
//! touch the disk run off the main thread (`async`), so the window never
//! waits on them.

use gongwen_assist::draft::ExemplarSource;
use gongwen_desk::{
    DraftFilter, DraftForm, diff_lines,
    drafting::{self, ExampleChoice},
    export_file_name,
};
use gongwen_domain::{DocKind, KindSource, structure, to_plain_text};
use gongwen_formats::FileType;
use gongwen_proofread::Options;
use gongwen_store::{DraftSummary, Feedback, RevisionSummary, TermList};
use tauri::{State, ipc::Channel};

use crate::{
    AppState,
    assist::{self, JobEvent},
    dto::{ApiError, AppInfo, Exported, Imported, ModelStateDto, OpenedDraft, RevisionView, Saved},
    files,
};
use gongwen_desk::{StorageStatus, clock::now};

type Answer<T> = Result<T, ApiError>;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo::current(state.storage.status())
}

/// The window calls this once it is interactive: milliseconds since the
/// process started (the cold start), logged for the record.
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>) -> u64 {
    let ms = u64::try_from(state.started.elapsed().as_millis()).unwrap_or(u64::MAX);
    #[allow(clippy::print_stderr)]
    {
        eprintln!("公文助手：窗口可用，启动用时 {ms} 毫秒");
    }
    ms
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
#[tauri::command(async)]
pub fn unlock_store(state: State<'_, AppState>, passphrase: String) -> StorageStatus {
    state
        .storage
        .unlock(zeroize::Zeroizing::new(passphrase), &now())
}

fn kind_of(name: &str) -> Answer<DocKind> {
    name.parse()
        .map_err(|e: gongwen_domain::UnknownDocKind| ApiError::new("kind", e.to_string()))
}

/// The drafts, newest first: all, or those whose text has `query`, within
/// the filter's 文种 and days.
#[tauri::command(async)]
pub fn list_drafts(
    state: State<'_, AppState>,
    query: String,
    filter: DraftFilter,
) -> Answer<Vec<DraftSummary>> {
    let drafts = state.store(|store| {
        if query.trim().is_empty() {
            store.list()
        } else {
            store.search(query.trim())
        }
    })?;
    Ok(drafts
        .into_iter()
        .filter(|d| filter.matches(&d.kind, &d.updated_at))
        .collect())
}

/// A new draft's form, prefilled from the unit profile; numbered types take
/// the unit's next 文号 of the year (never given twice).
#[tauri::command(async)]
pub fn new_draft(state: State<'_, AppState>, kind: String) -> Answer<DraftForm> {
    let kind = kind_of(&kind)?;
    state.store(|store| gongwen_desk::drafts::new_draft(store, kind, files::today(), &now()))
}

#[tauri::command(async)]
pub fn open_draft(state: State<'_, AppState>, id: i64) -> Answer<OpenedDraft> {
    state.store(|store| {
        Ok(OpenedDraft {
            id,
            form: DraftForm::from_document(&store.show(id)?),
            history: store.history(id)?,
        })
    })
}

/// Saves the form as a new revision (of a new draft when `id` is none).
/// Fields that do not read are reported; the rest is saved.
#[tauri::command(async)]
pub fn save_draft(state: State<'_, AppState>, id: Option<i64>, form: DraftForm) -> Answer<Saved> {
    let (doc, field_problems) = form.to_document();
    let (id, revision) = state.store(|store| store.save(id, &doc, &now()))?;
    Ok(Saved {
        id,
        revision,
        field_problems,
    })
}

#[tauri::command(async)]
pub fn draft_history(state: State<'_, AppState>, id: i64) -> Answer<Vec<RevisionSummary>> {
    state.store(|store| store.history(id))
}

/// An earlier revision and what changed from it to the latest.
#[tauri::command(async)]
pub fn view_revision(state: State<'_, AppState>, id: i64, revision: i64) -> Answer<RevisionView> {
    state.store(|store| {
        let old = store.revision(id, revision)?;
        let latest = store.show(id)?;
        Ok(RevisionView {
            revision,
            form: DraftForm::from_document(&old),
            diff: diff_lines(&to_plain_text(&old), &to_plain_text(&latest)),
        })
    })
}

/// Makes an earlier revision current, as a new revision.
#[tauri::command(async)]
pub fn restore_revision(state: State<'_, AppState>, id: i64, revision: i64) -> Answer<OpenedDraft> {
    state.store(|store| {
        store.restore(id, revision, &now())?;
        Ok(OpenedDraft {
            id,
            form: DraftForm::from_document(&store.show(id)?),
            history: store.history(id)?,
        })
    })
}

/// Moves a draft to the recycle bin.
#[tauri::command(async)]
pub fn delete_draft(state: State<'_, AppState>, id: i64) -> Answer<()> {
    state.store(|store| store.delete(id, &now()))
}

#[tauri::command(async)]
pub fn deleted_drafts(state: State<'_, AppState>) -> Answer<Vec<DraftSummary>> {
    state.store(|store| store.bin())
}

#[tauri::command(async)]
pub fn undelete_draft(state: State<'_, AppState>, id: i64) -> Answer<()> {
    state.store(|store| store.undelete(id, &now()))
}

/// The unit's own terms and ignore list when the store is open.
fn unit_options(state: &AppState) -> Options {
    state
        .store(|store| {
            Ok(Options {
                ignore: store.terms(TermList::Ignore)?,
                terms: store.terms(TermList::Custom)?,
            })
        })
        .unwrap_or_default()
}

/// The proofreading rules on the whole form, with the unit's own terms and
/// ignore list.
#[tauri::command(async)]
pub fn proofread(state: State<'_, AppState>, form: DraftForm) -> gongwen_desk::Checked {
    gongwen_desk::proofread(&form, &unit_options(&state))
}

/// The model's spelling pass over one paragraph of the body: the window
/// runs it paragraph by paragraph in the background, after the rules.
/// Offsets are UTF-16 from the paragraph's start. Waiting for the model
/// blocks, so it waits on a blocking thread, never on the async runtime.
#[tauri::command]
pub async fn spell_paragraph(
    state: State<'_, AppState>,
    paragraph: String,
) -> Answer<Vec<gongwen_desk::Located>> {
    if !matches!(state.engine.state(), gongwen_engine::ModelState::Ready(_)) {
        return Err(ApiError::new("model-not-ready", "模型未就绪，仅用规则校对"));
    }
    let protected = gongwen_desk::spelling_protected(&paragraph, &unit_options(&state));
    let engine = state.engine.clone();
    let text = paragraph.clone();
    let corrections = tauri::async_runtime::spawn_blocking(move || engine.spell(&text, &protected))
        .await
        .map_err(|e| ApiError::new("internal", e.to_string()))?
        .map_err(|(code, message)| ApiError::new(&code, format!("模型校对失败：{message}")))?;
    Ok(gongwen_desk::spelling_findings(&paragraph, &corrections))
}

/// The user's decision on a suggestion, kept to tune the rules; "始终忽略"
/// also puts the flagged text on the unit's ignore list.
#[tauri::command(async)]
pub fn record_feedback(
    state: State<'_, AppState>,
    feedback: Feedback,
    ignore_always: bool,
) -> Answer<()> {
    state.store(|store| {
        store.record_feedback(&feedback, &now())?;
        if ignore_always && !feedback.original.trim().is_empty() {
            store.add_term(TermList::Ignore, feedback.original.trim(), &now())?;
        }
        Ok(())
    })
}

/// A .docx/.pdf/.txt file the user picked, read into a form (一键排版).
/// The bytes come as the raw request body; the name in a header.
#[tauri::command(async)]
pub fn import_file(request: tauri::ipc::Request<'_>) -> Answer<Imported> {
    let name = request
        .headers()
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(files::percent_decode)
        .unwrap_or_default();
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(ApiError::new("import-body", "没有收到文件内容"));
    };
    let text = FileType::of(&name)?.read(bytes)?;
    let structured = structure(&text, None);
    Ok(Imported {
        form: DraftForm::from_document(&structured.document),
        kind_from_title: structured.kind_source == KindSource::Title,
        chars: text.chars().count(),
        hidden: gongwen_domain::hidden::hidden_passages(&text),
    })
}

/// Writes the form as a GB/T 9704 .docx into the export folder; with
/// `against`, the changes since that revision of draft `id` are tracked.
#[tauri::command(async)]
pub fn export_draft(
    state: State<'_, AppState>,
    form: DraftForm,
    id: Option<i64>,
    against: Option<i64>,
) -> Answer<Exported> {
    let (doc, _) = form.to_document();
    let when = now();
    let base = match (id, against) {
        (Some(id), Some(revision)) => Some(state.store(|store| store.revision(id, revision))?),
        _ => None,
    };
    let bytes = gongwen_desk::export::docx_bytes(&doc, base.as_ref(), &when)?;
    let path = gongwen_desk::write_new(
        &files::export_dir(),
        &export_file_name(&doc.title, doc.kind),
        &bytes,
    )?;
    let tracked_from = base.is_some().then_some(against).flatten();
    let entry = gongwen_desk::export::audit_entry(&doc, id, &path, tracked_from);
    // The audit log says what left the store, and where to. The file is
    // already written: a log that cannot be appended to (a locked store)
    // does not undo the user's export.
    let _ = state.store(|store| store.record(&when, "export", &entry));
    let shown = path.display().to_string();
    Ok(Exported {
        path: shown,
        bytes: bytes.len(),
    })
}

/// The pages of the form's document as the .docx export lays them out.
#[tauri::command(async)]
pub fn preview_draft(form: DraftForm) -> gongwen_formats::Preview {
    gongwen_formats::preview(&form.to_document().0)
}

/// What changed between two texts, line by line (a suggestion against the
/// body it would replace).
#[tauri::command(async)]
pub fn diff_text(old: String, new: String) -> Vec<gongwen_desk::DiffOp> {
    diff_lines(&old, &new)
}

/// The example documents offered for a draft: the unit's own alike
/// documents of the 文种 first, then the built-in 范文; the first ticked.
#[tauri::command]
pub fn draft_examples(
    state: State<'_, AppState>,
    kind: DocKind,
    brief: String,
) -> Result<Vec<ExampleChoice>, ApiError> {
    Ok(state
        .storage
        .with_optional(|store| drafting::example_choices(store, kind, &brief))?)
}

/// Starts drafting the body from the user's 要点 and the examples the user
/// kept ticked (none named: the first offered); the text streams over
/// `on_event`, the suggestion comes last. Returns the job's id for 停止.
#[tauri::command]
pub fn generate_draft(
    state: State<'_, AppState>,
    form: DraftForm,
    brief: String,
    examples: Option<Vec<ExemplarSource>>,
    on_event: Channel<JobEvent>,
) -> Result<u64, ApiError> {
    let examples = state.storage.with_optional(|store| {
        drafting::chosen_examples(store, form.kind, &brief, examples.as_deref())
    })?;
    let mut request = gongwen_assist::draft::DraftRequest::new(form.kind, &brief);
    request.elements = form.to_document().0;
    request.date = Some(files::today());
    request.examples = Some(examples);
    Ok(assist::start_draft(
        &state.jobs,
        state.engine.clone(),
        request,
        unit_options(&state),
        on_event,
    ))
}

/// Starts polishing a selection in a style (润色, 精简, 扩写, 公文语体).
#[tauri::command]
pub fn polish_text(
    state: State<'_, AppState>,
    text: String,
    style: String,
    on_event: Channel<JobEvent>,
) -> u64 {
    assist::start_polish(
        &state.jobs,
        state.engine.clone(),
        text,
        style,
        unit_options(&state),
        on_event,
    )
}

/// Summarizes the open document (points citing their paragraphs, and the
/// tasks in it); steps and the result arrive over `on_event`.
#[tauri::command]
pub fn summarize_draft(
    state: State<'_, AppState>,
    form: DraftForm,
    on_event: Channel<JobEvent>,
) -> u64 {
    assist::start_summary(&state.jobs, state.engine.clone(), form, on_event)
}

/// 停止: the job ends after the token in flight; what it wrote so far
/// still comes back as a suggestion.
#[tauri::command]
pub fn stop_job(state: State<'_, AppState>, id: u64) -> bool {
    state.jobs.stop(id)
}
