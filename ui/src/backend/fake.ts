import type { AppInfo, Backend, ModelState } from "./index";

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

  push(state: ModelState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}
