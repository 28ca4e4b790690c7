// Generated from the Rust types by `cargo test -p gongwen-app` (src-tauri/src/dto.rs);
// do not edit: change the Rust type and run it with UPDATE_EXPECT=1.

export type AppInfo = { version: string, 
/**
 * The 15 文种 in statutory order, for the 新建 menu.
 */
doc_kinds: Array<string>, 
/**
 * Per 文种, which elements it requires, may carry, or does not use:
 * the element form shows the fields accordingly.
 */
kind_elements: Record<string, Record<Element, Presence>>, storage: StorageStatus, 
/**
 * Where exports are written.
 */
export_dir: string, };

export type StorageStatus = { "kind": "encrypted", drafts: number, } | { "kind": "locked" } | { "kind": "failed", code: string, message: string, };

export type ApiError = { code: string, message: string, };

export type ModelState = { "kind": "missing", file: string, hint: string, } | { "kind": "verifying", progress: number, } | { "kind": "loading", progress: number, } | { "kind": "ready", name: string, display_name: string, n_params: number, load_ms: number, verify_ms: number, 
/**
 * The CPU level of the llama.cpp kernels in use (`x86-64-v4`).
 */
kernels: string, } | { "kind": "failed", code: string, message: string, };

export type DocKind = string;

export type Layout = "standard" | "letter" | "order" | "minutes";

export type Element = "doc_number" | "signers" | "title" | "recipients" | "body" | "attachments" | "signature" | "date" | "note" | "cc" | "attendance";

export type Presence = "required" | "optional" | "not_used";

export type ElementIssue = { element: Element, presence: Presence, message: string, };

export type DraftForm = { kind: DocKind, layout: Layout, copy_number: string, 
/**
 * 密级和保密期限, e.g. 秘密★1年.
 */
classification: string, 
/**
 * 特急, 加急 or empty.
 */
urgency: string, 
/**
 * 发文机关标志, one 机关 a line.
 */
issuer: string, 
/**
 * 发文字号, e.g. 京政办发〔2026〕12号.
 */
doc_number: string, 
/**
 * 签发人, separated by 、.
 */
signers: string, title: string, 
/**
 * 主送机关, separated by ，.
 */
recipients: string, 
/**
 * 正文 as the editor holds it: one block a line.
 */
body: string, 
/**
 * 附件名称, one a line.
 */
attachments: string, 
/**
 * 发文机关署名, one a line.
 */
signature: string, 
/**
 * 成文日期, e.g. 2026年7月1日.
 */
date: string, sealed: boolean, 
/**
 * 附注, without its brackets.
 */
note: string, 
/**
 * 抄送机关, separated by ，.
 */
cc: string, printed_by: string, printed_on: string, 
/**
 * 纪要: 出席, 请假, 列席, names separated by 、.
 */
present: string, absent: string, observers: string, };

export type FieldProblem = { field: FormField, message: string, };

export type DraftSummary = { id: number, kind: string, title: string, updated_at: string, revisions: number, };

export type RevisionSummary = { id: number, created_at: string, chars: number, };

export type DraftFilter = { kind?: string, from?: string, to?: string, };

export type OpenedDraft = { id: number, form: DraftForm, history: Array<RevisionSummary>, };

export type Saved = { id: number, revision: number, field_problems: Array<FieldProblem>, };

export type DiffOp = { "op": "equal", "text": string } | { "op": "insert", "text": string } | { "op": "delete", "text": string };

export type RevisionView = { revision: number, form: DraftForm, 
/**
 * From this revision to the latest.
 */
diff: Array<DiffOp>, };

export type Part = "header" | "doc_number" | "title" | "recipients" | "body" | "attendance" | "attachments" | "signature" | "date" | "note" | "cc" | "imprint";

export type Category = "错别字" | "标点" | "数字与日期" | "文号" | "格式" | "结构" | "文种规范" | "规范表述" | "个人信息";

export type Severity = "info" | "warning" | "error";

export type Finding = { rule: string, category: Category, severity: Severity, message: string, suggestion: string | null, 
/**
 * The text flagged.
 */
original: string, part: Part, 
/**
 * The form field it is in, and its UTF-16 range there, when the flagged
 * text can be found in that field unambiguously; a quick fix needs both.
 */
field: FormField | null, from: number | null, to: number | null, };

export type Checked = { findings: Array<Finding>, element_issues: Array<ElementIssue>, field_problems: Array<FieldProblem>, 
/**
 * Characters checked.
 */
chars: number, };

export type Imported = { form: DraftForm, 
/**
 * The 文种 was read from the title (else 通知 was assumed).
 */
kind_from_title: boolean, chars: number, 
/**
 * Passages the file hid from its reader, marked 【隐藏文字：…】.
 */
hidden: number, };

export type Exported = { path: string, bytes: number, };

export type ExemplarSource = { "from": "builtin", id: string, } | { "from": "store", draft_id: number, };

export type ExampleChoice = { source: ExemplarSource, title: string, 
/**
 * Ticked unless the user unticks it.
 */
chosen: boolean, };

export type ExemplarUsed = { source: ExemplarSource, title: string, };

export type Mode = "model" | "extractive" | "skeleton" | "rules";

export type By = "model" | "extractive" | "rule";

export type DraftSuggestion = { mode: Mode, form: DraftForm, structure_problems: Array<string>, notices: Array<string>, findings: number, 
/**
 * The examples the draft was written from.
 */
examples: Array<ExemplarUsed>, 
/**
 * Sentences of the model's cut before it was offered, and why.
 */
removed: Array<string>, 
/**
 * Clauses of the brief put back because the model left their facts out.
 */
added: Array<string>, 
/**
 * A reasoning model's thinking, shown folded, never in the draft.
 */
thinking: string, generated_tokens: number, tokens_per_second: number, };

export type PolishSuggestion = { mode: Mode, 
/**
 * 润色, 精简, 扩写 or 公文语体.
 */
style: string, original: string, suggestion: string, ops: Array<DiffOp>, 
/**
 * What the user should look at before accepting.
 */
warnings?: Array<string>, generated_tokens: number, tokens_per_second: number, };

export type SummaryPoint = { text: string, 
/**
 * Indices into `Summary::paragraphs`.
 */
sources: Array<number>, by: By, 
/**
 * The model cited other paragraphs; these are the ones that hold it.
 */
sources_corrected?: boolean, };

export type SummaryTask = { task: string, deadline: string | null, owner: string | null, sources: Array<number>, by: By, };

export type Rejected = { text: string, sources: Array<number>, reason: string, };

export type Section = { heading: number, paragraphs: { start: number, end: number, }, };

export type Summary = { mode: Mode, paragraphs: Array<string>, points: Array<SummaryPoint>, tasks: Array<SummaryTask>, 
/**
 * Model output that failed verification (for the curious, not as fact).
 */
rejected?: Array<Rejected>, 
/**
 * Paragraphs that read like instructions to a model: kept as content,
 * never used as a source.
 */
suspicious?: Array<number>, 
/**
 * Plain Chinese notes for the user (fallbacks, discarded output).
 */
notices?: Array<string>, 
/**
 * The document's top-level sections, for showing the points section
 * by section (empty for a document without them).
 */
sections: Array<Section>, model_requests: number, generated_tokens: number, };

export type Place = { field: string, line: number | null, };

export type PreviewFont = "fangsong" | "heiti" | "kaiti" | "xiaobiaosong";

export type PreviewAlign = "left" | "center" | "right" | "justify";

export type PreviewRule = { red: boolean, 
/**
 * Thickness in mm.
 */
width: number, 
/**
 * 信函格式's thick-thin double rule.
 */
double: boolean, };

export type PreviewLine = { text: string, 
/**
 * mm from the 版心's top and left edges.
 */
top: number, left: number, 
/**
 * The box the line sits in: its height and width in mm.
 */
height: number, width: number, font: PreviewFont, 
/**
 * Point size.
 */
size: number, align: PreviewAlign, red: boolean, rule_above?: PreviewRule, rule_below?: PreviewRule, };

export type PreviewPage = { number: number, lines: Array<PreviewLine>, 
/**
 * "— N —", on the right of odd pages and the left of even ones; none
 * on a letter's first page.
 */
page_number?: string, };

export type Preview = { pages: Array<PreviewPage>, 
/**
 * Page and 版心 geometry, mm, for the window to draw.
 */
page_width: number, page_height: number, margin_top: number, margin_left: number, text_width: number, text_height: number, };

export type JobEvent = { "kind": "text", text: string, } | { "kind": "reset", shown: string, why: string, } | { "kind": "progress", tokens: number, tokens_per_second: number, } | { "kind": "drafted", suggestion: DraftSuggestion, } | { "kind": "polished", suggestion: PolishSuggestion, } | { "kind": "step", step: number, steps: number, } | { "kind": "summarized", summary: Summary, 
/**
 * Where each of `summary.paragraphs` is in the form.
 */
places: Array<Place>, } | { "kind": "failed", code: string, message: string, };

export type Feedback = { 
/**
 * A proofreading rule id, or "model" for the model's suggestions.
 */
source: string, original: string, suggestion: string, accepted: boolean, };

export type UnitProfile = { 
/**
 * 机关名称, e.g. "××市人民政府办公室".
 */
name: string, 
/**
 * 机关代字, e.g. "×政办发".
 */
code: string, 
/**
 * 常用主送机关.
 */
recipients: Array<string>, };

export type AppConfig = { 
/**
 * A manifest name ("default", "test") or a path to a .gguf file.
 */
model: string, 
/**
 * The user confirmed a file that is not in the manifest (its hash goes
 * to the audit log when it loads).
 */
allow_unregistered: boolean, 
/**
 * The SHA-256 of the file the user confirmed: the consent holds for
 * that file only.
 */
consented_sha256?: string | null, 
/**
 * Worker threads; none = the machine's physical cores.
 */
threads: number | null, 
/**
 * Context size in tokens; none = the engine's default.
 */
context: number | null, };

export type KnownModel = { name: string, display_name: string, file: string, size_bytes: number, 
/**
 * The file is in the models folder with the manifest's size (its
 * SHA-256 is checked when it loads).
 */
present: boolean, };

export type SettingsInfo = { profile: UnitProfile, custom_terms: Array<string>, ignore_terms: Array<string>, 
/**
 * 口令 or 系统密钥环.
 */
key_source: string | null, data_dir: string, export_dir: string, config: AppConfig, 
/**
 * `$GONGWEN_MODEL`, which overrides the setting.
 */
model_from_env: string | null, models: Array<KnownModel>, };

export type TermList = "custom" | "ignore";

export type AuditEntry = { id: number, at: string, action: string, detail: string, };

export type AuditView = { 
/**
 * Newest first, at most `AUDIT_SHOWN`.
 */
entries: Array<AuditEntry>, total: number, 
/**
 * The chain checked out: entries verified.
 */
verified: number | null, 
/**
 * Or where it broke, in plain Chinese.
 */
broken: string | null, 
/**
 * Restores that took the log back, one line each.
 */
rollbacks: Array<string>, };

export type BackupDone = { path: string, drafts: number, revisions: number, bytes: number, 
/**
 * Where a restore kept the store it replaced.
 */
safety_copy: string | null, 
/**
 * A restore that took but could not be written to the audit log.
 */
warning: string | null, };

export type FormField = Exclude<keyof DraftForm, "kind" | "layout" | "sealed">;
