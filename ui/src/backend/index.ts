// The one module that talks to the Tauri shell. Everything else in the UI
// depends on the `Backend` interface, so it can be tested against a fake.

// The shapes the shell sends and takes are generated from the Rust types
// (types.gen.ts, checked by `cargo test -p gongwen-app`); only the calls
// are written here.
export type {
  ApiError,
  AppConfig,
  AppInfo,
  AuditEntry,
  AuditView,
  BackupDone,
  By,
  Category,
  Checked,
  DiffOp,
  DocKind,
  DraftFilter,
  DraftForm,
  DraftSuggestion,
  DraftSummary,
  Element,
  ElementIssue,
  ExampleChoice,
  ExemplarSource,
  ExemplarUsed,
  Exported,
  Feedback,
  FieldProblem,
  Finding,
  FormField,
  Imported,
  JobEvent,
  KnownModel,
  Layout,
  Mode,
  ModelState,
  OpenedDraft,
  Part,
  Place,
  PolishSuggestion,
  Presence,
  Preview,
  PreviewAlign,
  PreviewFont,
  PreviewLine,
  PreviewPage,
  PreviewRule,
  Rejected,
  RevisionSummary,
  RevisionView,
  Saved,
  Section,
  SettingsInfo,
  Severity,
  StorageStatus,
  Summary,
  SummaryPoint,
  SummaryTask,
  TermList,
  UnitProfile,
} from "./types.gen";
import type {
  ApiError,
  AppConfig,
  AppInfo,
  AuditView,
  BackupDone,
  Checked,
  DiffOp,
  DraftFilter,
  DraftForm,
  DraftSummary,
  ExampleChoice,
  ExemplarSource,
  Exported,
  Feedback,
  Finding,
  Imported,
  JobEvent,
  ModelState,
  OpenedDraft,
  Preview,
  RevisionSummary,
  RevisionView,
  Saved,
  SettingsInfo,
  StorageStatus,
  TermList,
  UnitProfile,
} from "./types.gen";

export interface Backend {
  appInfo(): Promise<AppInfo>;
  /** Says the window is interactive; answers the milliseconds since start. */
  uiReady(): Promise<number>;
  /** Calls `onState` with the current model state and every change. */
  watchModel(onState: (state: ModelState) => void): Promise<void>;
  /** From now on a close of the window waits: `onClose` is called instead,
   * and the window closes when it calls `closeWindow`. */
  watchClose(onClose: () => void): Promise<void>;
  closeWindow(): Promise<void>;
  /** Opens the draft store with a passphrase (or sets one for a new store). */
  unlockStore(passphrase: string): Promise<StorageStatus>;
  listDrafts(query: string, filter: DraftFilter): Promise<DraftSummary[]>;
  newDraft(kind: string): Promise<DraftForm>;
  openDraft(id: number): Promise<OpenedDraft>;
  saveDraft(id: number | null, form: DraftForm): Promise<Saved>;
  draftHistory(id: number): Promise<RevisionSummary[]>;
  viewRevision(id: number, revision: number): Promise<RevisionView>;
  restoreRevision(id: number, revision: number): Promise<OpenedDraft>;
  deleteDraft(id: number): Promise<void>;
  deletedDrafts(): Promise<DraftSummary[]>;
  undeleteDraft(id: number): Promise<void>;
  proofread(form: DraftForm): Promise<Checked>;
  /** The model's spelling pass over one paragraph of the body; offsets
   * (UTF-16) count from the paragraph's start. Fails when no model is ready. */
  spellParagraph(paragraph: string): Promise<Finding[]>;
  recordFeedback(feedback: Feedback, ignoreAlways: boolean): Promise<void>;
  importFile(name: string, bytes: Uint8Array): Promise<Imported>;
  exportDraft(form: DraftForm, id: number | null, against: number | null): Promise<Exported>;
  diffText(old: string, next: string): Promise<DiffOp[]>;
  /** The pages as the .docx export lays them out. */
  previewDraft(form: DraftForm): Promise<Preview>;
  /** The example documents offered for a draft of `kind` from `brief`. */
  draftExamples(kind: string, brief: string): Promise<ExampleChoice[]>;
  /** Starts a model job; events arrive on `onEvent`. Returns the job id.
   * `examples`: the ones the user kept ticked (null: the first offered). */
  generateDraft(
    form: DraftForm,
    brief: string,
    examples: ExemplarSource[] | null,
    onEvent: (event: JobEvent) => void,
  ): Promise<number>;
  polishText(text: string, style: string, onEvent: (event: JobEvent) => void): Promise<number>;
  summarizeDraft(form: DraftForm, onEvent: (event: JobEvent) => void): Promise<number>;
  stopJob(id: number): Promise<boolean>;
  settingsInfo(): Promise<SettingsInfo>;
  saveProfile(profile: UnitProfile): Promise<UnitProfile>;
  addTerm(list: TermList, term: string): Promise<string[]>;
  removeTerm(list: TermList, term: string): Promise<string[]>;
  auditLog(): Promise<AuditView>;
  createBackup(passphrase: string): Promise<BackupDone>;
  /** The backup's bytes, and its passphrase ("" for an old-format file). */
  restoreBackup(bytes: Uint8Array, passphrase: string): Promise<BackupDone>;
  saveModelConfig(config: AppConfig): Promise<AppConfig>;
  /** Re-encrypts the store under a new passphrase, or the keyring (null). */
  changeKeySource(passphrase: string | null): Promise<string>;
}

/** The message of a failed command, whatever shape the failure took. */
export function errorMessage(error: unknown): string {
  if (typeof error === "object" && error !== null && "message" in error) {
    return String((error as ApiError).message);
  }
  return String(error);
}

export async function tauriBackend(): Promise<Backend> {
  const { invoke, Channel } = await import("@tauri-apps/api/core");
  return {
    appInfo: () => invoke<AppInfo>("app_info"),
    uiReady: () => invoke<number>("ui_ready"),
    unlockStore: (passphrase) => invoke<StorageStatus>("unlock_store", { passphrase }),
    async watchModel(onState) {
      const channel = new Channel<ModelState>();
      channel.onmessage = onState;
      await invoke("watch_model", { onState: channel });
    },
    async watchClose(onClose) {
      const channel = new Channel<null>();
      channel.onmessage = () => onClose();
      await invoke("watch_close", { onClose: channel });
    },
    closeWindow: () => invoke("close_window"),
    listDrafts: (query, filter) => invoke("list_drafts", { query, filter }),
    newDraft: (kind) => invoke("new_draft", { kind }),
    openDraft: (id) => invoke("open_draft", { id }),
    saveDraft: (id, form) => invoke("save_draft", { id, form }),
    draftHistory: (id) => invoke("draft_history", { id }),
    viewRevision: (id, revision) => invoke("view_revision", { id, revision }),
    restoreRevision: (id, revision) => invoke("restore_revision", { id, revision }),
    deleteDraft: (id) => invoke("delete_draft", { id }),
    deletedDrafts: () => invoke("deleted_drafts"),
    undeleteDraft: (id) => invoke("undelete_draft", { id }),
    proofread: (form) => invoke("proofread", { form }),
    spellParagraph: (paragraph) => invoke("spell_paragraph", { paragraph }),
    recordFeedback: (feedback, ignoreAlways) => invoke("record_feedback", { feedback, ignoreAlways }),
    importFile: (name, bytes) =>
      invoke("import_file", bytes, { headers: { "x-file-name": encodeURIComponent(name) } }),
    exportDraft: (form, id, against) => invoke("export_draft", { form, id, against }),
    diffText: (old, next) => invoke("diff_text", { old, new: next }),
    previewDraft: (form) => invoke("preview_draft", { form }),
    draftExamples: (kind, brief) => invoke("draft_examples", { kind, brief }),
    generateDraft(form, brief, examples, onEvent) {
      const channel = new Channel<JobEvent>();
      channel.onmessage = onEvent;
      return invoke<number>("generate_draft", { form, brief, examples, onEvent: channel });
    },
    polishText(text, style, onEvent) {
      const channel = new Channel<JobEvent>();
      channel.onmessage = onEvent;
      return invoke<number>("polish_text", { text, style, onEvent: channel });
    },
    summarizeDraft(form, onEvent) {
      const channel = new Channel<JobEvent>();
      channel.onmessage = onEvent;
      return invoke<number>("summarize_draft", { form, onEvent: channel });
    },
    stopJob: (id) => invoke<boolean>("stop_job", { id }),
    settingsInfo: () => invoke("settings_info"),
    saveProfile: (profile) => invoke("save_profile", { profile }),
    addTerm: (list, term) => invoke("add_term", { list, term }),
    removeTerm: (list, term) => invoke("remove_term", { list, term }),
    auditLog: () => invoke("audit_log"),
    createBackup: (passphrase) => invoke("create_backup", { passphrase }),
    // The body is the file; a header carries the passphrase, as hex of its
    // UTF-8 since headers are ASCII.
    restoreBackup: (bytes, passphrase) =>
      invoke("restore_backup", bytes, { headers: { "x-backup-passphrase": toHex(passphrase) } }),
    saveModelConfig: (config) => invoke("save_model_config", { config }),
    changeKeySource: (passphrase) => invoke("change_key_source", { passphrase }),
  };
}

function toHex(text: string): string {
  return [...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
