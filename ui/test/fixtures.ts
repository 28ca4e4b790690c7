import { expect, vi } from "vitest";
import { mountApp } from "../src/app";
import type { AppInfo, ModelState, Presence } from "../src/backend";
import { FakeBackend } from "../src/backend/fake";

export const KINDS = ["决议", "决定", "命令（令）", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案", "函", "纪要"];

const ELEMENTS = ["doc_number", "signers", "title", "recipients", "body", "attachments", "signature", "date", "note", "cc", "attendance"];

export function appInfo(storage: AppInfo["storage"]): AppInfo {
  const presence = (kind: string): Record<string, Presence> =>
    Object.fromEntries(
      ELEMENTS.map((e) => [e, e === "signers" || (e === "recipients" && kind === "公告") ? "not_used" : e === "title" || e === "body" ? "required" : "optional"]),
    );
  return {
    version: "0.1.0",
    doc_kinds: KINDS,
    kind_elements: Object.fromEntries(KINDS.map((k) => [k, presence(k)])),
    storage,
    export_dir: "/home/user/公文助手导出",
  };
}


export const READY: ModelState = { kind: "ready", name: "test", display_name: "Gemma", n_params: 268e6, load_ms: 120, verify_ms: 300, kernels: "x86-64-v3" };
export const NO_MODEL: ModelState = { kind: "failed", code: "x", message: "无模型" };

/** The app on a fake backend with an empty store, a new 通知 open. */
export async function openNotice(model: ModelState): Promise<FakeBackend> {
  document.body.innerHTML = '<div id="app"></div>';
  const backend = new FakeBackend(appInfo({ kind: "encrypted", drafts: 0 }), model);
  await mountApp(document.querySelector<HTMLElement>("#app")!, backend);
  document.querySelector<HTMLElement>("#new-doc")!.click();
  document.querySelector<HTMLElement>('#kind-menu li[data-kind="通知"]')!.click();
  await vi.waitFor(() => expect(document.querySelector("#doc-kind")?.textContent).toBe("通知"));
  return backend;
}
