import type { ModelState, StorageStatus } from "./backend";

export interface StatusText {
  text: string;
  /** Longer explanation for the tooltip. */
  detail: string;
  tone: "ok" | "busy" | "warn" | "error";
}

const percent = (progress: number) => `${Math.round(progress * 100)}%`;

/** What the status bar says about the model. */
export function modelStatus(state: ModelState): StatusText {
  switch (state.kind) {
    case "missing":
      return {
        text: "模型：未安装（非模型功能照常可用）",
        detail: `未找到模型文件 ${state.file}。${state.hint}`,
        tone: "warn",
      };
    case "verifying":
      return {
        text: `模型：正在校验 ${percent(state.progress)}`,
        detail: "正在核对模型文件的 SHA-256",
        tone: "busy",
      };
    case "loading":
      return {
        text: `模型：正在加载 ${percent(state.progress)}`,
        detail: "正在把模型读入内存",
        tone: "busy",
      };
    case "ready":
      return {
        text: "模型：就绪",
        detail: `${state.display_name}，${(state.n_params / 1e9).toFixed(2)}B 参数，校验 ${state.verify_ms} 毫秒，加载 ${state.load_ms} 毫秒，CPU 指令集 ${state.kernels}`,
        tone: "ok",
      };
    case "failed":
      return {
        text: "模型：不可用（非模型功能照常可用）",
        detail: `${state.message} [${state.code}]`,
        tone: "error",
      };
  }
}

/** What the status bar says about the draft store. */
export function storageStatus(state: StorageStatus): StatusText {
  switch (state.kind) {
    case "encrypted":
      return {
        text: "已加密",
        detail: `草稿库已用 SQLCipher 加密保存（${state.drafts} 份草稿）`,
        tone: "ok",
      };
    case "locked":
      return { text: "草稿库已锁定", detail: "输入口令后解锁草稿库", tone: "warn" };
    case "failed":
      return { text: "草稿库不可用", detail: `${state.message} [${state.code}]`, tone: "error" };
  }
}

/** Whether the user can open the store by typing a passphrase: it is
 * locked, or no keyring could hold a new store's key. */
export function needsPassphrase(state: StorageStatus): boolean {
  return (
    state.kind === "locked" ||
    (state.kind === "failed" && ["store-keyring-unavailable", "store-need-passphrase"].includes(state.code))
  );
}
