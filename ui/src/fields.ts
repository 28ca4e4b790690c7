import type { FormField, Presence } from "./backend";

export interface FieldSpec {
  key: FormField;
  label: string;
  /** The element of the 条例 it stands for: decides whether the 文种 uses it. */
  element?: string;
  multiline?: boolean;
  placeholder?: string;
  /** Seldom used: shown only when filled in or asked for. */
  rare?: boolean;
  /** Only in the 纪要 layout. */
  minutes?: boolean;
}

/** The element fields before the body, in document order. */
export const HEAD_FIELDS: FieldSpec[] = [
  { key: "copy_number", label: "份号", rare: true, placeholder: "000001" },
  { key: "classification", label: "密级和保密期限", rare: true, placeholder: "秘密★1年" },
  { key: "urgency", label: "紧急程度", rare: true, placeholder: "特急 或 加急" },
  { key: "issuer", label: "发文机关标志", multiline: true, placeholder: "××市人民政府办公室文件" },
  { key: "doc_number", label: "发文字号", element: "doc_number", placeholder: "×政办发〔2026〕1号" },
  { key: "signers", label: "签发人", element: "signers", placeholder: "多人用“、”分隔" },
  { key: "title", label: "标题", element: "title", placeholder: "关于……的通知" },
  { key: "recipients", label: "主送机关", element: "recipients", placeholder: "各区人民政府，市政府各部门" },
];

/** The element fields after the body, in document order. */
export const TAIL_FIELDS: FieldSpec[] = [
  { key: "present", label: "出席", element: "attendance", minutes: true },
  { key: "absent", label: "请假", element: "attendance", minutes: true },
  { key: "observers", label: "列席", element: "attendance", minutes: true },
  { key: "attachments", label: "附件说明", element: "attachments", multiline: true, placeholder: "每行一个附件名称" },
  { key: "signature", label: "发文机关署名", element: "signature", multiline: true },
  { key: "date", label: "成文日期", element: "date", placeholder: "2026年7月1日" },
  { key: "note", label: "附注", element: "note", placeholder: "联系人及电话等" },
  { key: "cc", label: "抄送机关", element: "cc", rare: true },
  { key: "printed_by", label: "印发机关", rare: true },
  { key: "printed_on", label: "印发日期", rare: true, placeholder: "2026年7月1日" },
];

/** Whether a field shows for a 文种: not when the 文种 does not use the
 * element (unless the draft already has a value there, which the user must
 * see to remove). */
export function shows(field: FieldSpec, presence: Record<string, Presence> | undefined, value: string, layout: string): boolean {
  if (value.trim() !== "") return true;
  if (field.minutes) return layout === "minutes";
  if (field.rare) return false;
  if (!field.element || !presence) return true;
  return presence[field.element] !== "not_used";
}

export function isRequired(field: FieldSpec, presence: Record<string, Presence> | undefined): boolean {
  return !!field.element && presence?.[field.element] === "required";
}
