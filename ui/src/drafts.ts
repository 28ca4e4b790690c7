// The drafts sidebar: the list with full-text search and filters by 文种 and
// day, 新建 (pick a 文种), 导入 (.docx/.pdf/.txt, with progress), and the
// recycle bin.

import type { AppInfo, Backend, DraftSummary } from "./backend";
import { errorMessage } from "./backend";
import { h } from "./dom";
import { localTime } from "./editor";
import { isSubmitEnter } from "./keys";

export interface DraftsHost {
  backend: Backend;
  info: AppInfo;
  notify(text: string, tone?: "ok" | "error"): void;
  /** The user picked a draft, a 文种 for a new one, or imported a file. */
  openDraft(id: number): void;
  newDraft(kind: string): void;
  imported(name: string, bytes: Uint8Array): Promise<void>;
}

export const SEARCH_DELAY_MS = 250;

export class DraftsPane {
  readonly element: HTMLElement;
  private list = h("ul", { id: "draft-list", class: "draft-list" });
  private empty = h(
    "div",
    { class: "empty", id: "drafts-empty" },
    h("p", {}, "还没有草稿。"),
    h("p", {}, "点击“新建”选择文种开始起草，或“导入”已有的 .docx、.pdf、.txt 文件。"),
  );
  private search = h("input", { id: "draft-search", type: "search", placeholder: "搜索标题和正文", "aria-label": "搜索草稿" });
  private kind = h("select", { id: "filter-kind", "aria-label": "按文种筛选" });
  private from = h("input", { id: "filter-from", type: "date", "aria-label": "起始日期" });
  private to = h("input", { id: "filter-to", type: "date", "aria-label": "截止日期" });
  private binButton = h("button", { type: "button", id: "show-bin", class: "link" }, "回收站");
  private showingBin = false;
  private selected: number | null = null;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private progress = h("div", { id: "import-progress", class: "import-progress", hidden: "" });
  enabled = false;

  constructor(private host: DraftsHost) {
    const newButton = h("button", { id: "new-doc", type: "button", "aria-haspopup": "menu", "aria-expanded": "false" }, "新建");
    const importButton = h("button", { id: "import-doc", type: "button" }, "导入");
    const fileInput = h("input", { id: "import-file", type: "file", accept: ".docx,.pdf,.txt,.md", hidden: "" });
    const kindMenu = h("ul", { id: "kind-menu", class: "kind-menu", role: "menu", hidden: "" });
    for (const kind of host.info.doc_kinds) {
      kindMenu.append(h("li", { role: "menuitem", tabindex: "-1", "data-kind": kind }, kind));
    }
    this.kind.append(h("option", { value: "" }, "全部文种"), ...host.info.doc_kinds.map((k) => h("option", { value: k }, k)));

    const setOpen = (open: boolean) => {
      kindMenu.hidden = !open;
      newButton.setAttribute("aria-expanded", String(open));
    };
    newButton.addEventListener("click", () => setOpen(kindMenu.hidden));
    kindMenu.addEventListener("click", (event) => {
      const item = (event.target as HTMLElement).closest<HTMLElement>("[data-kind]");
      if (!item?.dataset.kind) return;
      setOpen(false);
      host.newDraft(item.dataset.kind);
    });
    importButton.addEventListener("click", () => fileInput.click());
    fileInput.addEventListener("change", () => {
      const file = fileInput.files?.[0];
      fileInput.value = "";
      if (file) void this.importFile(file);
    });
    this.search.addEventListener("input", () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => void this.refresh(), SEARCH_DELAY_MS);
    });
    for (const control of [this.kind, this.from, this.to]) control.addEventListener("change", () => void this.refresh());
    this.binButton.addEventListener("click", () => {
      this.showingBin = !this.showingBin;
      this.binButton.textContent = this.showingBin ? "返回草稿列表" : "回收站";
      void this.refresh();
    });
    this.list.addEventListener("click", (event) => {
      const target = event.target as HTMLElement;
      const item = target.closest<HTMLElement>("[data-id]");
      if (!item) return;
      const id = Number(item.dataset.id);
      if (target.closest("[data-action=undelete]")) {
        void this.undelete(id);
      } else if (!this.showingBin) {
        this.select(id);
        host.openDraft(id);
      }
    });

    // Keyboard: Enter opens the focused draft (not while an IME composes).
    this.list.addEventListener("keydown", (event) => {
      const item = (event.target as HTMLElement).closest<HTMLElement>("[data-id]");
      if (!item || this.showingBin || !isSubmitEnter(event)) return;
      event.preventDefault();
      const id = Number(item.dataset.id);
      this.select(id);
      host.openDraft(id);
    });
    this.element = h(
      "aside",
      { id: "pane-drafts", class: "pane drafts", "aria-label": "草稿" },
      h("header", { class: "pane-header" }, h("h2", {}, "草稿"), newButton, importButton, fileInput),
      kindMenu,
      this.progress,
      this.search,
      h("div", { class: "filters" }, this.kind, this.from, h("span", { class: "muted" }, "至"), this.to),
      this.list,
      this.empty,
      h("div", { class: "pane-footer" }, this.binButton),
    );
    this.setEnabled(false);
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    for (const control of this.element.querySelectorAll<HTMLButtonElement | HTMLInputElement | HTMLSelectElement>(
      "#new-doc, #import-doc, #draft-search, #filter-kind, #filter-from, #filter-to, #show-bin",
    )) {
      control.disabled = !enabled;
    }
  }

  select(id: number | null): void {
    this.selected = id;
    for (const item of this.list.querySelectorAll<HTMLElement>("[data-id]")) {
      item.classList.toggle("selected", Number(item.dataset.id) === id);
    }
  }

  async refresh(): Promise<void> {
    if (!this.enabled) return;
    let drafts: DraftSummary[];
    try {
      drafts = this.showingBin
        ? await this.host.backend.deletedDrafts()
        : await this.host.backend.listDrafts(this.search.value, {
            kind: this.kind.value || undefined,
            from: this.from.value || undefined,
            to: this.to.value || undefined,
          });
    } catch (error) {
      this.host.notify(errorMessage(error), "error");
      return;
    }
    const filtering = this.search.value.trim() !== "" || this.kind.value !== "" || this.from.value !== "" || this.to.value !== "";
    this.list.replaceChildren(...drafts.map((d) => this.item(d)));
    this.empty.hidden = drafts.length > 0;
    this.empty.replaceChildren(
      ...(this.showingBin
        ? [h("p", {}, "回收站是空的。")]
        : filtering
          ? [h("p", {}, "没有符合条件的草稿。")]
          : [h("p", {}, "还没有草稿。"), h("p", {}, "点击“新建”选择文种开始起草，或“导入”已有的 .docx、.pdf、.txt 文件。")]),
    );
    this.select(this.selected);
  }

  private item(d: DraftSummary): HTMLElement {
    const item = h(
      "li",
      { "data-id": String(d.id), class: "draft-item", tabindex: "0" },
      h("div", { class: "draft-title" }, d.title || `（无标题${d.kind}）`),
      h("div", { class: "draft-meta" }, `${d.kind} · ${localTime(d.updated_at)} · ${d.revisions} 个修订`),
    );
    if (this.showingBin) item.append(h("button", { type: "button", "data-action": "undelete" }, "恢复"));
    return item;
  }

  private async undelete(id: number): Promise<void> {
    try {
      await this.host.backend.undeleteDraft(id);
      this.host.notify("草稿已恢复", "ok");
      await this.refresh();
    } catch (error) {
      this.host.notify(errorMessage(error), "error");
    }
  }

  /** Reads the file with visible progress (long PDFs take a while), then
   * hands it to the importer. */
  private async importFile(file: File): Promise<void> {
    if (file.size > MAX_IMPORT_BYTES) {
      // Not read at all: a file this size would sit in memory before the
      // importer could refuse it.
      const mb = Math.round(file.size / 1024 / 1024);
      this.host.notify(`导入失败：文件过大（${mb} MB），最多可导入 ${MAX_IMPORT_BYTES / 1024 / 1024} MB`, "error");
      return;
    }
    this.progress.hidden = false;
    const bar = h("progress", { max: "100", value: "0" });
    const label = h("span", {}, `正在读取 ${file.name}…`);
    this.progress.replaceChildren(label, bar);
    try {
      const bytes = await readWithProgress(file, (share) => bar.setAttribute("value", String(Math.round(share * 100))));
      label.textContent = `正在识别 ${file.name} 的结构…`;
      bar.removeAttribute("value");
      await this.host.imported(file.name, bytes);
    } finally {
      this.progress.hidden = true;
    }
  }
}

/** The largest file any importer takes (.pdf); each type's own, smaller
 * limit is checked by the importer. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

function readWithProgress(file: File, onProgress: (share: number) => void): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(new Error(`无法读取文件：${reader.error?.message ?? ""}`));
    reader.readAsArrayBuffer(file);
  });
}
