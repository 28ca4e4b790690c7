import type {
  AppInfo,
  Backend,
  Checked,
  DraftFilter,
  DraftForm,
  DiffOp,
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
  Place,
  Preview,
  AppConfig,
  AuditView,
  BackupDone,
  SettingsInfo,
  TermList,
  UnitProfile,
  RevisionSummary,
  RevisionView,
  Saved,
  StorageStatus,
} from "./index";

export function emptyForm(kind: string): DraftForm {
  return {
    kind,
    layout: "standard",
    copy_number: "",
    classification: "",
    urgency: "",
    issuer: "",
    doc_number: "",
    signers: "",
    title: "",
    recipients: "",
    body: "",
    attachments: "",
    signature: "",
    date: "",
    sealed: false,
    note: "",
    cc: "",
    printed_by: "",
    printed_on: "",
    present: "",
    absent: "",
    observers: "",
  };
}

/** A model job the test drives: it streams what the test emits, and ends
 * when the test finishes it or the user stops it (with the text so far). */
export class FakeJob {
  text = "";
  stopped = false;
  done = false;
  constructor(
    readonly id: number,
    private onEvent: (event: JobEvent) => void,
    private finishWith: (text: string) => JobEvent,
  ) {}

  pieces = 0;

  /** One piece of text, as one token. */
  emit(piece: string, tokensPerSecond = 12.5): void {
    this.text += piece;
    this.pieces++;
    this.onEvent({ kind: "text", text: piece });
    this.onEvent({ kind: "progress", tokens: this.pieces, tokens_per_second: tokensPerSecond });
  }

  /** Takes back what was shown, as the drafter does when a piece fails
   * its checks. */
  reset(shown: string, why: string): void {
    this.text = shown;
    this.onEvent({ kind: "reset", shown, why });
  }

  /** Ends the job as a crashed worker or a refused answer would. */
  fail(code: string, message: string): void {
    this.done = true;
    this.onEvent({ kind: "failed", code, message });
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    this.onEvent(this.finishWith(this.text));
  }
}

interface Stored {
  kind: string;
  revisions: { id: number; at: string; form: DraftForm }[];
  deleted: boolean;
}

const HEADING = /^[一二三四五六七八九十]+、/;

/** An in-memory backend for UI tests. The store keeps revisions; the
 * "proofreader" flags the words in `typos` (the real rules are tested in
 * Rust and through the real window). */
export class FakeBackend implements Backend {
  private listeners: ((state: ModelState) => void)[] = [];
  drafts = new Map<number, Stored>();
  private nextId = 1;
  private nextRevision = 1;
  feedback: { feedback: Feedback; ignoreAlways: boolean }[] = [];
  exports: { form: DraftForm; id: number | null; against: number | null }[] = [];
  proofreadCalls = 0;
  saveCalls = 0;
  typos: Record<string, string> = { 布署: "部署" };
  /** What the "model" corrects, one character each: 机智 → 机制. */
  modelTypos: Record<string, string> = { 机智: "机制" };
  /** The paragraphs the model pass was asked about, in order. */
  spelled: string[] = [];
  /** Makes the next save fail, as a full disk would. */
  failNextSave = false;

  constructor(
    public info: AppInfo,
    private state: ModelState,
  ) {}

  async appInfo(): Promise<AppInfo> {
    return this.info;
  }

  async uiReady(): Promise<number> {
    return 42;
  }

  async watchModel(onState: (state: ModelState) => void): Promise<void> {
    this.listeners.push(onState);
    onState(this.state);
  }

  /** What the window does when asked to close; set by `watchClose`. */
  requestClose: (() => void) | null = null;
  closed = 0;

  async watchClose(onClose: () => void): Promise<void> {
    this.requestClose = onClose;
  }

  async closeWindow(): Promise<void> {
    this.closed++;
  }

  /** The passphrase that opens the fake store. */
  passphrase = "正确口令";

  async unlockStore(passphrase: string): Promise<StorageStatus> {
    this.unlockCalls++;
    if (passphrase === this.passphrase) {
      this.info.storage = { kind: "encrypted", drafts: 0 };
      return this.info.storage;
    }
    return { kind: "failed", code: "store-wrong-key", message: "无法解密草稿库：口令错误，或数据库文件已损坏" };
  }

  push(state: ModelState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }

  private summary(id: number, d: Stored): DraftSummary {
    const latest = d.revisions[d.revisions.length - 1];
    return { id, kind: d.kind, title: latest.form.title, updated_at: latest.at, revisions: d.revisions.length };
  }

  private history(d: Stored): RevisionSummary[] {
    // Oldest first, as the real store answers.
    return d.revisions.map((r) => ({ id: r.id, created_at: r.at, chars: r.form.body.length }));
  }

  private get(id: number): Stored {
    const d = this.drafts.get(id);
    if (!d) throw { code: "store-no-such-draft", message: `没有编号为 ${id} 的草稿` };
    return d;
  }

  async listDrafts(query: string, filter: DraftFilter): Promise<DraftSummary[]> {
    return [...this.drafts.entries()]
      .filter(([, d]) => !d.deleted)
      .filter(([, d]) => {
        const form = d.revisions[d.revisions.length - 1].form;
        return query === "" || form.title.includes(query) || form.body.includes(query);
      })
      .filter(([, d]) => !filter.kind || d.kind === filter.kind)
      .map(([id, d]) => this.summary(id, d))
      .reverse();
  }

  async newDraft(kind: string): Promise<DraftForm> {
    return { ...emptyForm(kind), issuer: "××市人民政府办公室文件", signature: "××市人民政府办公室", date: "2026年11月29日" };
  }

  async openDraft(id: number): Promise<OpenedDraft> {
    const d = this.get(id);
    return { id, form: { ...d.revisions[d.revisions.length - 1].form }, history: this.history(d) };
  }

  async saveDraft(id: number | null, form: DraftForm): Promise<Saved> {
    this.saveCalls++;
    if (this.saveGate) await this.saveGate;
    if (this.failNextSave) {
      this.failNextSave = false;
      throw { code: "store-io", message: "磁盘已满" };
    }
    const draftId = id ?? this.nextId++;
    const d = this.drafts.get(draftId) ?? { kind: form.kind, revisions: [], deleted: false };
    const revision = this.nextRevision++;
    d.revisions.push({ id: revision, at: new Date(Date.UTC(2026, 10, 29, 1, revision)).toISOString(), form: { ...form } });
    this.drafts.set(draftId, d);
    return { id: draftId, revision, field_problems: [] };
  }

  async draftHistory(id: number): Promise<RevisionSummary[]> {
    return this.history(this.get(id));
  }

  async viewRevision(id: number, revision: number): Promise<RevisionView> {
    const d = this.get(id);
    const old = d.revisions.find((r) => r.id === revision)!.form;
    const latest = d.revisions[d.revisions.length - 1].form;
    const diff =
      old.body === latest.body
        ? [{ op: "equal" as const, text: old.body }]
        : [
            { op: "delete" as const, text: old.body },
            { op: "insert" as const, text: latest.body },
          ];
    return { revision, form: old, diff };
  }

  async restoreRevision(id: number, revision: number): Promise<OpenedDraft> {
    const d = this.get(id);
    const old = d.revisions.find((r) => r.id === revision)!.form;
    await this.saveDraft(id, old);
    return this.openDraft(id);
  }

  async deleteDraft(id: number): Promise<void> {
    this.get(id).deleted = true;
  }

  async deletedDrafts(): Promise<DraftSummary[]> {
    return [...this.drafts.entries()].filter(([, d]) => d.deleted).map(([id, d]) => this.summary(id, d));
  }

  async undeleteDraft(id: number): Promise<void> {
    this.get(id).deleted = false;
  }

  async spellParagraph(paragraph: string): Promise<Finding[]> {
    if (this.state.kind !== "ready") throw { code: "model-not-ready", message: "模型未就绪，仅用规则校对" };
    this.spelled.push(paragraph);
    const findings: Finding[] = [];
    for (const [wrong, right] of Object.entries(this.modelTypos)) {
      const k = [...wrong].findIndex((c, i) => c !== right[i]);
      for (let at = paragraph.indexOf(wrong); at >= 0; at = paragraph.indexOf(wrong, at + 1)) {
        findings.push({
          rule: "typo.model",
          category: "错别字",
          severity: "warning",
          message: `“${wrong[k]}”疑为“${right[k]}”之误（模型判断）`,
          suggestion: right[k],
          original: wrong[k],
          part: "body",
          field: "body",
          from: at + k,
          to: at + k + 1,
        });
      }
    }
    return findings;
  }

  async proofread(form: DraftForm): Promise<Checked> {
    this.proofreadCalls++;
    const findings: Finding[] = [];
    for (const [wrong, right] of Object.entries(this.typos)) {
      let at = form.body.indexOf(wrong);
      while (at >= 0) {
        findings.push({
          rule: "typo.misused",
          category: "错别字",
          severity: "error",
          message: `“${wrong}”应为“${right}”`,
          suggestion: right,
          original: wrong,
          part: "body",
          field: "body",
          from: at,
          to: at + wrong.length,
        });
        at = form.body.indexOf(wrong, at + wrong.length);
      }
    }
    if (form.title.endsWith("。")) {
      const at = form.title.length - 1;
      findings.push({
        rule: "kind.title-punctuation",
        category: "文种规范",
        severity: "error",
        message: "标题末尾不用标点",
        suggestion: "",
        original: "。",
        part: "title",
        field: "title",
        from: at,
        to: at + 1,
      });
    }
    return { findings, element_issues: [], field_problems: [], chars: form.body.length };
  }

  async recordFeedback(feedback: Feedback, ignoreAlways: boolean): Promise<void> {
    this.feedback.push({ feedback, ignoreAlways });
  }

  async importFile(_name: string, bytes: Uint8Array): Promise<Imported> {
    this.imports++;
    const text = new TextDecoder().decode(bytes);
    const [title, ...body] = text.split("\n");
    return { form: { ...emptyForm("通知"), title, body: body.join("\n") }, kind_from_title: title.endsWith("通知"), chars: text.length, hidden: text.split("【隐藏文字：").length - 1 };
  }

  jobs: FakeJob[] = [];

  /** One page: the title centred, then the body lines on the grid. */
  async previewDraft(form: DraftForm): Promise<Preview> {
    const line = (text: string, top: number, align: "left" | "center") => ({
      text,
      top,
      left: 0,
      height: 10.2,
      width: 156,
      font: "fangsong" as const,
      size: 16,
      align,
      red: false,
    });
    const lines = [line(form.title, 0, "center"), ...form.body.split("\n").map((t, i) => line(t, 20.4 + i * 10.2, "left"))];
    return {
      pages: [{ number: 1, lines, page_number: "— 1 —" }],
      page_width: 210,
      page_height: 297,
      margin_top: 37,
      margin_left: 28,
      text_width: 156,
      text_height: 225,
    };
  }

  async diffText(old: string, next: string): Promise<DiffOp[]> {
    const a = old.split("\n");
    const b = next.split("\n");
    return [
      ...a.filter((l) => l && !b.includes(l)).map((text) => ({ op: "delete" as const, text })),
      ...b.filter((l) => a.includes(l)).map((text) => ({ op: "equal" as const, text })),
      ...b.filter((l) => l && !a.includes(l)).map((text) => ({ op: "insert" as const, text })),
    ];
  }

  /** What the last draft job was asked to learn from. */
  draftedFrom: ExemplarSource[] | null = null;

  async draftExamples(kind: string, _brief: string): Promise<ExampleChoice[]> {
    return [
      { source: { from: "store", draft_id: 3 }, title: `本单位的一份${kind}`, chosen: true },
      { source: { from: "builtin", id: "notice-1" }, title: `内置${kind}范文一`, chosen: true },
      { source: { from: "builtin", id: "notice-2" }, title: `内置${kind}范文二`, chosen: false },
    ];
  }

  async generateDraft(
    form: DraftForm,
    _brief: string,
    examples: ExemplarSource[] | null,
    onEvent: (event: JobEvent) => void,
  ): Promise<number> {
    this.draftedFrom = examples;
    const job = new FakeJob(this.jobs.length + 1, onEvent, (text) => ({
      kind: "drafted",
      suggestion: {
        mode: "model",
        form: { ...form, title: form.title || "关于开展冬季安全检查的通知", body: text },
        structure_problems: [],
        notices: [],
        findings: 0,
        examples: (examples ?? []).map((source) => ({ source, title: "范文" })),
        removed: [],
        added: [],
        thinking: "",
        generated_tokens: text.length,
        tokens_per_second: 12.5,
      },
    }));
    this.jobs.push(job);
    return job.id;
  }

  async polishText(text: string, style: string, onEvent: (event: JobEvent) => void): Promise<number> {
    const job = new FakeJob(this.jobs.length + 1, onEvent, (suggestion) => ({
      kind: "polished",
      suggestion: {
        mode: "model",
        style,
        original: text,
        suggestion,
        ops: [
          { op: "delete", text },
          { op: "insert", text: suggestion },
        ],
        generated_tokens: suggestion.length,
        tokens_per_second: 10,
      },
    }));
    this.jobs.push(job);
    return job.id;
  }

  /** Summarizes like the real thing in shape: the title and each body line
   * are paragraphs; each line but a 一、 heading is a point citing itself;
   * a heading opens a section; a line with a date is a task. */
  async summarizeDraft(form: DraftForm, onEvent: (event: JobEvent) => void): Promise<number> {
    const paragraphs: string[] = [];
    const places: Place[] = [];
    if (form.title) {
      paragraphs.push(form.title);
      places.push({ field: "title", line: null });
    }
    form.body.split("\n").forEach((line, i) => {
      if (!line.trim()) return;
      paragraphs.push(line.trim());
      places.push({ field: "body", line: i });
    });
    const job = new FakeJob(this.jobs.length + 1, onEvent, () => ({
      kind: "summarized",
      summary: {
        mode: "model",
        paragraphs,
        points: paragraphs.flatMap((text, i) => (HEADING.test(text) ? [] : [{ text, sources: [i], by: "model" as const }])),
        sections: paragraphs.flatMap((text, i) => {
          if (!HEADING.test(text)) return [];
          const next = paragraphs.findIndex((p, j) => j > i && HEADING.test(p));
          return [{ heading: i, paragraphs: { start: i, end: next < 0 ? paragraphs.length : next } }];
        }),
        tasks: paragraphs.flatMap((text, i) => {
          const deadline = /\d+月\d+日前/.exec(text)?.[0];
          return deadline ? [{ task: text, deadline, owner: "各单位", sources: [i], by: "rule" as const }] : [];
        }),
        model_requests: 1,
        generated_tokens: 10,
      },
      places,
    }));
    this.jobs.push(job);
    onEvent({ kind: "step", step: 1, steps: 2 });
    return job.id;
  }

  profile: UnitProfile = { name: "", code: "", recipients: [] };
  terms: Record<TermList, string[]> = { custom: [], ignore: [] };
  config: AppConfig = { model: "default", allow_unregistered: false, threads: null, context: null };
  audit: { id: number; at: string; action: string; detail: string }[] = [
    { id: 1, at: "2026-11-29T01:00:00Z", action: "create", detail: "草稿 1 修订 1" },
  ];
  auditBroken: string | null = null;
  restored: Uint8Array[] = [];
  backupPassphrase = "";
  unlockCalls = 0;
  imports = 0;
  /** When set, saves wait for it: tests race them against other actions. */
  saveGate: Promise<void> | null = null;
  auditRollbacks: string[] = [];

  async settingsInfo(): Promise<SettingsInfo> {
    return {
      profile: this.profile,
      custom_terms: this.terms.custom,
      ignore_terms: this.terms.ignore,
      key_source: this.keySource,
      data_dir: "/home/user/.local/share/gongwen",
      export_dir: this.info.export_dir,
      config: this.config,
      model_from_env: null,
      models: [
        { name: "default", display_name: "Qwen2.5 1.5B", file: "q.gguf", size_bytes: 1.1e9, present: true },
        { name: "test", display_name: "Gemma 3 270M", file: "g.gguf", size_bytes: 2.5e8, present: false },
      ],
    };
  }

  async saveProfile(profile: UnitProfile): Promise<UnitProfile> {
    this.profile = { ...profile, recipients: profile.recipients.map((r) => r.trim()).filter(Boolean) };
    return this.profile;
  }

  async addTerm(list: TermList, term: string): Promise<string[]> {
    if (!term.trim()) throw { code: "settings-term", message: "请输入词语" };
    this.terms[list] = [...this.terms[list], term.trim()].sort();
    return this.terms[list];
  }

  async removeTerm(list: TermList, term: string): Promise<string[]> {
    this.terms[list] = this.terms[list].filter((t) => t !== term);
    return this.terms[list];
  }

  async auditLog(): Promise<AuditView> {
    return {
      entries: [...this.audit].reverse(),
      total: this.audit.length,
      verified: this.auditBroken ? null : this.audit.length,
      broken: this.auditBroken,
      rollbacks: this.auditRollbacks,
    };
  }

  async createBackup(passphrase: string): Promise<BackupDone> {
    if ([...passphrase].length < 8) throw { code: "backup-weak-passphrase", message: "备份口令至少需要 8 个字符" };
    this.backupPassphrase = passphrase;
    return { path: `${this.info.export_dir}/公文助手备份-202611290100.gwbak`, drafts: this.drafts.size, revisions: 1, bytes: 4096, safety_copy: null, warning: null };
  }

  async restoreBackup(bytes: Uint8Array, passphrase: string): Promise<BackupDone> {
    if (bytes.length < 4) throw { code: "backup-bad-file", message: "不是公文助手的备份文件，或备份文件不完整。当前草稿库未改动" };
    if (passphrase !== this.backupPassphrase) {
      throw { code: "backup-wrong-passphrase", message: "无法打开备份：备份口令错误，或备份文件已损坏。当前草稿库未改动" };
    }
    this.restored.push(bytes);
    return { path: "", drafts: 2, revisions: 5, bytes: bytes.length, safety_copy: "/home/user/.local/share/gongwen/gongwen.db.before-restore-20261129010000", warning: null };
  }

  async saveModelConfig(config: AppConfig): Promise<AppConfig> {
    if (config.model.startsWith("/") && !config.allow_unregistered) {
      throw { code: "settings-unregistered", message: "此文件不在已知模型清单中，无法核对其来源与 SHA-256。确认使用请勾选“我确认使用此文件”" };
    }
    this.config = config;
    return config;
  }

  keySource = "口令";

  async changeKeySource(passphrase: string | null): Promise<string> {
    if (passphrase !== null && passphrase.length < 8) throw { code: "settings-passphrase", message: "口令至少 8 个字符" };
    this.keySource = passphrase === null ? "系统密钥环" : "口令";
    return this.keySource;
  }

  async stopJob(id: number): Promise<boolean> {
    const job = this.jobs.find((j) => j.id === id);
    if (!job || job.done) return false;
    job.stopped = true;
    job.finish();
    return true;
  }

  async exportDraft(form: DraftForm, id: number | null, against: number | null): Promise<Exported> {
    this.exports.push({ form, id, against });
    return { path: `/导出/${form.title}.docx`, bytes: 1000 };
  }
}
