// The 校对 panel: findings grouped by category, each with its reason and
// suggestion; 接受 / 忽略 / 全部接受同类. Element issues (missing or unused
// elements of the 文种) come first; a line says where the model's spelling
// pass has got to.

import type { Checked, Finding } from "./backend";
import { h } from "./dom";

export interface FindingActions {
  accept(finding: Finding): void;
  acceptAll(finding: Finding): void;
  ignore(finding: Finding, always: boolean): void;
  reveal(finding: Finding): void;
}

const SEVERITY: Record<Finding["severity"], string> = { error: "错误", warning: "建议修改", info: "提示" };

export function renderFindings(
  panel: HTMLElement,
  findings: Finding[],
  elementIssues: Checked["element_issues"],
  modelNote: string,
  actions: FindingActions,
): void {
  const count = h("p", { id: "findings-count", class: "findings-count" });
  count.textContent =
    findings.length > 0 ? `发现 ${findings.length} 处问题` : elementIssues.length > 0 ? "文字未发现问题；要素见下。" : "未发现问题。";
  const children: HTMLElement[] = [count];
  if (modelNote) children.push(h("p", { id: "model-pass", class: "model-pass" }, modelNote));
  if (elementIssues.length) {
    children.push(
      h("ul", { class: "element-issues", id: "element-issues" }, ...elementIssues.map((i) => h("li", {}, i.message))),
    );
  }
  const byCategory = new Map<string, Finding[]>();
  for (const f of findings) byCategory.set(f.category, [...(byCategory.get(f.category) ?? []), f]);
  const sameRule = new Map<string, number>();
  for (const f of findings) if (f.suggestion !== null) sameRule.set(f.rule, (sameRule.get(f.rule) ?? 0) + 1);

  for (const [category, list] of byCategory) {
    const group = h("section", { class: "finding-group" }, h("h3", {}, `${category}（${list.length}）`));
    for (const f of list) {
      const index = findings.indexOf(f);
      const item = h("div", {
        class: `finding-item severity-${f.severity}`,
        "data-index": String(index),
        "data-rule": f.rule,
        "data-original": f.original,
      });
      const head = h("div", { class: "finding-head" }, h("span", { class: "severity" }, SEVERITY[f.severity]), h("span", { class: "message" }, f.message));
      head.addEventListener("click", () => actions.reveal(f));
      item.append(head);
      if (f.original || f.suggestion !== null) {
        const change = h("div", { class: "finding-change" });
        if (f.original) change.append(h("del", {}, f.original));
        if (f.suggestion !== null) change.append(" → ", h("ins", {}, f.suggestion === "" ? "（删除）" : f.suggestion));
        item.append(change);
      }
      const buttons = h("div", { class: "finding-actions" });
      const fixable = f.suggestion !== null && f.from !== null && f.to !== null;
      if (fixable) buttons.append(action("接受", "accept", () => actions.accept(f)));
      buttons.append(action("忽略", "ignore", () => actions.ignore(f, false)));
      if (f.original) buttons.append(action("始终忽略", "ignore-always", () => actions.ignore(f, true)));
      if (fixable && (sameRule.get(f.rule) ?? 0) > 1) {
        buttons.append(action(`全部接受同类（${sameRule.get(f.rule)}）`, "accept-all", () => actions.acceptAll(f)));
      }
      if (!fixable && f.suggestion !== null) {
        buttons.append(h("span", { class: "hint" }, "请在相应要素中修改"));
      }
      item.append(buttons);
      group.append(item);
    }
    children.push(group);
  }
  panel.replaceChildren(...children);
}

function action(label: string, name: string, onClick: () => void): HTMLButtonElement {
  const b = h("button", { type: "button", "data-action": name }, label);
  b.addEventListener("click", onClick);
  return b;
}
