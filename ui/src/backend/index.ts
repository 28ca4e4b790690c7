// The one module that talks to the Tauri shell. Everything else in the UI
// depends on the `Backend` interface, so it can be tested against a fake.

export type StorageStatus =
  | { kind: "encrypted"; drafts: number }
  | { kind: "locked" }
  | { kind: "failed"; code: string; message: string };

export interface AppInfo {
  version: string;
  /** The 15 文种 in statutory order. */
  doc_kinds: string[];
  storage: StorageStatus;
}

export type ModelState =
  | { kind: "missing"; file: string; hint: string }
  | { kind: "verifying"; progress: number }
  | { kind: "loading"; progress: number }
  | {
      kind: "ready";
      name: string;
      display_name: string;
      n_params: number;
      load_ms: number;
      verify_ms: number;
    }
  | { kind: "failed"; code: string; message: string };

export interface Backend {
  appInfo(): Promise<AppInfo>;
  /** Calls `onState` with the current model state and every change. */
  watchModel(onState: (state: ModelState) => void): Promise<void>;
  /** Opens the draft store with a passphrase (or sets one for a new store). */
  unlockStore(passphrase: string): Promise<StorageStatus>;
}

export async function tauriBackend(): Promise<Backend> {
  const { invoke, Channel } = await import("@tauri-apps/api/core");
  return {
    appInfo: () => invoke<AppInfo>("app_info"),
    unlockStore: (passphrase) => invoke<StorageStatus>("unlock_store", { passphrase }),
    async watchModel(onState) {
      const channel = new Channel<ModelState>();
      channel.onmessage = onState;
      await invoke("watch_model", { onState: channel });
    },
  };
}
