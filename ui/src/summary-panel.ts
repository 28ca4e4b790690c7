// The 摘要 panel: a summary of the open document whose every point cites
// the paragraphs it rests on (checked mechanically before it is shown);
// a citation scrolls to its source and highlights it. Points stand under
// the document's own section headings; a long document can be read by its
// headings alone (要点只看标题). Below, the tasks in the document: 任务 /
// 时限 / 责任单位.

import type { Backend, JobEvent, Place, Summary, SummaryPoint } from "./backend";
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
    const points = h("div", { id: "summary-points", class: "summary-points" });
    const list = (group: SummaryPoint[]) =>
      h("ol", {}, ...group.map((p) => h("li", { "data-by": p.by }, p.text, " ", ...cite(p.sources))));
    const groups = bySection(summary);
    for (const group of groups) {
      if (group.heading === null) {
        points.append(list(group.points));
        continue;
      }
      const title = h(
        "h4",
        { class: "summary-heading" },
        `${summary.paragraphs[group.heading] ?? ""}（${group.points.length} 条）`,
        " ",
        ...cite([group.heading]),
      );
      points.append(h("section", { class: "summary-section", "data-heading": String(group.heading) }, title, list(group.points)));
    }
    const toggle = h("div", { class: "row summary-toggle", id: "summary-toggle" });
    if (summary.sections.length >= LONG_DOCUMENT_SECTIONS) {
      const all = h("button", { type: "button", "data-view": "all", "aria-pressed": "true" }, "全部");
      const headings = h("button", { type: "button", "data-view": "headings", "aria-pressed": "false" }, "要点只看标题");
      const view = (headingsOnly: boolean) => {
        points.classList.toggle("headings-only", headingsOnly);
        all.setAttribute("aria-pressed", String(!headingsOnly));
        headings.setAttribute("aria-pressed", String(headingsOnly));
      };
      all.addEventListener("click", () => view(false));
      headings.addEventListener("click", () => view(true));
      toggle.append(all, headings);
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
      ...(summary.points.length ? [toggle, points] : [h("p", { class: "empty" }, "没有可核实的要点。")]),
      h("h3", { class: "subhead" }, `任务（${summary.tasks.length}）`),
      summary.tasks.length ? table : h("p", { class: "empty" }, "未发现带时限或责任单位的任务。"),
    );
  }
}

/** Documents with this many sections offer 要点只看标题. */
const LONG_DOCUMENT_SECTIONS = 3;

/** The points under the section their first source is in, in the
 * document's order; points before the first section (or of a document
 * without sections) form a group with no heading. Sections no point cites
 * are left out. */
export function bySection(summary: Summary): { heading: number | null; points: SummaryPoint[] }[] {
  const groups: { heading: number | null; points: SummaryPoint[] }[] = [];
  for (const point of summary.points) {
    const first = Math.min(...point.sources);
    const section = summary.sections.find((s) => first >= s.paragraphs.start && first < s.paragraphs.end);
    const heading = section ? section.heading : null;
    const group = groups.find((g) => g.heading === heading);
    if (group) group.points.push(point);
    else groups.push({ heading, points: [point] });
  }
  const order = (heading: number | null) => (heading === null ? -1 : heading);
  return groups.sort((a, b) => order(a.heading) - order(b.heading));
}

/** What the summary is, in a line: each part of the document in its own
 * words, some condensed by the model and checked against their paragraph. */
export function modeLine(summary: Summary): string {
  const n = summary.points.length;
  const byModel = summary.points.filter((p) => p.by === "model").length;
  if (byModel === 0) return `摘录原文要句（${n} 条，按文档各部分摘取${summary.mode === "model" ? "；无需模型压缩或压缩结果未通过核对" : "，未使用模型"}）`;
  if (byModel < n) return `模型压缩 ${byModel} 条、摘录原文 ${n - byModel} 条（数字、日期、金额、名称、否定词均已与所引段落核对）`;
  return `模型压缩（${n} 条，数字、日期、金额、名称、否定词均已与所引段落核对）`;
}
