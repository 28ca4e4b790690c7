// The one module that talks to the Tauri shell. Everything else in the UI
// depends on the `Backend` interface, so it can be tested against a fake.

export type StorageStatus =
  | { kind: "encrypted"; drafts: number }
  | { kind: "locked" }
  | { kind: "failed"; code: string; message: string };

export type Presence = "required" | "optional" | "not_used";

export interface AppInfo {
  version: string;
  /** The 15 文种 in statutory order. */
  doc_kinds: string[];
  /** Per 文种: element → whether it is required, optional or not used. */
  kind_elements: Record<string, Record<string, Presence>>;
  storage: StorageStatus;
  export_dir: string;
}

export type ModelState =
  | { kind: "missing"; file: string; hint: string }
  | { kind: "verifying"; progress: number }
  | { kind: "loading"; progress: number }
  | {
      kind: "ready";
      name: string;
      display_name: string;
      n_params: number;
      load_ms: number;
      verify_ms: number;
      /** The CPU level of the llama.cpp kernels in use, e.g. "x86-64-v4". */
      kernels: string;
    }
  | { kind: "failed"; code: string; message: string };

/** The element form: every element a string, the body as the editor holds it. */
export interface DraftForm {
  kind: string;
  layout: "standard" | "letter" | "order" | "minutes";
  copy_number: string;
  classification: string;
  urgency: string;
  issuer: string;
  doc_number: string;
  signers: string;
  title: string;
  recipients: string;
  body: string;
  attachments: string;
  signature: string;
  date: string;
  sealed: boolean;
  note: string;
  cc: string;
  printed_by: string;
  printed_on: string;
  present: string;
  absent: string;
  observers: string;
}

export type FormField = Exclude<keyof DraftForm, "kind" | "layout" | "sealed">;

export interface DraftSummary {
  id: number;
  kind: string;
  title: string;
  updated_at: string;
  revisions: number;
}

export interface RevisionSummary {
  id: number;
  created_at: string;
  chars: number;
}

export interface DraftFilter {
  kind?: string;
  /** YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
}

export interface FieldProblem {
  field: FormField;
  message: string;
}

export interface Finding {
  rule: string;
  category: string;
  severity: "info" | "warning" | "error";
  message: string;
  suggestion: string | null;
  original: string;
  part: string;
  /** The form field it is in; with `from`/`to` (UTF-16) a quick fix applies. */
  field: FormField | null;
  from: number | null;
  to: number | null;
}

export interface Checked {
  findings: Finding[];
  element_issues: { element: string; presence: Presence; message: string }[];
  field_problems: FieldProblem[];
  chars: number;
}

export interface OpenedDraft {
  id: number;
  form: DraftForm;
  history: RevisionSummary[];
}

export interface Saved {
  id: number;
  revision: number;
  field_problems: FieldProblem[];
}

export type DiffOp = { op: "equal" | "delete" | "insert"; text: string };

export interface RevisionView {
  revision: number;
  form: DraftForm;
  diff: DiffOp[];
}

export interface Imported {
  form: DraftForm;
  kind_from_title: boolean;
  chars: number;
  /** Passages the file hid from its reader, marked 【隐藏文字：…】. */
  hidden: number;
}

export interface Exported {
  path: string;
  bytes: number;
}

/** Where an example document comes from: a built-in 范文 or one of the
 * unit's own drafts. */
export type ExemplarSource = { from: "builtin"; id: string } | { from: "store"; draft_id: number };

/** An example offered for a draft; the user may untick it. */
export interface ExampleChoice {
  source: ExemplarSource;
  title: string;
  chosen: boolean;
}

export interface DraftSuggestion {
  mode: "model" | "skeleton";
  form: DraftForm;
  structure_problems: string[];
  notices: string[];
  findings: number;
  /** The examples the draft was written from. */
  examples: { source: ExemplarSource; title: string }[];
  /** Sentences of the model's cut before it was offered, with why. */
  removed: string[];
  /** Clauses of the brief put back because the model left their facts out. */
  added: string[];
  /** A reasoning model's thinking: shown folded, never part of the draft. */
  thinking: string;
  generated_tokens: number;
  tokens_per_second: number;
}

export interface PolishSuggestion {
  mode: "model" | "rules";
  style: string;
  original: string;
  suggestion: string;
  ops: DiffOp[];
  warnings?: string[];
  generated_tokens: number;
  tokens_per_second: number;
}

export interface SummaryPoint {
  text: string;
  /** Indices into `paragraphs`. */
  sources: number[];
  by: "model" | "extractive" | "rule";
  sources_corrected?: boolean;
}

export interface SummaryTask {
  task: string;
  deadline: string | null;
  owner: string | null;
  sources: number[];
  by: "model" | "extractive" | "rule";
}

export interface Summary {
  mode: "model" | "extractive";
  paragraphs: string[];
  points: SummaryPoint[];
  tasks: SummaryTask[];
  rejected?: { text: string; sources: number[]; reason: string }[];
  suspicious?: number[];
  notices?: string[];
  /** The document's top-level sections: heading paragraph and range. */
  sections: { heading: number; paragraphs: { start: number; end: number } }[];
  model_requests: number;
  generated_tokens: number;
}

/** Where a paragraph is in the form: a field, and in the body its line. */
export interface Place {
  field: string;
  line: number | null;
}

export interface PreviewLine {
  text: string;
  /** mm from the 版心's top and left edges. */
  top: number;
  left: number;
  height: number;
  width: number;
  font: "fangsong" | "heiti" | "kaiti" | "xiaobiaosong";
  /** Points. */
  size: number;
  align: "left" | "center" | "right" | "justify";
  red: boolean;
  rule_above?: { red: boolean; width: number; double: boolean };
  rule_below?: { red: boolean; width: number; double: boolean };
}

export interface Preview {
  pages: { number: number; lines: PreviewLine[]; page_number?: string }[];
  page_width: number;
  page_height: number;
  margin_top: number;
  margin_left: number;
  text_width: number;
  text_height: number;
}

/** What a model job streams: text as it comes, the rate, then one result. */
export type JobEvent =
  | { kind: "text"; text: string }
  | { kind: "reset"; shown: string; why: string }
  | { kind: "progress"; tokens: number; tokens_per_second: number }
  | { kind: "drafted"; suggestion: DraftSuggestion }
  | { kind: "polished"; suggestion: PolishSuggestion }
  | { kind: "step"; step: number; steps: number }
  | { kind: "summarized"; summary: Summary; places: Place[] }
  | { kind: "failed"; code: string; message: string };

export interface Feedback {
  source: string;
  original: string;
  suggestion: string;
  accepted: boolean;
}

export interface UnitProfile {
  name: string;
  code: string;
  recipients: string[];
}

export interface AppConfig {
  model: string;
  allow_unregistered: boolean;
  /** Set by the app: the SHA-256 of the file the user confirmed. */
  consented_sha256?: string | null;
  threads: number | null;
  context: number | null;
}

export interface SettingsInfo {
  profile: UnitProfile;
  custom_terms: string[];
  ignore_terms: string[];
  key_source: string | null;
  data_dir: string;
  export_dir: string;
  config: AppConfig;
  model_from_env: string | null;
  models: { name: string; display_name: string; file: string; size_bytes: number; present: boolean }[];
}

export type TermList = "custom" | "ignore";

export interface AuditView {
  entries: { id: number; at: string; action: string; detail: string }[];
  total: number;
  verified: number | null;
  broken: string | null;
  /** Restores that took the log back, one line each. */
  rollbacks: string[];
}

export interface BackupDone {
  path: string;
  drafts: number;
  revisions: number;
  bytes: number;
  /** Where a restore kept the store it replaced. */
  safety_copy: string | null;
}

/** A failed command: a code for logic, a plain-Chinese message for the user. */
export interface ApiError {
  code: string;
  message: string;
}

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
