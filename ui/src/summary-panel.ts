// The 摘要 panel: a summary of the open document whose every point cites
// the paragraphs it rests on (checked mechanically before it is shown);
// a citation scrolls to its source and highlights it. Below, the tasks in
// the document: 任务 / 时限 / 责任单位.

import type { Backend, JobEvent, Place, Summary } from "./backend";
import { errorMessage } from "./backend";
import { h } from "./dom";
import type { DraftEditor } from "./editor";

export interface SummaryHost {
  backend: Backend;
  editor: DraftEditor;
  notify(text: string, tone?: "ok" | "error"): void;
}

export class SummaryPanel {
  private job: number | null = null;
  private running = false;
  private start = h("button", { type: "button", id: "summarize", class: "primary" }, "生成摘要");
  private stop = h("button", { type: "button", id: "summary-stop", hidden: "" }, "停止");
  private progress = h("progress", { id: "summary-progress", hidden: "" });
  private result = h("div", { id: "summary-result" });

  constructor(
    private host: SummaryHost,
    panel: HTMLElement,
  ) {
    this.start.addEventListener("click", () => void this.run());
    this.stop.addEventListener("click", () => {
      if (this.job !== null) void host.backend.stopJob(this.job);
    });
    panel.replaceChildren(
      h("p", { class: "hint" }, "为当前打开的公文（如导入的来文）生成摘要。每条要点都标注来源段落，并经逐条核对（数字、日期、金额、名称与所引段落一致，没有原文所无的否定词；任务的时限和责任单位与任务在同一句中）；点击“段N”可跳到原文。停止后其余部分不用模型，改为摘录。"),
      h("div", { class: "row" }, this.start, this.stop, this.progress),
      this.result,
    );
  }

  private setRunning(running: boolean): void {
    this.running = running;
    this.start.disabled = running;
    this.stop.hidden = !running;
    this.progress.hidden = !running;
    if (!running) this.job = null;
  }

  async run(): Promise<void> {
    if (this.running) return;
    const form = this.host.editor.current();
    if (!form) {
      this.host.notify("请先打开或导入一份公文", "error");
      return;
    }
    this.setRunning(true);
    this.progress.removeAttribute("value");
    this.result.replaceChildren(h("p", { class: "hint" }, "正在阅读全文…"));
    const done = new Promise<JobEvent>((resolve) => {
      const onEvent = (event: JobEvent) => {
        if (event.kind === "step") {
          this.progress.max = event.steps;
          this.progress.value = event.step;
        } else if (event.kind === "summarized" || event.kind === "failed") {
          resolve(event);
        }
      };
      this.host.backend.summarizeDraft(form, onEvent).then(
        (id) => {
          if (this.running) this.job = id;
        },
        (error) => resolve({ kind: "failed", code: "invoke", message: errorMessage(error) }),
      );
    });
    const event = await done;
    this.setRunning(false);
    if (event.kind === "failed") {
      this.result.replaceChildren();
      this.host.notify(`摘要失败：${event.message}`, "error");
      return;
    }
    if (event.kind === "summarized") this.show(event.summary, event.places);
  }

  private show(summary: Summary, places: Place[]): void {
    const cite = (sources: number[]) =>
      sources.map((i) => {
        const b = h("button", { type: "button", class: "cite", "data-paragraph": String(i), title: summary.paragraphs[i] ?? "" }, `段${i + 1}`);
        b.addEventListener("click", () => {
          const place = places[i];
          if (place) this.host.editor.revealPlace(place);
        });
        return b;
      });
    const points = h("ol", { id: "summary-points", class: "summary-points" });
    for (const p of summary.points) {
      points.append(h("li", { "data-by": p.by }, p.text, " ", ...cite(p.sources)));
    }
    const table = h("table", { id: "tasks-table", class: "tasks" });
    table.append(h("thead", {}, h("tr", {}, h("th", {}, "任务"), h("th", {}, "时限"), h("th", {}, "责任单位"), h("th", {}, "出处"))));
    const rows = h("tbody");
    for (const t of summary.tasks) {
      rows.append(h("tr", {}, h("td", {}, t.task), h("td", {}, t.deadline ?? "—"), h("td", {}, t.owner ?? "—"), h("td", {}, ...cite(t.sources))));
    }
    table.append(rows);
    this.result.replaceChildren(
      h("p", { class: "suggestion-title", id: "summary-mode" }, modeLine(summary)),
      ...(summary.notices ?? []).map((n) => h("p", { class: "notice-line" }, n)),
      summary.points.length ? points : h("p", { class: "empty" }, "没有可核实的要点。"),
      h("h3", { class: "subhead" }, `任务（${summary.tasks.length}）`),
      summary.tasks.length ? table : h("p", { class: "empty" }, "未发现带时限或责任单位的任务。"),
    );
  }
}

/** What the summary is, in a line: the model's checked points, or an
 * extract (no model, or nothing the model wrote could be verified). */
export function modeLine(summary: Summary): string {
  const n = summary.points.length;
  const byModel = summary.points.filter((p) => p.by === "model").length;
  if (byModel === 0) return `摘录原文要句（${n} 条${summary.mode === "model" ? "，模型未给出可核实的要点" : "，未使用模型"}）`;
  if (byModel < n) return `模型摘要 ${byModel} 条、摘录 ${n - byModel} 条（数字、日期、金额、名称、否定词均已与所引段落核对）`;
  return `模型摘要（${n} 条，数字、日期、金额、名称、否定词均已与所引段落核对）`;
}
