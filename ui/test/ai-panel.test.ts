import { EditorView } from "@codemirror/view";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { mountApp } from "../src/app";
import { FakeBackend } from "../src/backend/fake";
import { bySection, modeLine } from "../src/summary-panel";
import { appInfo, NO_MODEL, openNotice } from "./fixtures";

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const text = (selector: string) => document.querySelector(selector)?.textContent ?? "";
const body = () => EditorView.findFromDOM($(".cm-editor"))!;

describe("the AI panel", () => {
  let backend: FakeBackend;

  beforeEach(async () => {
    document.body.innerHTML = '<div id="app"></div>';
    backend = new FakeBackend(appInfo({ kind: "encrypted", drafts: 0 }), {
      kind: "ready",
      name: "test",
      display_name: "Gemma",
      n_params: 268e6,
      load_ms: 1,
      verify_ms: 1,
      kernels: "x86-64-v3",
    });
    await mountApp($("#app"), backend);
    $("#new-doc").click();
    $('#kind-menu li[data-kind="通知"]').click();
    await vi.waitFor(() => expect(text("#doc-kind")).toBe("通知"));
    $("#tab-draft").click();
  });

  async function generate(brief: string) {
    $<HTMLTextAreaElement>("#brief").value = brief;
    $("#generate").click();
    await vi.waitFor(() => expect(backend.jobs.length).toBe(1));
    return backend.jobs[0];
  }

  it("streams the draft with its speed, and the status bar says the model is generating", async () => {
    const job = await generate("12月10日前完成自查");
    expect($("#stop").hidden).toBe(false);
    expect($<HTMLButtonElement>("#generate").disabled).toBe(true);
    job.emit("为做好冬季安全生产工作，");
    expect(text("#draft-speed")).toBe("已生成 1 个词元");
    job.emit("现将有关事项通知如下。");
    expect(text("#draft-stream")).toBe("为做好冬季安全生产工作，现将有关事项通知如下。");
    expect(text("#draft-speed")).toContain("12.5 词元/秒");
    expect(text("#status-model")).toBe("模型：正在生成 · 12.5 词元/秒");
    job.finish();
    await vi.waitFor(() => expect($("#draft-result").hidden).toBe(false));
    expect(text("#status-model")).toBe("模型：就绪");
    expect($("#stop").hidden).toBe(true);
  });

  it("lists the examples, sends the ticked ones, and shows a rewrite with its reason", async () => {
    await vi.waitFor(() => expect(document.querySelectorAll("#draft-examples li").length).toBe(3));
    expect(text("#draft-examples")).toContain("本单位：本单位的一份通知");
    expect($<HTMLInputElement>("#example-0").checked).toBe(true);
    expect($<HTMLInputElement>("#example-2").checked).toBe(false);
    $<HTMLInputElement>("#example-0").click();
    const job = await generate("12月10日前完成自查");
    expect(backend.draftedFrom).toEqual([{ from: "builtin", id: "notice-1" }]);
    job.emit("根据《某条例》规定，");
    job.reset("", "无中生有：要点和要素中没有的内容：《某条例》");
    expect(text("#draft-stream")).toBe("");
    expect(text("#draft-rewrite")).toContain("《某条例》");
    job.emit("为做好冬季安全工作，现将有关事项通知如下：");
    job.finish();
    await vi.waitFor(() => expect($("#draft-result").hidden).toBe(false));
    expect(text("#draft-used")).toContain("范文");
  });

  it("停止 ends the job and what was written so far is offered, never applied", async () => {
    const job = await generate("要点");
    job.emit("第一段。");
    await vi.waitFor(() => expect(backend.jobs[0]).toBeDefined());
    // The job id comes back before 停止 can reach it.
    await new Promise((r) => setTimeout(r, 0));
    $("#stop").click();
    await vi.waitFor(() => expect(job.stopped).toBe(true));
    await vi.waitFor(() => expect($("#draft-result").hidden).toBe(false));
    expect(text("#draft-diff")).toContain("+ 第一段。");
    // Nothing reached the body until the user accepts.
    expect(body().state.doc.toString()).toBe("");
  });

  it("采用 puts the draft in the body as one undoable edit and fills an empty title", async () => {
    const job = await generate("要点");
    job.emit("一、总体要求\n各单位要高度重视。");
    job.finish();
    await vi.waitFor(() => expect($("#accept-draft")).toBeTruthy());
    $("#accept-draft").click();
    expect(body().state.doc.toString()).toBe("一、总体要求\n各单位要高度重视。");
    expect($<HTMLInputElement>("#field-title").value).toBe("关于开展冬季安全检查的通知");
  });

  it("放弃 leaves the body as it was", async () => {
    const job = await generate("要点");
    job.emit("模型写的。");
    job.finish();
    await vi.waitFor(() => expect($("#discard-draft")).toBeTruthy());
    $("#discard-draft").click();
    expect($("#draft-result").hidden).toBe(true);
    expect(body().state.doc.toString()).toBe("");
  });

  it("Ctrl+Enter in the brief generates, but not while an input method is composing", async () => {
    const brief = $<HTMLTextAreaElement>("#brief");
    brief.value = "要点";
    brief.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, isComposing: true, bubbles: true }));
    await new Promise((r) => setTimeout(r, 0));
    expect(backend.jobs.length).toBe(0);
    brief.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, bubbles: true }));
    await vi.waitFor(() => expect(backend.jobs.length).toBe(1));
  });

  it("润色 replaces the selection only when accepted, and only if it is unchanged", async () => {
    const view = body();
    view.dispatch({ changes: { from: 0, insert: "开头。这句话写得不太好。结尾。" } });
    view.dispatch({ selection: { anchor: 3, head: 12 } });
    $("#polish").click();
    await vi.waitFor(() => expect(backend.jobs.length).toBe(1));
    backend.jobs[0].emit("这句话需进一步完善。");
    backend.jobs[0].finish();
    await vi.waitFor(() => expect($("#polish-result").hidden).toBe(false));
    expect($("#polish-diff").querySelector("del")!.textContent).toBe("这句话写得不太好。");
    $("#accept-polish").click();
    expect(view.state.doc.toString()).toBe("开头。这句话需进一步完善。结尾。");
  });

  it("asks for a selection before polishing", async () => {
    $("#polish").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("请先在正文中选中"));
    expect(backend.jobs.length).toBe(0);
  });
});

describe("the summary panel", () => {
  let backend: FakeBackend;

  beforeEach(async () => {
    backend = await openNotice(NO_MODEL);
    const view = body();
    view.dispatch({ changes: { from: 0, insert: "第一段。\n\n第二段：各单位于12月10日前完成自查。\n第三段。" } });
    $<HTMLInputElement>("#field-title").value = "关于开展检查的通知";
    $("#tab-summary").click();
  });

  it("shows points with citations that highlight their source line, and a tasks table", async () => {
    $("#summarize").click();
    await vi.waitFor(() => expect(backend.jobs.length).toBe(1));
    expect($("#summary-progress").hidden).toBe(false);
    backend.jobs[0].finish();
    await vi.waitFor(() => expect(document.querySelectorAll("#summary-points li").length).toBe(4));
    expect(text("#summary-mode")).toContain("均已与所引段落核对");
    // 段1 is the title: its field is shown and marked.
    $<HTMLButtonElement>('#summary-points [data-paragraph="0"]').click();
    expect($("#field-title").closest(".field-row")!.classList.contains("cited")).toBe(true);
    expect(text("#tasks-table tbody")).toContain("12月10日前");
    // 段3 is the second body line, line 2 of the editor (a blank line between).
    $<HTMLButtonElement>('#summary-points [data-paragraph="2"]').click();
    const cited = document.querySelector(".cm-line.cm-cited");
    expect(cited?.textContent).toBe("第二段：各单位于12月10日前完成自查。");
  });
});

describe("a long document's summary", () => {
  let backend: FakeBackend;

  beforeEach(async () => {
    backend = await openNotice(NO_MODEL);
    body().dispatch({
      changes: {
        from: 0,
        insert: "为做好检查工作，通知如下。\n一、工作目标\n确保安全。\n二、主要任务\n各单位于12月10日前完成自查。\n三、工作要求\n加强领导。",
      },
    });
    $<HTMLInputElement>("#field-title").value = "关于开展检查的通知";
    $("#tab-summary").click();
  });

  it("stands the points under their sections, and 要点只看标题 shows the headings alone", async () => {
    $("#summarize").click();
    await vi.waitFor(() => expect(backend.jobs.length).toBe(1));
    backend.jobs[0].finish();
    await vi.waitFor(() => expect(document.querySelectorAll("#summary-points .summary-section").length).toBe(3));
    const headings = [...document.querySelectorAll("#summary-points .summary-heading")].map((e) => e.textContent);
    expect(headings).toEqual(["一、工作目标（1 条） 段3", "二、主要任务（1 条） 段5", "三、工作要求（1 条） 段7"]);
    expect(text('#summary-points .summary-section[data-heading="4"]')).toContain("各单位于12月10日前完成自查。");
    // The title and the lead-in come first, under no heading.
    expect(document.querySelectorAll("#summary-points > ol li").length).toBe(2);
    $('#summary-toggle [data-view="headings"]').click();
    expect($("#summary-points").classList.contains("headings-only")).toBe(true);
    expect($('#summary-toggle [data-view="headings"]').getAttribute("aria-pressed")).toBe("true");
    $('#summary-toggle [data-view="all"]').click();
    expect($("#summary-points").classList.contains("headings-only")).toBe(false);
  });

  it("groups by the first paragraph a point cites; a point citing nothing goes first", () => {
    const summary = {
      mode: "model" as const,
      paragraphs: ["标题", "一、甲", "甲的内容", "二、乙", "乙的内容"],
      points: [
        { text: "乙", sources: [4], by: "model" as const },
        { text: "甲和乙", sources: [4, 2], by: "model" as const },
        { text: "无出处", sources: [], by: "extractive" as const },
      ],
      tasks: [],
      sections: [
        { heading: 1, paragraphs: { start: 1, end: 3 } },
        { heading: 3, paragraphs: { start: 3, end: 5 } },
      ],
      model_requests: 1,
      generated_tokens: 1,
    };
    expect(bySection(summary).map((g) => [g.heading, g.points.map((p) => p.text)])).toEqual([
      [null, ["无出处"]],
      [1, ["甲和乙"]],
      [3, ["乙"]],
    ]);
  });
});

describe("the summary's mode line", () => {
  const summary = (by: ("model" | "extractive")[], mode: "model" | "extractive" = "model") => ({
    mode,
    paragraphs: [],
    points: by.map((b) => ({ text: "x", sources: [0], by: b })),
    tasks: [],
    sections: [],
    model_requests: 1,
    generated_tokens: 1,
  });

  it("never calls an extract a model summary", () => {
    expect(modeLine(summary(["model", "model"]))).toBe("模型压缩（2 条，数字、日期、金额、名称、否定词均已与所引段落核对）");
    expect(modeLine(summary(["model", "extractive"]))).toBe("模型压缩 1 条、摘录原文 1 条（数字、日期、金额、名称、否定词均已与所引段落核对）");
    expect(modeLine(summary(["extractive"]))).toContain("无需模型压缩或压缩结果未通过核对");
    expect(modeLine(summary(["extractive"], "extractive"))).toContain("未使用模型");
  });
});

describe("a model job that fails", () => {
  it("says so plainly and keeps every character typed", async () => {
    document.body.innerHTML = '<div id="app"></div>';
    const backend = new FakeBackend(appInfo({ kind: "encrypted", drafts: 0 }), { kind: "ready", name: "t", display_name: "t", n_params: 1, load_ms: 1, verify_ms: 1, kernels: "x86-64-v3" });
    await mountApp($("#app"), backend);
    $("#new-doc").click();
    $('#kind-menu li[data-kind="通知"]').click();
    await vi.waitFor(() => expect(text("#doc-kind")).toBe("通知"));
    body().dispatch({ changes: { from: 0, insert: "已经写好的一段。" } });
    $("#tab-draft").click();
    $<HTMLTextAreaElement>("#brief").value = "要点";
    $("#generate").click();
    await vi.waitFor(() => expect(backend.jobs.length).toBe(1));
    backend.jobs[0].emit("半截");
    // The worker died: the job ends with the engine's error.
    backend.jobs[0].fail("engine-crashed", "模型进程意外退出，已自动重启");
    await vi.waitFor(() => expect(text("#notice")).toContain("起草失败：模型进程意外退出"));
    expect(body().state.doc.toString()).toBe("已经写好的一段。");
    expect($("#stop").hidden).toBe(true);
    expect($<HTMLButtonElement>("#generate").disabled).toBe(false);
  });
});
