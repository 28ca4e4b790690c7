import type { AppInfo, Backend, ModelState, StorageStatus } from "./index";

/** An in-memory backend for UI tests: the test pushes model states. */
export class FakeBackend implements Backend {
  private listeners: ((state: ModelState) => void)[] = [];
  constructor(
    public info: AppInfo,
    private state: ModelState,
  ) {}

  async appInfo(): Promise<AppInfo> {
    return this.info;
  }

  async watchModel(onState: (state: ModelState) => void): Promise<void> {
    this.listeners.push(onState);
    onState(this.state);
  }

  /** The passphrase that opens the fake store. */
  passphrase = "正确口令";

  async unlockStore(passphrase: string): Promise<StorageStatus> {
    if (passphrase === this.passphrase) {
      this.info.storage = { kind: "encrypted", drafts: 0 };
      return this.info.storage;
    }
    return { kind: "failed", code: "store-wrong-key", message: "无法解密草稿库：口令错误，或数据库文件已损坏" };
  }

  push(state: ModelState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}
