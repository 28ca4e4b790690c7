import { EditorView } from "@codemirror/view";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mountApp } from "../src/app";
import { FakeBackend } from "../src/backend/fake";
import { AUTOSAVE_DELAY_MS, CHECK_DELAY_MS, SPELL_DELAY_MS } from "../src/editor";
import { appInfo, openNotice, READY } from "./fixtures";

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const text = (selector: string) => document.querySelector(selector)?.textContent ?? "";
const body = () => EditorView.findFromDOM($(".cm-editor"))!;

function typeInBody(insert: string): void {
  const view = body();
  view.dispatch({ changes: { from: view.state.doc.length, insert }, userEvent: "input.type" });
}

function typeInField(id: string, value: string): void {
  const input = $<HTMLInputElement>(id);
  input.value = value;
  input.dispatchEvent(new Event("input"));
}

function ctrlS(composing = false): void {
  document.dispatchEvent(new KeyboardEvent("keydown", { key: "s", ctrlKey: true, isComposing: composing, bubbles: true }));
}

describe("drafting in the editor", () => {
  let backend: FakeBackend;

  beforeEach(async () => {
    vi.useFakeTimers();
    document.body.innerHTML = '<div id="app"></div>';
    backend = new FakeBackend(appInfo({ kind: "encrypted", drafts: 0 }), { kind: "failed", code: "model-missing", message: "无模型" });
    await mountApp($("#app"), backend);
    $("#new-doc").click();
    $('#kind-menu li[data-kind="通知"]').click();
    await vi.waitFor(() => expect(text("#doc-kind")).toBe("通知"));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("opens a new 通知 with its element fields prefilled and unused ones hidden", () => {
    expect($<HTMLInputElement>("#field-issuer").value).toBe("××市人民政府办公室文件");
    expect($<HTMLInputElement>("#field-date").value).toBe("2026年11月29日");
    // 签发人 is for 上行文 only; the test profile marks it unused.
    expect($("#field-signers").closest<HTMLElement>(".field-row")!.hidden).toBe(true);
    expect($("#field-copy_number").closest<HTMLElement>(".field-row")!.hidden).toBe(true);
    $("#more-fields").click();
    expect($("#field-copy_number").closest<HTMLElement>(".field-row")!.hidden).toBe(false);
  });

  it("saves with Ctrl+S as a revision, and the draft appears in the list", async () => {
    typeInField("#field-title", "关于做好冬季安全生产工作的通知");
    typeInBody("各单位要认真落实。");
    ctrlS();
    await vi.waitFor(() => expect(text("#save-state")).toMatch(/已保存 · 修订 \d+/));
    expect(backend.drafts.size).toBe(1);
    await vi.waitFor(() => expect(text("#draft-list")).toContain("关于做好冬季安全生产工作的通知"));
    const saved = [...backend.drafts.values()][0].revisions.at(-1)!.form;
    expect(saved.body).toBe("各单位要认真落实。");
  });

  it("never saves on Ctrl+S pressed while an input method is composing", async () => {
    await vi.advanceTimersByTimeAsync(10);
    const before = backend.saveCalls;
    ctrlS(true);
    await vi.advanceTimersByTimeAsync(10);
    expect(backend.saveCalls).toBe(before);
  });

  it("autosaves after typing pauses", async () => {
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS + 10);
    const first = backend.saveCalls;
    typeInBody("第一段。");
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS / 2);
    typeInBody("第二段。");
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS / 2);
    expect(backend.saveCalls).toBe(first);
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS);
    expect(backend.saveCalls).toBe(first + 1);
  });

  it("marks a typo in place, and 接受 fixes it as one undoable edit", async () => {
    typeInBody("要认真落实工作布署，确保布署到位。");
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + 10);
    await vi.waitFor(() => expect(document.querySelectorAll(".cm-content .finding").length).toBe(2));
    expect(text("#findings-count")).toBe("发现 2 处问题");
    expect(text("#panel-proofread")).toContain("全部接受同类（2）");
    $('#panel-proofread [data-action="accept"]').click();
    expect(body().state.doc.toString()).toBe("要认真落实工作部署，确保布署到位。");
    expect(backend.feedback[0].feedback).toMatchObject({ source: "typo.misused", accepted: true });
    await vi.advanceTimersByTimeAsync(10);
    await vi.waitFor(() => expect(text("#findings-count")).toBe("发现 1 处问题"));
    $('#panel-proofread [data-action="accept"]').click();
    expect(body().state.doc.toString()).toBe("要认真落实工作部署，确保部署到位。");
  });

  it("撤销 and 重做 step through the body's edits", async () => {
    typeInBody("第一句。");
    typeInBody("第二句。");
    $("#undo").click();
    expect(body().state.doc.toString()).not.toContain("第二句。");
    $("#redo").click();
    expect(body().state.doc.toString()).toContain("第二句。");
  });

  it("全部接受同类 fixes every finding of the rule at once; a title fix lands in the title", async () => {
    typeInField("#field-title", "关于开展检查的通知。");
    typeInBody("工作布署和人员布署。");
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + 10);
    await vi.waitFor(() => expect(text("#findings-count")).toBe("发现 3 处问题"));
    $('#panel-proofread [data-rule="typo.misused"] [data-action="accept-all"]').click();
    expect(body().state.doc.toString()).toBe("工作部署和人员部署。");
    $('#panel-proofread [data-rule="kind.title-punctuation"] [data-action="accept"]').click();
    expect($<HTMLInputElement>("#field-title").value).toBe("关于开展检查的通知");
  });

  it("忽略 hides a finding for this draft and records the decision", async () => {
    typeInBody("工作布署。");
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + 10);
    await vi.waitFor(() => expect(text("#findings-count")).toBe("发现 1 处问题"));
    $('#panel-proofread [data-action="ignore"]').click();
    expect(text("#findings-count")).toBe("未发现问题。");
    expect(document.querySelectorAll(".cm-content .finding").length).toBe(0);
    expect(backend.feedback[0]).toMatchObject({ ignoreAlways: false, feedback: { accepted: false } });
  });

  it("a failed save keeps every character and says so plainly", async () => {
    typeInBody("这段文字不能丢。");
    backend.failNextSave = true;
    ctrlS();
    await vi.waitFor(() => expect(text("#notice")).toContain("保存失败：磁盘已满"));
    expect(text("#save-state")).toBe("保存失败");
    expect(body().state.doc.toString()).toBe("这段文字不能丢。");
    ctrlS();
    await vi.waitFor(() => expect(text("#save-state")).toMatch(/已保存/));
    expect([...backend.drafts.values()][0].revisions.at(-1)!.form.body).toBe("这段文字不能丢。");
  });

  it("a save still under way when another draft is opened lands in its own draft, and the new one stays itself", async () => {
    typeInField("#field-title", "甲通知");
    ctrlS();
    await vi.waitFor(() => expect(text("#draft-list")).toContain("甲通知"));
    const first = [...backend.drafts.keys()][0];
    // A second draft, saved, to switch to.
    $("#new-doc").click();
    $('#kind-menu li[data-kind="函"]').click();
    await vi.waitFor(() => expect(text("#doc-kind")).toBe("函"));
    typeInField("#field-title", "乙函");
    ctrlS();
    await vi.waitFor(() => expect(text("#draft-list")).toContain("乙函"));
    const second = [...backend.drafts.keys()].find((k) => k !== first)!;
    // Back to 甲; type; its save hangs; the user opens 乙 meanwhile.
    [...document.querySelectorAll<HTMLElement>("#draft-list li")].find((li) => li.textContent!.includes("甲通知"))!.click();
    await vi.waitFor(() => expect(text("#doc-kind")).toBe("通知"));
    typeInBody("甲的最后一句。");
    let release!: () => void;
    backend.saveGate = new Promise((r) => (release = r));
    ctrlS();
    [...document.querySelectorAll<HTMLElement>("#draft-list li")].find((li) => li.textContent!.includes("乙函"))!.click();
    await vi.advanceTimersByTimeAsync(10);
    expect(text("#doc-kind")).toBe("通知"); // waits for the save
    backend.saveGate = null;
    release();
    await vi.waitFor(() => expect(text("#doc-kind")).toBe("函"));
    expect(backend.drafts.get(first)!.revisions.at(-1)!.form.body).toContain("甲的最后一句。");
    // 乙's own text goes to 乙, not into 甲.
    const before = backend.drafts.get(first)!.revisions.length;
    typeInBody("乙的正文。");
    ctrlS();
    await vi.waitFor(() => expect(backend.drafts.get(second)!.revisions.at(-1)!.form.body).toContain("乙的正文。"));
    expect(backend.drafts.get(first)!.revisions.length).toBe(before);
  });

  it("a save that fails while another draft is being opened keeps the user on the draft with every character", async () => {
    typeInField("#field-title", "丙通知");
    ctrlS();
    await vi.waitFor(() => expect(text("#draft-list")).toContain("丙通知"));
    $("#new-doc").click();
    $('#kind-menu li[data-kind="函"]').click();
    await vi.waitFor(() => expect(text("#doc-kind")).toBe("函"));
    typeInBody("丁函里不能丢的字。");
    let release!: () => void;
    backend.saveGate = new Promise((r) => (release = r));
    backend.failNextSave = true;
    ctrlS();
    [...document.querySelectorAll<HTMLElement>("#draft-list li")].find((li) => li.textContent!.includes("丙通知"))!.click();
    await vi.advanceTimersByTimeAsync(10);
    backend.saveGate = null;
    release();
    await vi.waitFor(() => expect(text("#notice")).toContain("保存失败：磁盘已满"));
    await vi.advanceTimersByTimeAsync(10);
    expect(text("#doc-kind")).toBe("函");
    expect(body().state.doc.toString()).toBe("丁函里不能丢的字。");
  });

  it("closing the window within the autosave delay saves the last edits first", async () => {
    typeInBody("关窗前最后打的字。");
    backend.requestClose!();
    await vi.waitFor(() => expect(backend.closed).toBe(1));
    expect([...backend.drafts.values()][0].revisions.at(-1)!.form.body).toBe("关窗前最后打的字。");
  });

  it("closing waits for a save under way; a failed save keeps the window open, a second close discards", async () => {
    typeInBody("保存中的字。");
    let release!: () => void;
    backend.saveGate = new Promise((r) => (release = r));
    backend.failNextSave = true;
    ctrlS();
    backend.requestClose!();
    await vi.advanceTimersByTimeAsync(10);
    expect(backend.closed).toBe(0);
    backend.saveGate = null;
    release();
    await vi.waitFor(() => expect(text("#notice")).toContain("窗口没有关闭"));
    expect(backend.closed).toBe(0);
    expect(body().state.doc.toString()).toBe("保存中的字。");
    backend.failNextSave = true;
    backend.requestClose!();
    await vi.waitFor(() => expect(backend.closed).toBe(1));
  });

  it("shows the history with a diff, and restores an old revision as a new one", async () => {
    typeInBody("初稿。");
    ctrlS();
    await vi.waitFor(() => expect(text("#save-state")).toMatch(/已保存/));
    typeInBody("改稿。");
    ctrlS();
    await vi.waitFor(() => expect(text("#save-state")).toMatch(/修订 2/));
    $("#show-history").click();
    await vi.waitFor(() => expect(document.querySelectorAll("#history-list li").length).toBe(2));
    $('#history-list [data-revision="1"]').click();
    await vi.waitFor(() => expect(text("#revision-diff")).toContain("+ 初稿。改稿。"));
    $("#restore-revision").click();
    await vi.waitFor(() => expect(body().state.doc.toString()).toBe("初稿。"));
    expect([...backend.drafts.values()][0].revisions.length).toBe(3);
  });

  it("exports the current form, optionally tracked against a revision", async () => {
    typeInField("#field-title", "关于开展检查的通知");
    ctrlS();
    await vi.waitFor(() => expect(text("#save-state")).toMatch(/已保存/));
    $<HTMLSelectElement>("#export-against").value = "1";
    $("#export-docx").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("已导出到 /导出/关于开展检查的通知.docx"));
    expect(backend.exports[0]).toMatchObject({ id: 1, against: 1 });
  });

  it("版式预览 draws the pages in millimetres and follows the text", async () => {
    typeInField("#field-title", "关于开展检查的通知");
    typeInBody("各单位要认真落实。");
    $("#tab-preview").click();
    await vi.waitFor(() => expect(text("#preview-summary")).toBe("共 1 页"));
    const title = document.querySelector<HTMLElement>(".page .page-line")!;
    expect(title.textContent).toBe("关于开展检查的通知");
    expect(title.style.height).toBe("10.2mm");
    expect(text(".page-number")).toBe("— 1 —");
    typeInBody("第二段。");
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + 10);
    await vi.waitFor(() => expect(text(".page")).toContain("各单位要认真落实。第二段。"));
  });

  it("opens a listed draft with Enter, but not while an input method composes", async () => {
    typeInField("#field-title", "用键盘打开的通知");
    ctrlS();
    await vi.waitFor(() => expect(text("#draft-list")).toContain("用键盘打开的通知"));
    $("#new-doc").click();
    $('#kind-menu li[data-kind="函"]').click();
    await vi.waitFor(() => expect(text("#doc-kind")).toBe("函"));
    const item = $("#draft-list li");
    item.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", isComposing: true, bubbles: true }));
    await vi.advanceTimersByTimeAsync(10);
    expect(text("#doc-kind")).toBe("函");
    item.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await vi.waitFor(() => expect(text("#doc-kind")).toBe("通知"));
    expect($<HTMLInputElement>("#field-title").value).toBe("用键盘打开的通知");
  });

  it("deletes to the recycle bin and brings it back", async () => {
    typeInField("#field-title", "待删除的通知");
    ctrlS();
    await vi.waitFor(() => expect(text("#draft-list")).toContain("待删除的通知"));
    $("#delete-draft").click();
    await vi.waitFor(() => expect(text("#pane-editor")).toContain("草稿已移到回收站"));
    await vi.waitFor(() => expect(text("#draft-list")).not.toContain("待删除的通知"));
    $("#show-bin").click();
    await vi.waitFor(() => expect(text("#draft-list")).toContain("待删除的通知"));
    $('#draft-list [data-action="undelete"]').click();
    await vi.waitFor(() => expect(text("#notice")).toContain("草稿已恢复"));
  });
});

describe("the model's spelling pass", () => {
  let backend: FakeBackend;

  beforeEach(async () => {
    vi.useFakeTimers();
    backend = await openNotice(READY);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs after the rules, paragraph by paragraph, and its suggestion is accepted like any other", async () => {
    typeInBody("要建立健全工作机智。\n工作布署要到位。");
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + 10);
    await vi.waitFor(() => expect(text("#findings-count")).toBe("发现 1 处问题"));
    expect(backend.spelled).toEqual([]);
    await vi.advanceTimersByTimeAsync(SPELL_DELAY_MS + 10);
    await vi.waitFor(() => expect(text("#model-pass")).toBe("模型校对完成（2 段）"));
    expect(backend.spelled).toEqual(["要建立健全工作机智。", "工作布署要到位。"]);
    expect(text("#findings-count")).toBe("发现 2 处问题");
    expect(text('#panel-proofread [data-rule="typo.model"]')).toContain("“智”疑为“制”之误");
    $('#panel-proofread [data-rule="typo.model"] [data-action="accept"]').click();
    expect(body().state.doc.toString()).toBe("要建立健全工作机制。\n工作布署要到位。");
  });

  it("reads again only the paragraphs that changed, and typing stops a pass under way", async () => {
    typeInBody("第一段工作机智。\n第二段。");
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + SPELL_DELAY_MS + 20);
    await vi.waitFor(() => expect(text("#model-pass")).toBe("模型校对完成（2 段）"));
    backend.spelled = [];
    typeInBody("补充。");
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + SPELL_DELAY_MS + 20);
    await vi.waitFor(() => expect(text("#model-pass")).toBe("模型校对完成（2 段）"));
    expect(backend.spelled).toEqual(["第二段。补充。"]);
    // The first paragraph's finding still stands, where it was.
    expect(document.querySelectorAll('#panel-proofread [data-rule="typo.model"]').length).toBe(1);
    expect(document.querySelectorAll(".cm-content .finding").length).toBe(1);
    // Typing before the pass starts: it never starts for the old text.
    backend.spelled = [];
    typeInBody("\n第三段。");
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + 10);
    typeInBody("第四句。");
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS + SPELL_DELAY_MS + 20);
    await vi.waitFor(() => expect(text("#model-pass")).toBe("模型校对完成（3 段）"));
    expect(backend.spelled).toEqual(["第三段。第四句。"]);
  });
});
