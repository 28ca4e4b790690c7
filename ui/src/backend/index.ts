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
}

export interface Exported {
  path: string;
  bytes: number;
}

export interface Feedback {
  source: string;
  original: string;
  suggestion: string;
  accepted: boolean;
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
  recordFeedback(feedback: Feedback, ignoreAlways: boolean): Promise<void>;
  importFile(name: string, bytes: Uint8Array): Promise<Imported>;
  exportDraft(form: DraftForm, id: number | null, against: number | null): Promise<Exported>;
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
    recordFeedback: (feedback, ignoreAlways) => invoke("record_feedback", { feedback, ignoreAlways }),
    importFile: (name, bytes) =>
      invoke("import_file", bytes, { headers: { "x-file-name": encodeURIComponent(name) } }),
    exportDraft: (form, id, against) => invoke("export_draft", { form, id, against }),
  };
}
