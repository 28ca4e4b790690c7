// The AI 起草 panel: a brief → the body streamed as the model writes it,
// with its speed and 停止; then the suggestion as a diff against the body,
// which the user takes (采用) or leaves (放弃). The example documents the
// model writes from are listed with ticks (the unit's own first); a piece
// that fails the checks is taken back on screen with the reason. Below,
// 润色 of the selected text in one of four styles, likewise a diff.

import type {
  Backend,
  DiffOp,
  DraftSuggestion,
  ExampleChoice,
  ExemplarSource,
  JobEvent,
  PolishSuggestion,
} from "./backend";
import { errorMessage } from "./backend";
import { h } from "./dom";
import type { DraftEditor } from "./editor";
import { isShortcut } from "./keys";

export interface AiHost {
  backend: Backend;
  editor: DraftEditor;
  notify(text: string, tone?: "ok" | "error"): void;
  /** The model is writing at this rate, or has stopped (null). */
  generating(tokensPerSecond: number | null): void;
}

const STYLES = ["润色", "精简", "扩写", "公文语体"];

export class AiPanel {
  private job: number | null = null;
  private running = false;
  private brief = h("textarea", {
    id: "brief",
    rows: "5",
    placeholder: "例：12月10日前各单位完成冬季安全生产自查，重点检查消防、燃气；市应急管理局牵头，结果报市政府办公室。",
  });
  private generate = h("button", { type: "button", id: "generate", class: "primary" }, "生成正文");
  private stop = h("button", { type: "button", id: "stop", hidden: "" }, "停止");
  private speed = h("span", { id: "draft-speed", class: "speed" });
  private stream = h("pre", { id: "draft-stream", class: "stream", hidden: "" });
  private rewrite = h("p", { id: "draft-rewrite", class: "hint", hidden: "" });
  private examples = h("ul", { id: "draft-examples", class: "examples" });
  private choices: ExampleChoice[] = [];
  private choicesFor = "";
  private choicesTimer: number | undefined;
  private result = h("div", { id: "draft-result", class: "suggestion", hidden: "" });
  private style = h("select", { id: "polish-style", "aria-label": "润色方式" });
  private polish = h("button", { type: "button", id: "polish" }, "润色所选文字");
  private polishStream = h("pre", { id: "polish-stream", class: "stream", hidden: "" });
  private polishResult = h("div", { id: "polish-result", class: "suggestion", hidden: "" });

  constructor(
    private host: AiHost,
    panel: HTMLElement,
  ) {
    for (const style of STYLES) this.style.append(h("option", { value: style }, style));
    this.generate.addEventListener("click", () => void this.startDraft());
    this.brief.addEventListener("input", () => {
      // The examples follow the brief, once the typing pauses.
      window.clearTimeout(this.choicesTimer);
      this.choicesTimer = window.setTimeout(() => void this.refreshExamples(), 600);
    });
    this.brief.addEventListener("keydown", (event) => {
      if (isShortcut(event, "enter")) {
        event.preventDefault();
        void this.startDraft();
      }
    });
    this.stop.addEventListener("click", () => {
      if (this.job !== null) void host.backend.stopJob(this.job);
    });
    this.polish.addEventListener("click", () => void this.startPolish());
    panel.replaceChildren(
      h("p", { class: "hint" }, "填写要点，由本机模型起草正文（逐字显示，可随时停止）。结果作为建议与现有正文对照显示，由您决定是否采用。"),
      h("label", { for: "brief", class: "field-label" }, "要点"),
      this.brief,
      h("p", { class: "field-label" }, "参考范文（模型照这些公文的写法起草；可取消勾选）"),
      this.examples,
      h("div", { class: "row" }, this.generate, this.stop, this.speed),
      this.rewrite,
      this.stream,
      this.result,
      h("h3", { class: "subhead" }, "润色"),
      h("p", { class: "hint" }, "在正文中选中一段文字，选择方式后润色；结果以修改对照显示。"),
      h("div", { class: "row" }, this.style, this.polish),
      this.polishStream,
      this.polishResult,
    );
  }

  private get busy(): boolean {
    return this.running;
  }

  private setBusy(busy: boolean): void {
    this.running = busy;
    this.generate.disabled = busy;
    this.polish.disabled = busy;
    this.stop.hidden = !busy;
    if (!busy) {
      this.job = null;
      this.host.generating(null);
    }
  }

  /** Streams events into `out`; resolves with the job's result event. */
  private run(
    start: (onEvent: (event: JobEvent) => void) => Promise<number>,
    out: HTMLElement,
  ): Promise<JobEvent> {
    out.textContent = "";
    out.hidden = false;
    this.rewrite.hidden = true;
    this.speed.textContent = "正在准备…";
    this.setBusy(true);
    return new Promise((resolve) => {
      const onEvent = (event: JobEvent) => {
        switch (event.kind) {
          case "text":
            out.append(event.text);
            out.scrollTop = out.scrollHeight;
            break;
          case "reset":
            // A piece failed the checks and is written again, or was mended.
            out.textContent = event.shown;
            if (event.why) {
              this.rewrite.textContent = `上一稿未通过检查（${event.why}），正在重写`;
              this.rewrite.hidden = false;
            }
            break;
          case "progress":
            // A rate needs two pieces to mean anything.
            this.speed.textContent =
              event.tokens < 2
                ? `已生成 ${event.tokens} 个词元`
                : `已生成 ${event.tokens} 个词元 · ${event.tokens_per_second.toFixed(1)} 词元/秒`;
            if (event.tokens >= 2) this.host.generating(event.tokens_per_second);
            break;
          default:
            this.setBusy(false);
            resolve(event);
        }
      };
      start(onEvent).then(
        (id) => {
          // The job may already be over (no model: the skeleton comes at once).
          if (this.running) this.job = id;
        },
        (error) => {
          this.setBusy(false);
          resolve({ kind: "failed", code: "invoke", message: errorMessage(error) });
        },
      );
    });
  }

  async startDraft(): Promise<void> {
    const form = this.host.editor.current();
    if (this.busy) return;
    if (!form) {
      this.host.notify("请先新建或打开一份公文，再起草正文", "error");
      return;
    }
    if (!this.brief.value.trim()) {
      this.host.notify("请先填写要点", "error");
      this.brief.focus();
      return;
    }
    this.result.hidden = true;
    await this.refreshExamples();
    const chosen = this.chosenExamples();
    const event = await this.run(
      (onEvent) => this.host.backend.generateDraft(form, this.brief.value, chosen, onEvent),
      this.stream,
    );
    if (event.kind === "failed") {
      this.speed.textContent = "";
      this.host.notify(`起草失败：${event.message}`, "error");
      return;
    }
    if (event.kind !== "drafted") return;
    const s = event.suggestion;
    // A stopped draft may not count its tokens: the last rate shown stays.
    if (s.mode !== "model") this.speed.textContent = "未使用模型";
    else if (s.generated_tokens > 0) {
      this.speed.textContent = `共 ${s.generated_tokens} 个词元 · ${s.tokens_per_second.toFixed(1)} 词元/秒`;
    }
    // Against the body as it is now: the user may have typed meanwhile.
    await this.showDraft(s, this.host.editor.current()?.body ?? form.body);
  }

  /** Lists the examples offered for the open document's 文种 and the brief;
   * ticks the user changed stay while the list is the same. */
  async refreshExamples(): Promise<void> {
    const form = this.host.editor.current();
    if (!form) return;
    const key = `${form.kind}\n${this.brief.value.trim()}`;
    if (key === this.choicesFor) return;
    this.choicesFor = key;
    let offered: ExampleChoice[];
    try {
      offered = await this.host.backend.draftExamples(form.kind, this.brief.value);
    } catch {
      return;
    }
    const ticked = new Map(this.choices.map((c) => [sourceKey(c.source), c.chosen]));
    this.choices = offered.map((c) => ({ ...c, chosen: ticked.get(sourceKey(c.source)) ?? c.chosen }));
    this.examples.replaceChildren(
      ...this.choices.map((choice, i) => {
        const box = h("input", { type: "checkbox", id: `example-${i}` }) as HTMLInputElement;
        box.checked = choice.chosen;
        box.addEventListener("change", () => {
          choice.chosen = box.checked;
        });
        const from = choice.source.from === "store" ? "本单位" : "内置范文";
        return h(
          "li",
          { class: "example" },
          box,
          h("label", { for: `example-${i}` }, `${from}：${choice.title}`),
        );
      }),
    );
  }

  private chosenExamples(): ExemplarSource[] | null {
    if (this.choices.length === 0) return null;
    return this.choices.filter((c) => c.chosen).map((c) => c.source);
  }

  private async showDraft(s: DraftSuggestion, body: string): Promise<void> {
    let ops: DiffOp[];
    try {
      ops = await this.host.backend.diffText(body, s.form.body);
    } catch {
      ops = [{ op: "insert", text: s.form.body }];
    }
    const accept = h("button", { type: "button", id: "accept-draft", class: "primary" }, "采用");
    const discard = h("button", { type: "button", id: "discard-draft" }, "放弃");
    accept.addEventListener("click", () => {
      if (this.host.editor.applyDraft(s.form)) {
        this.result.hidden = true;
        this.stream.hidden = true;
        this.host.notify("已采用起草结果（可用 Ctrl+Z 撤销）", "ok");
      }
    });
    discard.addEventListener("click", () => {
      this.result.hidden = true;
      this.stream.hidden = true;
    });
    this.result.replaceChildren(
      h("p", { class: "suggestion-title" }, s.mode === "model" ? "建议正文（与现有正文对照）" : "文种框架（【】处请填写）"),
      ...s.notices.map((n) => h("p", { class: "notice-line" }, n)),
      ...(s.examples.length
        ? [h("p", { class: "hint", id: "draft-used" }, `参考范文：${s.examples.map((e) => e.title).join("；")}`)]
        : []),
      ...(s.removed.length
        ? [
            h(
              "details",
              { id: "draft-removed" },
              h("summary", {}, `已删去模型稿中不合规的内容 ${s.removed.length} 处`),
              h("ul", {}, ...s.removed.map((r) => h("li", {}, r))),
            ),
          ]
        : []),
      ...(s.added.length
        ? [
            h(
              "details",
              { id: "draft-added" },
              h("summary", {}, `已补入模型遗漏的要点原文 ${s.added.length} 处`),
              h("ul", {}, ...s.added.map((a) => h("li", {}, a))),
            ),
          ]
        : []),
      ...(s.thinking
        ? [h("details", { id: "draft-thinking" }, h("summary", {}, "思考过程"), h("pre", { class: "stream" }, s.thinking))]
        : []),
      ...(s.structure_problems.length
        ? [h("ul", { class: "problems", id: "draft-problems" }, ...s.structure_problems.map((p) => h("li", {}, p)))]
        : []),
      diffView(ops, "draft-diff"),
      h("div", { class: "row" }, accept, discard),
    );
    this.stream.hidden = true;
    this.result.hidden = false;
  }

  async startPolish(): Promise<void> {
    if (this.busy) return;
    const body = this.host.editor.bodyEditor();
    const selection = body?.selection();
    if (!body || !selection || !selection.text.trim()) {
      this.host.notify("请先在正文中选中要润色的文字", "error");
      return;
    }
    this.polishResult.hidden = true;
    const style = this.style.value;
    const event = await this.run((onEvent) => this.host.backend.polishText(selection.text, style, onEvent), this.polishStream);
    if (event.kind === "failed") {
      this.host.notify(`润色失败：${event.message}`, "error");
      return;
    }
    if (event.kind !== "polished") return;
    this.showPolish(event.suggestion, selection);
  }

  private showPolish(s: PolishSuggestion, selection: { from: number; to: number; text: string }): void {
    const accept = h("button", { type: "button", id: "accept-polish", class: "primary" }, "接受修改");
    const discard = h("button", { type: "button", id: "discard-polish" }, "放弃");
    accept.addEventListener("click", () => {
      const body = this.host.editor.bodyEditor();
      if (!body) return;
      // The selection is replaced only if it still reads as it did.
      const trimmedFrom = selection.from + (selection.text.length - selection.text.trimStart().length);
      const trimmedTo = selection.to - (selection.text.length - selection.text.trimEnd().length);
      if (body.slice(trimmedFrom, trimmedTo) !== s.original) {
        this.host.notify("所选文字已被改动，无法套用这条修改，请重新润色", "error");
        return;
      }
      body.replace([{ from: trimmedFrom, to: trimmedTo, insert: s.suggestion }]);
      this.polishResult.hidden = true;
      this.polishStream.hidden = true;
      this.host.notify("已接受修改（可用 Ctrl+Z 撤销）", "ok");
    });
    discard.addEventListener("click", () => {
      this.polishResult.hidden = true;
      this.polishStream.hidden = true;
    });
    this.polishResult.replaceChildren(
      h("p", { class: "suggestion-title" }, `${s.style}${s.mode === "rules" ? "（仅校对规则）" : ""}`),
      ...(s.warnings ?? []).map((w) => h("p", { class: "notice-line" }, w)),
      inlineDiff(s.ops, "polish-diff"),
      h("div", { class: "row" }, accept, discard),
    );
    this.polishStream.hidden = true;
    this.polishResult.hidden = false;
  }
}

function diffView(ops: DiffOp[], id: string): HTMLElement {
  const view = h("pre", { class: "diff", id });
  for (const op of ops) {
    const sign = op.op === "insert" ? "+ " : op.op === "delete" ? "− " : "  ";
    view.append(h("div", { class: `diff-${op.op}` }, sign + op.text));
  }
  return view;
}

/** A character diff in the flow of the text: removals struck, additions marked. */
function inlineDiff(ops: DiffOp[], id: string): HTMLElement {
  const view = h("p", { class: "inline-diff", id });
  for (const op of ops) {
    view.append(op.op === "insert" ? h("ins", {}, op.text) : op.op === "delete" ? h("del", {}, op.text) : op.text);
  }
  return view;
}

function sourceKey(source: ExemplarSource): string {
  return source.from === "store" ? `store:${source.draft_id}` : `builtin:${source.id}`;
}
