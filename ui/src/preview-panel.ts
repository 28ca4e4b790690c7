// 版式预览: the pages as the .docx export lays them out (GB/T 9704: A4,
// 版心 156 × 225 mm, 22 lines of 28 characters), drawn in millimetres and
// scaled to the panel. The layout comes from the same code as the export.

import type { Backend, Preview, PreviewLine } from "./backend";
import { errorMessage } from "./backend";
import { h } from "./dom";
import type { DraftEditor } from "./editor";

const FONTS: Record<PreviewLine["font"], string> = {
  fangsong: '"仿宋_GB2312", "FangSong", "STFangsong", "Noto Serif CJK SC", serif',
  heiti: '"黑体", "SimHei", "Noto Sans CJK SC", sans-serif',
  kaiti: '"楷体_GB2312", "KaiTi", "AR PL UKai CN", "Noto Serif CJK SC", serif',
  xiaobiaosong: '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", serif',
};

export class PreviewPanel {
  private pages = h("div", { id: "preview-pages", class: "preview-pages" });
  private summary = h("p", { id: "preview-summary", class: "hint" });

  constructor(
    private backend: Backend,
    private editor: DraftEditor,
    private panel: HTMLElement,
  ) {
    panel.replaceChildren(
      h("p", { class: "hint" }, "按 GB/T 9704—2012 排版：A4 纸，版心 156 × 225 毫米，每页 22 行、每行 28 字，与导出的 .docx 一致。"),
      this.summary,
      this.pages,
    );
  }

  get visible(): boolean {
    return !this.panel.hidden;
  }

  async refresh(): Promise<void> {
    const form = this.editor.current();
    if (!form) {
      this.summary.textContent = "打开或新建公文后显示版式。";
      this.pages.replaceChildren();
      return;
    }
    try {
      this.show(await this.backend.previewDraft(form));
    } catch (error) {
      this.summary.textContent = `无法生成预览：${errorMessage(error)}`;
    }
  }

  private show(preview: Preview): void {
    this.summary.textContent = `共 ${preview.pages.length} 页`;
    // The page is drawn in mm and scaled to the panel's width.
    const pxPerMm = 96 / 25.4;
    const scale = Math.min(1, (this.panel.clientWidth || 320) / (preview.page_width * pxPerMm));
    this.pages.replaceChildren(
      ...preview.pages.map((page) => {
        const block = h("div", { class: "page-block" });
        block.style.top = `${preview.margin_top}mm`;
        block.style.left = `${preview.margin_left}mm`;
        block.style.width = `${preview.text_width}mm`;
        block.style.height = `${preview.text_height}mm`;
        for (const line of page.lines) block.append(drawLine(line));
        const sheet = h("div", { class: "page", "data-page": String(page.number) }, block);
        sheet.style.width = `${preview.page_width}mm`;
        sheet.style.height = `${preview.page_height}mm`;
        if (page.page_number) {
          const number = h("div", { class: "page-number" }, page.page_number);
          number.style.top = `${preview.margin_top + preview.text_height + 7}mm`;
          // One character in from the outer edge: right on odd pages.
          const inset = `${preview.margin_left + 4.9}mm`;
          if (page.number % 2 === 1) number.style.right = inset;
          else number.style.left = inset;
          sheet.append(number);
        }
        sheet.style.transform = `scale(${scale})`;
        const frame = h("div", { class: "page-frame" }, sheet);
        frame.style.width = `${preview.page_width * pxPerMm * scale}px`;
        frame.style.height = `${preview.page_height * pxPerMm * scale}px`;
        return frame;
      }),
    );
  }
}

function drawLine(line: PreviewLine): HTMLElement {
  const el = h("div", { class: "page-line" }, line.text);
  const style = el.style;
  style.top = `${line.top}mm`;
  style.left = `${line.left}mm`;
  style.width = `${line.width}mm`;
  style.height = `${line.height}mm`;
  style.lineHeight = `${line.height}mm`;
  style.fontSize = `${line.size}pt`;
  style.fontFamily = FONTS[line.font];
  style.textAlign = line.align === "justify" ? "left" : line.align;
  // The export condenses 3号 by 0.25 pt so that 28 characters fit a line.
  if (line.size === 16) style.letterSpacing = "-0.25pt";
  if (line.red) style.color = "#e60000";
  if (line.rule_below) style.borderBottom = rule(line.rule_below);
  if (line.rule_above) style.borderTop = rule(line.rule_above);
  return el;
}

function rule(r: { red: boolean; width: number; double: boolean }): string {
  return `${r.double ? Math.max(r.width, 0.8) : r.width}mm ${r.double ? "double" : "solid"} ${r.red ? "#e60000" : "#000"}`;
}
