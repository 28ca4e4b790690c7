// The window's scenario (app.test.mjs, unlock.test.mjs) runs in a network
// namespace whose only interface is loopback: scripts/test.sh starts this
// whole directory under `unshare --net` and sets GONGWEN_E2E_AIRGAP=1. This
// file proves the namespace is what it claims, so a green run means the app
// passed with no way to reach another machine.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const airgapped = process.env.GONGWEN_E2E_AIRGAP === "1";

test(
  "the end-to-end run has loopback and nothing else",
  { skip: airgapped ? false : "not started by scripts/test.sh under unshare --net" },
  async () => {
    const interfaces = readFileSync("/proc/net/dev", "utf8")
      .split("\n")
      .slice(2)
      .map((line) => line.split(":")[0].trim())
      .filter(Boolean);
    assert.deepEqual(interfaces, ["lo"]);
    // No route to anywhere: only loopback's own routes exist.
    const routes = readFileSync("/proc/net/route", "utf8").trim().split("\n").slice(1);
    assert.deepEqual(routes, []);
    // An outside address cannot be reached (fails at once: no route).
    await assert.rejects(fetch("http://192.0.2.1/", { signal: AbortSignal.timeout(5000) }));
    // Loopback works (tauri-driver listens there).
    const { createServer } = await import("node:net");
    const server = createServer();
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    server.close();
  },
);
