import type { AppInfo, Backend, ModelState } from "./backend";
import { errorMessage } from "./backend";
import { h } from "./dom";
import { AiPanel } from "./ai-panel";
import { DraftsPane } from "./drafts";
import { DraftEditor } from "./editor";
import { PreviewPanel } from "./preview-panel";
import { SettingsView } from "./settings";
import { SummaryPanel } from "./summary-panel";
import { modelStatus, needsPassphrase, storageStatus } from "./status";

const TOOL_TABS = [
  {
    id: "proofread",
    label: "校对",
    empty: "打开或新建公文后，这里按类别列出错别字、标点、数字与日期、格式与结构等问题，每条都可接受或忽略。",
  },
  {
    id: "draft",
    label: "AI 起草",
    empty: "填写要点后由本机模型起草正文，逐字显示，可随时停止；结果作为建议插入，由您决定是否采用。",
  },
  {
    id: "summary",
    label: "摘要",
    empty: "导入来文后生成摘要，每条要点都标注并核对来源段落，并列出任务、时限与责任单位。",
  },
  {
    id: "preview",
    label: "版式预览",
    empty: "按 GB/T 9704—2012 逐页预览：版心 156 × 225 毫米，每页 22 行、每行 28 字。",
  },
] as const;

/** Builds the three-pane window and wires it to `backend`. */
export async function mountApp(root: HTMLElement, backend: Backend): Promise<void> {
  const info = await backend.appInfo();

  const notice = h("div", { id: "notice", class: "notice", role: "status", hidden: "" });
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  const notify = (text: string, tone: "ok" | "error" = "ok") => {
    notice.textContent = text;
    notice.className = `notice ${tone}`;
    notice.hidden = false;
    clearTimeout(noticeTimer);
    // Errors stay until the next notice: the user must be able to read them.
    if (tone === "ok") noticeTimer = setTimeout(() => (notice.hidden = true), 6000);
  };

  const editorPane = h(
    "main",
    { id: "pane-editor", class: "pane editor", "aria-label": "编辑区" },
    h(
      "div",
      { class: "empty", id: "editor-empty" },
      h("p", { class: "empty-title" }, "未打开公文"),
      h("p", {}, "从左侧选择草稿，或新建一份公文：先选文种，再填写发文机关、标题、主送机关与正文等要素。"),
    ),
  );

  const tabList = h("div", { class: "tabs", role: "tablist" });
  const panels: HTMLElement[] = [];
  for (const [index, tab] of TOOL_TABS.entries()) {
    const selected = index === 0;
    const button = h(
      "button",
      {
        id: `tab-${tab.id}`,
        type: "button",
        role: "tab",
        "aria-controls": `panel-${tab.id}`,
        "aria-selected": String(selected),
      },
      tab.label,
    );
    const panel = h(
      "section",
      { id: `panel-${tab.id}`, role: "tabpanel", "aria-labelledby": `tab-${tab.id}` },
      h("p", { class: "empty" }, tab.empty),
    );
    panel.hidden = !selected;
    button.addEventListener("click", () => selectTab(tabList, panels, tab.id));
    tabList.append(button);
    panels.push(panel);
  }
  const toolsPane = h(
    "aside",
    { id: "pane-tools", class: "pane tools", "aria-label": "工具" },
    tabList,
    ...panels,
  );

  const editor = new DraftEditor(
    {
      backend,
      info,
      findingsPanel: panels[0],
      notify,
      draftsChanged: () => {
        drafts.select(editor.id);
        void drafts.refresh();
      },
      checked: () => {
        if (preview.visible) void preview.refresh();
      },
      modelReady: () => modelState?.kind === "ready",
    },
    editorPane,
  );

  /** Leaves the open draft (saving it first); false if saving failed. */
  const leave = async () => (editor.isOpen ? editor.flush() : true);

  const drafts: DraftsPane = new DraftsPane({
    backend,
    info,
    notify,
    async openDraft(id) {
      if (!(await leave())) return;
      try {
        const opened = await backend.openDraft(id);
        editor.open(opened.id, opened.form, opened.history);
      } catch (error) {
        notify(`无法打开草稿：${errorMessage(error)}`, "error");
      }
    },
    async newDraft(kind) {
      if (!(await leave())) return;
      try {
        editor.open(null, await backend.newDraft(kind), []);
        drafts.select(null);
      } catch (error) {
        notify(`无法新建：${errorMessage(error)}`, "error");
      }
    },
    async imported(name, bytes) {
      if (!(await leave())) return;
      try {
        const imported = await backend.importFile(name, bytes);
        editor.open(null, imported.form, []);
        await editor.save();
        const hidden = imported.hidden
          ? `。文件中有 ${imported.hidden} 处隐藏文字，已在正文中以“【隐藏文字：…】”标出，摘要不会引用`
          : "";
        notify(
          `已导入 ${name}（${imported.chars} 字），文种：${imported.form.kind}${imported.kind_from_title ? "" : "（未能从标题识别，暂按通知处理，请核对）"}${hidden}`,
          imported.hidden ? "error" : "ok",
        );
      } catch (error) {
        notify(`导入失败：${errorMessage(error)}`, "error");
      }
    },
  });

  const modelItem = h("span", { id: "status-model", class: "status-item" });
  let modelState: ModelState | null = null;
  const aiPanel = new AiPanel(
    {
      backend,
      editor,
      notify,
      generating(tokensPerSecond) {
        if (tokensPerSecond === null) {
          if (modelState) showModel(modelItem, modelState);
          return;
        }
        modelItem.textContent = `模型：正在生成 · ${tokensPerSecond.toFixed(1)} 词元/秒`;
        modelItem.className = "status-item busy";
        modelItem.dataset.state = "generating";
      },
    },
    panels[1],
  );
  new SummaryPanel({ backend, editor, notify }, panels[2]);
  const preview = new PreviewPanel(backend, editor, panels[3]);
  tabList.querySelector("#tab-preview")!.addEventListener("click", () => void preview.refresh());
  tabList.querySelector("#tab-draft")!.addEventListener("click", () => void aiPanel.refreshExamples());
  const storage = storageItem(info.storage);
  const settings = new SettingsView({
    backend,
    notify,
    modelState: () => modelState,
    profileChanged: (recipients) => editor.setRecipientOptions(recipients),
    beforeRestore: () => editor.flush(),
    storeReplaced: () => editor.storeReplaced(),
  });
  const settingsButton = h("button", { type: "button", id: "open-settings", class: "link", disabled: "" }, "设置");
  settingsButton.addEventListener("click", () => void settings.open());
  const storeOpened = () => {
    drafts.setEnabled(true);
    settingsButton.disabled = false;
    void drafts.refresh();
    void backend.settingsInfo().then(
      (info) => editor.setRecipientOptions(info.profile.recipients),
      () => {},
    );
  };
  if (info.storage.kind === "encrypted") {
    storeOpened();
  } else if (needsPassphrase(info.storage)) {
    drafts.element.append(unlockForm(backend, info.storage, storage, storeOpened));
  }
  const statusBar = h(
    "footer",
    { id: "status-bar", class: "status-bar" },
    h("span", { id: "status-offline", class: "status-item ok", title: "本程序不含任何联网代码" }, "离线"),
    h("span", { class: "sep", "aria-hidden": "true" }, "·"),
    storage,
    h("span", { class: "sep", "aria-hidden": "true" }, "·"),
    modelItem,
    notice,
    h("span", { class: "version" }, settingsButton, ` v${info.version}`),
  );

  root.replaceChildren(
    h("div", { class: "layout" }, drafts.element, editorPane, toolsPane),
    statusBar,
    settings.element,
    editor.recipientOptions,
  );
  // Interactive from here: the cold start is measured to this point.
  void backend.uiReady().then((ms) => {
    root.dataset.startupMs = String(ms);
    statusBar.title = `启动用时 ${ms} 毫秒`;
  });

  // Closing the window saves the open draft first. If that fails the window
  // stays open; closing again within a minute discards the unsaved edits.
  let discardUntil = 0;
  await backend.watchClose(async () => {
    if (Date.now() < discardUntil || (await leave())) {
      await backend.closeWindow();
      return;
    }
    discardUntil = Date.now() + 60_000;
    notify("保存失败，窗口没有关闭，您输入的内容仍在编辑器中。一分钟内再次关闭窗口将放弃未保存的修改。", "error");
  });

  await backend.watchModel((state) => {
    const wasReady = modelState?.kind === "ready";
    modelState = state;
    showModel(modelItem, state);
    if (wasReady !== (state.kind === "ready")) editor.modelChanged();
  });
}

function storageItem(storage: AppInfo["storage"]): HTMLElement {
  const item = h("span", { id: "status-storage" });
  showStorage(item, storage);
  return item;
}

function showStorage(item: HTMLElement, storage: AppInfo["storage"]): void {
  const status = storageStatus(storage);
  item.className = `status-item ${status.tone}`;
  item.title = status.detail;
  item.textContent = status.text;
  item.dataset.state = storage.kind;
}

/** The passphrase form: unlocks the store, or protects a new one with a
 * passphrase when no system keyring can hold its key. */
function unlockForm(
  backend: Backend,
  storage: AppInfo["storage"],
  statusItem: HTMLElement,
  opened: () => void,
): HTMLElement {
  const isNew = storage.kind === "failed";
  const input = h("input", {
    id: "unlock-passphrase",
    type: "password",
    autocomplete: "off",
    "aria-label": "口令",
    placeholder: isNew ? "设置草稿库口令" : "草稿库口令",
  });
  const error = h("p", { id: "unlock-error", class: "error", role: "alert" });
  // A new passphrase is typed twice, and must be long enough to hold up.
  const again = h("input", {
    id: "unlock-passphrase-again",
    type: "password",
    autocomplete: "off",
    "aria-label": "再输入一次口令",
    placeholder: "再输入一次",
  });
  const strength = h("p", { id: "unlock-strength", class: "hint" }, "至少 8 个字符；越长、字的种类越多，越难被猜出");
  if (isNew) input.addEventListener("input", () => (strength.textContent = passphraseStrength(input.value)));
  const form = h(
    "form",
    { id: "unlock-form", class: "unlock" },
    h(
      "p",
      {},
      isNew
        ? "无法使用系统密钥环保存草稿库密钥。请设置一个口令来加密草稿库（请牢记，遗失后无法找回）。"
        : "草稿库已加密，请输入口令解锁。",
    ),
    input,
    ...(isNew ? [again, strength] : []),
    h("button", { id: "unlock-submit", type: "submit" }, isNew ? "设置口令" : "解锁"),
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (isNew) {
      if ([...input.value].length < MIN_PASSPHRASE) {
        error.textContent = `口令至少需要 ${MIN_PASSPHRASE} 个字符`;
        return;
      }
      if (input.value !== again.value) {
        error.textContent = "两次输入的口令不一致";
        again.value = "";
        return;
      }
    }
    const result = await backend.unlockStore(input.value);
    input.value = "";
    again.value = "";
    if (result.kind === "encrypted") {
      showStorage(statusItem, result);
      form.remove();
      opened();
    } else {
      error.textContent = result.kind === "failed" ? result.message : "请输入口令";
    }
  });
  return form;
}

const MIN_PASSPHRASE = 8;

/** A plain hint on how hard a new passphrase is to guess: its length and
 * how many kinds of characters it mixes (汉字, letters, digits, others). */
export function passphraseStrength(passphrase: string): string {
  const chars = [...passphrase];
  if (chars.length < MIN_PASSPHRASE) return `还差 ${MIN_PASSPHRASE - chars.length} 个字符（至少 ${MIN_PASSPHRASE} 个）`;
  const kinds = [/\p{Script=Han}/u, /[A-Za-z]/, /[0-9]/, /[^\p{Script=Han}A-Za-z0-9]/u].filter((k) =>
    chars.some((c) => k.test(c)),
  ).length;
  if (chars.length >= 12 && kinds >= 2) return "强度：强";
  if (chars.length >= 10 || kinds >= 2) return "强度：中";
  return "强度：弱（可以再长一些，或混用汉字、字母和数字）";
}

function selectTab(tabList: HTMLElement, panels: HTMLElement[], id: string): void {
  for (const button of tabList.querySelectorAll<HTMLButtonElement>("[role=tab]")) {
    button.setAttribute("aria-selected", String(button.id === `tab-${id}`));
  }
  for (const panel of panels) panel.hidden = panel.id !== `panel-${id}`;
}

function showModel(item: HTMLElement, state: ModelState): void {
  const status = modelStatus(state);
  item.textContent = status.text;
  item.title = status.detail;
  item.dataset.state = state.kind;
  item.className = `status-item ${status.tone}`;
}
