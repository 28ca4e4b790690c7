import type { AppInfo, Backend, ModelState } from "./backend";
import { h } from "./dom";
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

  const kindMenu = h("ul", { id: "kind-menu", class: "kind-menu", role: "menu", hidden: "" });
  for (const kind of info.doc_kinds) {
    const item = h("li", { role: "menuitem", tabindex: "-1", "data-kind": kind }, kind);
    kindMenu.append(item);
  }
  const newButton = h(
    "button",
    { id: "new-doc", type: "button", "aria-haspopup": "menu", "aria-expanded": "false" },
    "新建",
  );
  const importButton = h(
    "button",
    { id: "import-doc", type: "button", disabled: "", title: "草稿库启用后可导入 .docx、.pdf、.txt" },
    "导入",
  );
  const search = h("input", {
    id: "draft-search",
    type: "search",
    placeholder: "搜索草稿",
    "aria-label": "搜索草稿",
    disabled: "",
  });
  const draftsPane = h(
    "aside",
    { id: "pane-drafts", class: "pane drafts", "aria-label": "草稿" },
    h("header", { class: "pane-header" }, h("h2", {}, "草稿"), newButton, importButton),
    kindMenu,
    search,
    h(
      "div",
      { class: "empty", id: "drafts-empty" },
      h("p", {}, "还没有草稿。"),
      h("p", {}, "点击“新建”选择文种开始起草，或“导入”已有的 .docx、.pdf、.txt 文件。"),
    ),
  );

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

  const modelItem = h("span", { id: "status-model", class: "status-item" });
  const storage = storageItem(info.storage);
  if (needsPassphrase(info.storage)) {
    draftsPane.append(unlockForm(backend, info.storage, storage));
  }
  const statusBar = h(
    "footer",
    { id: "status-bar", class: "status-bar" },
    h("span", { id: "status-offline", class: "status-item ok", title: "本程序不含任何联网代码" }, "离线"),
    h("span", { class: "sep", "aria-hidden": "true" }, "·"),
    storage,
    h("span", { class: "sep", "aria-hidden": "true" }, "·"),
    modelItem,
    h("span", { class: "version" }, `v${info.version}`),
  );

  root.replaceChildren(
    h("div", { class: "layout" }, draftsPane, editorPane, toolsPane),
    statusBar,
  );

  wireKindMenu(newButton, kindMenu, editorPane);
  await backend.watchModel((state) => showModel(modelItem, state));
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
function unlockForm(backend: Backend, storage: AppInfo["storage"], statusItem: HTMLElement): HTMLElement {
  const isNew = storage.kind === "failed";
  const input = h("input", {
    id: "unlock-passphrase",
    type: "password",
    autocomplete: "off",
    "aria-label": "口令",
    placeholder: isNew ? "设置草稿库口令" : "草稿库口令",
  });
  const error = h("p", { id: "unlock-error", class: "error", role: "alert" });
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
    h("button", { id: "unlock-submit", type: "submit" }, isNew ? "设置口令" : "解锁"),
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await backend.unlockStore(input.value);
    input.value = "";
    if (result.kind === "encrypted") {
      showStorage(statusItem, result);
      form.remove();
    } else {
      error.textContent = result.kind === "failed" ? result.message : "请输入口令";
    }
  });
  return form;
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

/** 新建 opens the list of the 15 文种; picking one names the new document. */
function wireKindMenu(button: HTMLButtonElement, menu: HTMLElement, editor: HTMLElement): void {
  const setOpen = (open: boolean) => {
    menu.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => setOpen(menu.hidden));
  menu.addEventListener("click", (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>("[data-kind]");
    if (!item?.dataset.kind) return;
    setOpen(false);
    editor.replaceChildren(
      h(
        "div",
        { class: "empty", id: "editor-new" },
        h("p", { class: "empty-title" }, `新建${item.dataset.kind}`),
        h("p", {}, "要素表单与正文编辑器随草稿库一同启用；在此之前不会保存任何内容。"),
      ),
    );
  });
}
