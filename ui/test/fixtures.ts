import type { AppInfo, Presence } from "../src/backend";

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

