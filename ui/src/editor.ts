// The editor pane: the element form, the body editor, saving (autosave and
// Ctrl+S, every save a revision), proofreading as you type with quick fixes,
// revision history with a diff and restore, and export.

import type { AppInfo, Backend, Checked, DraftForm, Finding, FormField, RevisionSummary } from "./backend";
import { errorMessage } from "./backend";
import { BodyEditor } from "./body-editor";
import { h } from "./dom";
import { HEAD_FIELDS, TAIL_FIELDS, type FieldSpec, isRequired, shows } from "./fields";
import { isShortcut } from "./keys";
import { renderFindings } from "./proofread-panel";

/** How long typing must pause before a check, and before an autosave. */
export const CHECK_DELAY_MS = 400;
/** The model's spelling pass starts this long after the rules' check, so
 * it runs while the user pauses, not on every keystroke. */
export const SPELL_DELAY_MS = 1500;
export const AUTOSAVE_DELAY_MS = 3000;

export interface EditorHost {
  backend: Backend;
  info: AppInfo;
  /** The 校对 panel. */
  findingsPanel: HTMLElement;
  notify(text: string, tone?: "ok" | "error"): void;
  /** A save or delete changed the draft list. */
  draftsChanged(): void;
  /** A check of the current text finished (the preview follows it). */
  checked?(): void;
  /** Whether a model is loaded for the spelling pass. */
  modelReady?(): boolean;
}

type Control = HTMLInputElement | HTMLTextAreaElement;

const CHINESE = /[\u4e00-\u9fff]/;
/** Paragraphs whose model findings are kept before the memory is cleared. */
const SPELLED_KEPT = 2000;

export class DraftEditor {
  id: number | null = null;
  private form: DraftForm | null = null;
  private body: BodyEditor | null = null;
  private controls = new Map<FormField, Control>();
  private history: RevisionSummary[] = [];
  private dirty = false;
  private saving: Promise<boolean> | null = null;
  /** Counts the drafts opened: a save's answer belongs to the draft it
   * was made for, never to one opened since. */
  private session = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private checkTimer: ReturnType<typeof setTimeout> | undefined;
  private checkSeq = 0;
  private spellTimer: ReturnType<typeof setTimeout> | undefined;
  /** Counts the model passes started: a newer one (or an edit) ends an
   * older one at its next paragraph. */
  private spellSeq = 0;
  /** The model's findings per paragraph text, offsets from the paragraph's
   * start: a paragraph is read again only when its text changes. */
  private spelled = new Map<string, Finding[]>();
  private spellNote = "";
  private checked: Checked | null = null;
  /** Findings the user chose to ignore in this session (rule + text). */
  private ignored = new Set<string>();
  private saveState = h("span", { id: "save-state", class: "save-state", role: "status" });
  private historyBox = h("div", { id: "history", class: "history", hidden: "" });
  /** 常用主送机关 from the unit profile, offered in the 主送机关 field. */
  readonly recipientOptions = h("datalist", { id: "recipient-options" });

  constructor(
    private host: EditorHost,
    private pane: HTMLElement,
  ) {
    document.addEventListener("keydown", (event) => {
      if (!this.form) return;
      if (isShortcut(event, "s")) {
        event.preventDefault();
        void this.save();
      }
    });
  }

  setRecipientOptions(recipients: string[]): void {
    this.recipientOptions.replaceChildren(...recipients.map((r) => h("option", { value: r })));
  }

  get isOpen(): boolean {
    return this.form !== null;
  }

  /** The form as it stands, body included. */
  current(): DraftForm | null {
    if (!this.form) return null;
    const form = { ...this.form };
    for (const [key, control] of this.controls) form[key] = control.value;
    if (this.body) form.body = this.body.text;
    return form;
  }

  /** Opens a form: a saved draft (`id`) or a new, unsaved one. */
  open(id: number | null, form: DraftForm, history: RevisionSummary[]): void {
    clearTimeout(this.saveTimer);
    this.body?.destroy();
    this.session++;
    this.id = id;
    this.form = form;
    this.history = newestFirst(history);
    this.dirty = id === null;
    this.checked = null;
    this.ignored.clear();
    this.controls.clear();
    this.render();
    this.showSaveState();
    this.scheduleCheck(0);
    if (this.dirty) this.scheduleSave();
  }

  close(): void {
    clearTimeout(this.saveTimer);
    clearTimeout(this.checkTimer);
    this.stopSpelling();
    this.session++;
    this.body?.destroy();
    this.body = null;
    this.form = null;
    this.id = null;
    this.controls.clear();
  }

  /** The store was replaced by a backup: the open draft belongs to the old
   * store, and saving it now would write it into the restored one. */
  storeReplaced(): void {
    this.close();
    this.pane.replaceChildren(h("div", { class: "empty" }, h("p", { class: "empty-title" }, "草稿库已从备份恢复"), h("p", {}, "请在左侧重新打开草稿。")));
    this.host.draftsChanged();
  }

  private render(): void {
    const form = this.form!;
    const presence = this.host.info.kind_elements[form.kind];
    this.controls.clear();

    const toolbar = h(
      "div",
      { class: "editor-toolbar" },
      h("span", { class: "doc-kind", id: "doc-kind" }, form.kind),
      this.saveState,
      button("undo", "撤销", () => this.body?.undo(), "Ctrl+Z"),
      button("redo", "重做", () => this.body?.redo(), "Ctrl+Y 或 Ctrl+Shift+Z"),
      button("save-draft", "保存", () => void this.save(), "Ctrl+S"),
      button("show-history", "历史", () => void this.toggleHistory()),
      this.exportControls(),
      button("delete-draft", "删除", () => void this.remove()),
    );

    const head = h("div", { class: "fields" }, ...HEAD_FIELDS.map((f) => this.field(f, presence)));
    const bodyHost = h("div", { id: "body-editor", class: "body-editor" });
    const tail = h("div", { class: "fields" }, ...TAIL_FIELDS.map((f) => this.field(f, presence)));
    const more = h("button", { type: "button", id: "more-fields", class: "link" }, "更多要素（份号、密级、紧急程度、抄送、印发）");
    more.addEventListener("click", () => {
      for (const row of this.pane.querySelectorAll<HTMLElement>(".field-row[data-rare]")) row.hidden = false;
      more.hidden = true;
    });
    const sheet = h(
      "div",
      { class: "sheet" },
      head,
      h("div", { class: "field-label body-label" }, "正文"),
      bodyHost,
      tail,
      more,
    );
    this.pane.replaceChildren(h("div", { class: "editor-wrap" }, toolbar, this.historyBox, sheet));
    this.pane.classList.add("open");
    this.body = new BodyEditor(bodyHost, form.body, () => this.changed());
  }

  private field(spec: FieldSpec, presence: Record<string, "required" | "optional" | "not_used"> | undefined): HTMLElement {
    const form = this.form!;
    const value = form[spec.key];
    const id = `field-${spec.key}`;
    const control: Control = spec.multiline
      ? h("textarea", { id, rows: String(Math.max(1, value.split("\n").length)), placeholder: spec.placeholder ?? "" })
      : h("input", { id, type: "text", placeholder: spec.placeholder ?? "", autocomplete: "off" });
    control.value = value;
    if (spec.key === "recipients") control.setAttribute("list", "recipient-options");
    control.addEventListener("input", () => this.changed());
    this.controls.set(spec.key, control);
    const required = isRequired(spec, presence);
    const row = h(
      "div",
      { class: "field-row", "data-field": spec.key },
      h("label", { for: id, class: "field-label" }, spec.label, required ? h("span", { class: "required", title: "必备要素" }, "*") : ""),
      control,
      h("div", { class: "field-note", id: `note-${spec.key}` }),
    );
    if (!shows(spec, presence, value, form.layout)) {
      row.hidden = true;
      if (spec.rare) row.dataset.rare = "";
    }
    return row;
  }

  private exportControls(): HTMLElement {
    const against = h("select", { id: "export-against", "aria-label": "修订对照", title: "导出时以修订模式标出自所选版本以来的改动" });
    against.append(h("option", { value: "" }, "不标修订"));
    for (const rev of this.history) {
      against.append(h("option", { value: String(rev.id) }, `标出自修订 ${rev.id} 以来的改动`));
    }
    return h(
      "span",
      { class: "export" },
      button("export-docx", "导出 .docx", () => void this.exportDocx(against.value ? Number(against.value) : null)),
      against,
    );
  }

  private changed(): void {
    this.stopSpelling();
    this.dirty = true;
    this.showSaveState();
    this.scheduleCheck(CHECK_DELAY_MS);
    this.scheduleSave();
  }

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.save(), AUTOSAVE_DELAY_MS);
  }

  private showSaveState(text?: string): void {
    const latest = this.history[0];
    this.saveState.textContent =
      text ?? (this.dirty ? "有未保存的修改" : latest ? `已保存 · 修订 ${latest.id}` : "已保存");
    this.saveState.dataset.state = this.dirty ? "dirty" : "saved";
  }

  /** Saves now as a new revision. Nothing typed meanwhile is lost: a change
   * during the save marks the draft dirty again. */
  async save(): Promise<boolean> {
    clearTimeout(this.saveTimer);
    if (this.saving) await this.saving;
    const form = this.current();
    if (!form || !this.dirty) return true;
    this.dirty = false;
    this.showSaveState("正在保存…");
    const session = this.session;
    this.saving = (async () => {
      try {
        const saved = await this.host.backend.saveDraft(this.id, form);
        if (session !== this.session) {
          // Another draft is open now: this answer is not its.
          this.host.draftsChanged();
          return true;
        }
        this.id = saved.id;
        this.history = newestFirst(await this.host.backend.draftHistory(saved.id));
        this.refreshExportChoices();
        this.showFieldProblems(saved.field_problems);
        this.showSaveState();
        this.host.draftsChanged();
        return true;
      } catch (error) {
        if (session !== this.session) {
          this.host.notify(`上一份草稿保存失败：${errorMessage(error)}`, "error");
          return false;
        }
        this.dirty = true;
        this.showSaveState("保存失败");
        this.host.notify(`保存失败：${errorMessage(error)}。您输入的内容仍在编辑器中。`, "error");
        return false;
      } finally {
        this.saving = null;
      }
    })();
    return this.saving;
  }

  /** Saves pending changes before the draft is left; a save already under
   * way is waited for, and its failure keeps the user on this draft. */
  async flush(): Promise<boolean> {
    if (this.saving && !(await this.saving)) return false;
    return this.dirty ? this.save() : true;
  }

  private refreshExportChoices(): void {
    const old = this.pane.querySelector(".export");
    old?.replaceWith(this.exportControls());
  }

  private showFieldProblems(problems: { field: FormField; message: string }[]): void {
    for (const note of this.pane.querySelectorAll<HTMLElement>(".field-note.problem")) {
      note.textContent = "";
      note.classList.remove("problem");
    }
    for (const problem of problems) {
      const note = this.pane.querySelector<HTMLElement>(`#note-${problem.field}`);
      if (!note) continue;
      note.textContent = `${problem.message}（此项未能保存）`;
      note.classList.add("problem");
    }
  }

  private scheduleCheck(delay: number): void {
    clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(() => void this.check(), delay);
  }

  /** Proofreads the whole form; an answer for an older text is dropped. */
  async check(): Promise<void> {
    const form = this.current();
    if (!form) return;
    const seq = ++this.checkSeq;
    let checked: Checked;
    try {
      checked = await this.host.backend.proofread(form);
    } catch (error) {
      this.host.notify(`校对失败：${errorMessage(error)}`, "error");
      return;
    }
    if (seq !== this.checkSeq || !this.form) return;
    this.checked = checked;
    this.showFindings();
    this.host.checked?.();
    this.scheduleSpelling();
  }

  /** A model became ready (or went away): the body gets its spelling pass. */
  modelChanged(): void {
    if (this.form) this.scheduleSpelling();
  }

  private scheduleSpelling(): void {
    clearTimeout(this.spellTimer);
    this.spellTimer = setTimeout(() => void this.spellBody(), SPELL_DELAY_MS);
  }

  private stopSpelling(): void {
    clearTimeout(this.spellTimer);
    this.spellSeq++;
  }

  /** The model's spelling pass, in the background after the rules: the
   * body's paragraphs one by one, each answer shown as it comes. The model
   * runs in its own process, so typing never waits for it; an edit ends
   * the pass, and the next one reads only the paragraphs that changed. */
  private async spellBody(): Promise<void> {
    if (!this.body || !this.host.modelReady?.()) {
      if (this.spellNote) {
        this.spellNote = "";
        this.showFindings();
      }
      return;
    }
    const seq = ++this.spellSeq;
    const paragraphs = this.body.text.split("\n").filter((p) => CHINESE.test(p));
    const todo = [...new Set(paragraphs.filter((p) => !this.spelled.has(p)))];
    if (this.spelled.size > SPELLED_KEPT) this.spelled.clear();
    for (const [done, paragraph] of todo.entries()) {
      this.spellNote = `模型校对中：第 ${done + 1}/${todo.length} 段`;
      this.showFindings();
      let found: Finding[];
      try {
        found = await this.host.backend.spellParagraph(paragraph);
      } catch (error) {
        if (seq !== this.spellSeq) return;
        this.spellNote = `模型校对未完成：${errorMessage(error)}`;
        this.showFindings();
        return;
      }
      // Kept even if the text moved on: it is right for that paragraph.
      this.spelled.set(paragraph, found);
      if (seq !== this.spellSeq || !this.body) return;
    }
    this.spellNote = paragraphs.length ? `模型校对完成（${paragraphs.length} 段）` : "";
    this.showFindings();
  }

  /** The model's findings placed in the current body; where a rule already
   * flags the text, the rule's finding stands alone. */
  private modelFindings(rules: Finding[]): Finding[] {
    if (!this.body) return [];
    const out: Finding[] = [];
    let at = 0;
    for (const paragraph of this.body.text.split("\n")) {
      for (const f of this.spelled.get(paragraph) ?? []) {
        const from = at + (f.from ?? 0);
        const to = at + (f.to ?? 0);
        const taken = rules.some((r) => r.field === "body" && r.from !== null && r.to !== null && r.from < to && r.to > from);
        if (!taken) out.push({ ...f, from, to });
      }
      at += paragraph.length + 1;
    }
    return out;
  }

  private visible(): Finding[] {
    const rules = this.checked?.findings ?? [];
    return [...rules, ...this.modelFindings(rules)].filter((f) => !this.ignored.has(`${f.rule}\u0000${f.original}`));
  }

  private showFindings(): void {
    const findings = this.visible();
    this.body?.setMarks(
      findings.flatMap((f, index) =>
        f.field === "body" && f.from !== null && f.to !== null ? [{ from: f.from, to: f.to, severity: f.severity, index }] : [],
      ),
    );
    for (const [key, control] of this.controls) {
      const here = findings.filter((f) => f.field === key);
      control.classList.toggle("has-finding", here.length > 0);
      control.title = here.map((f) => f.message).join("\n");
    }
    if (this.checked) this.showFieldProblems(this.checked.field_problems);
    renderFindings(this.host.findingsPanel, findings, this.checked?.element_issues ?? [], this.spellNote, {
      accept: (f) => this.accept([f]),
      acceptAll: (f) => this.accept(findings.filter((o) => o.rule === f.rule && fixable(o))),
      ignore: (f, always) => this.ignore(f, always),
      reveal: (f) => this.reveal(f),
    });
  }

  /** Applies suggestions the user accepted. A fix whose text changed since
   * the check is skipped; the recheck shows what still applies. */
  private accept(findings: Finding[]): void {
    const byField = new Map<FormField, Finding[]>();
    for (const f of findings) {
      if (!fixable(f)) continue;
      byField.set(f.field!, [...(byField.get(f.field!) ?? []), f]);
    }
    for (const [field, list] of byField) {
      if (field === "body" && this.body) {
        const body = this.body;
        const changes = list
          .filter((f) => body.slice(f.from!, f.to!) === f.original)
          .map((f) => ({ from: f.from!, to: f.to!, insert: f.suggestion! }));
        if (changes.length) body.replace(nonOverlapping(changes));
      } else {
        const control = this.controls.get(field);
        if (!control) continue;
        let value = control.value;
        for (const f of [...list].sort((a, b) => b.from! - a.from!)) {
          if (value.slice(f.from!, f.to!) !== f.original) continue;
          value = value.slice(0, f.from!) + f.suggestion! + value.slice(f.to!);
        }
        control.value = value;
        this.changed();
      }
    }
    for (const f of findings) {
      void this.host.backend
        .recordFeedback({ source: f.rule, original: f.original, suggestion: f.suggestion ?? "", accepted: true }, false)
        .catch(() => {});
    }
    this.scheduleCheck(0);
  }

  private ignore(finding: Finding, always: boolean): void {
    this.ignored.add(`${finding.rule}\u0000${finding.original}`);
    void this.host.backend
      .recordFeedback(
        { source: finding.rule, original: finding.original, suggestion: finding.suggestion ?? "", accepted: false },
        always,
      )
      .catch(() => {});
    this.showFindings();
  }

  private reveal(finding: Finding): void {
    if (finding.field === "body" && finding.from !== null && finding.to !== null) {
      this.body?.reveal(finding.from, finding.to);
      return;
    }
    const control = finding.field ? this.controls.get(finding.field) : undefined;
    if (!control) return;
    control.closest<HTMLElement>(".field-row")!.hidden = false;
    control.focus();
    if (finding.from !== null && finding.to !== null) control.setSelectionRange(finding.from, finding.to);
  }

  /** Takes a drafted suggestion the user accepted: the body as one undoable
   * edit, and the title and 主送 where the user left them empty. */
  applyDraft(suggested: DraftForm): boolean {
    if (!this.form || !this.body) return false;
    for (const key of ["title", "recipients"] as const) {
      const control = this.controls.get(key);
      if (control && !control.value.trim() && suggested[key].trim()) {
        control.value = suggested[key];
        control.closest<HTMLElement>(".field-row")!.hidden = false;
      }
    }
    this.body.replace([{ from: 0, to: this.body.text.length, insert: suggested.body }]);
    this.changed();
    return true;
  }

  /** Shows where a summary's citation points: the body line highlighted,
   * or the element's field focused. */
  revealPlace(place: { field: string; line: number | null }): void {
    if (place.field === "body" && place.line !== null) {
      for (const other of this.pane.querySelectorAll(".field-row.cited")) other.classList.remove("cited");
      this.body?.highlightLine(place.line);
      return;
    }
    const control = this.controls.get(place.field as FormField);
    if (!control) return;
    const row = control.closest<HTMLElement>(".field-row")!;
    row.hidden = false;
    // The mark stays until the next citation is followed.
    for (const other of this.pane.querySelectorAll(".field-row.cited")) other.classList.remove("cited");
    row.classList.add("cited");
    row.scrollIntoView({ block: "center" });
    control.focus();
  }

  /** The body editor, for the AI panel's selection and fixes. */
  bodyEditor(): BodyEditor | null {
    return this.body;
  }

  private async toggleHistory(): Promise<void> {
    const box = this.historyBox;
    if (!box.hidden) {
      box.hidden = true;
      return;
    }
    if (!(await this.flush()) || this.id === null) {
      this.host.notify("草稿尚未保存，还没有历史版本");
      return;
    }
    this.history = newestFirst(await this.host.backend.draftHistory(this.id));
    const detail = h("div", { class: "history-detail", id: "history-detail" }, h("p", { class: "empty" }, "选择一个版本，查看它与当前版本的差异。"));
    const list = h("ul", { class: "history-list", id: "history-list" });
    for (const rev of this.history) {
      const item = h("li", {}, h("button", { type: "button", "data-revision": String(rev.id) }, `修订 ${rev.id}`), ` ${localTime(rev.created_at)} · ${rev.chars} 字`);
      item.querySelector("button")!.addEventListener("click", () => void this.showRevision(rev.id, detail));
      list.append(item);
    }
    box.replaceChildren(h("div", { class: "history-head" }, h("strong", {}, "修订历史"), button("close-history", "关闭", () => (box.hidden = true))), list, detail);
    box.hidden = false;
  }

  private async showRevision(revision: number, detail: HTMLElement): Promise<void> {
    if (this.id === null) return;
    const id = this.id;
    try {
      const view = await this.host.backend.viewRevision(id, revision);
      const diff = h("pre", { class: "diff", id: "revision-diff" });
      for (const op of view.diff) {
        const sign = op.op === "insert" ? "+ " : op.op === "delete" ? "− " : "  ";
        diff.append(h("div", { class: `diff-${op.op}` }, sign + op.text));
      }
      const restore = button("restore-revision", `恢复修订 ${revision}`, async () => {
        if (!(await this.flush())) return;
        const opened = await this.host.backend.restoreRevision(id, revision);
        this.open(opened.id, opened.form, opened.history);
        this.host.notify(`已恢复修订 ${revision}（作为新的修订保存，原有历史保留）`, "ok");
        this.host.draftsChanged();
      });
      detail.replaceChildren(h("p", {}, `修订 ${revision} → 当前版本（“−”为当前已删去，“+”为之后新增）`), diff, restore);
    } catch (error) {
      this.host.notify(errorMessage(error), "error");
    }
  }

  private async exportDocx(against: number | null): Promise<void> {
    const form = this.current();
    if (!form) return;
    if (!(await this.flush())) return;
    try {
      const exported = await this.host.backend.exportDraft(form, this.id, against);
      this.host.notify(`已导出到 ${exported.path}`, "ok");
      this.pane.querySelector("#export-docx")?.setAttribute("data-path", exported.path);
    } catch (error) {
      this.host.notify(`导出失败：${errorMessage(error)}`, "error");
    }
  }

  private async remove(): Promise<void> {
    if (this.id === null) {
      this.close();
      this.host.draftsChanged();
      return;
    }
    try {
      await this.host.backend.deleteDraft(this.id);
      this.close();
      this.pane.replaceChildren(h("div", { class: "empty" }, h("p", { class: "empty-title" }, "草稿已移到回收站"), h("p", {}, "可在左侧“回收站”中恢复。")));
      this.host.draftsChanged();
    } catch (error) {
      this.host.notify(errorMessage(error), "error");
    }
  }
}

/** The store lists revisions oldest first; people look for the latest. */
function newestFirst(history: RevisionSummary[]): RevisionSummary[] {
  return [...history].sort((a, b) => b.id - a.id);
}

function fixable(f: Finding): boolean {
  return f.suggestion !== null && f.field !== null && f.from !== null && f.to !== null;
}

/** Drops changes that overlap an earlier one: CodeMirror applies a set of
 * changes at once and they must not overlap. */
function nonOverlapping(changes: { from: number; to: number; insert: string }[]) {
  const sorted = [...changes].sort((a, b) => a.from - b.from);
  const kept: typeof changes = [];
  for (const change of sorted) {
    const last = kept[kept.length - 1];
    if (!last || change.from >= last.to) kept.push(change);
  }
  return kept;
}

function button(id: string, label: string, onClick: () => void, title = ""): HTMLButtonElement {
  const b = h("button", { type: "button", id, title }, label);
  b.addEventListener("click", onClick);
  return b;
}

/** An ISO 8601 UTC timestamp in local time, as a civil servant reads it. */
export function localTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
