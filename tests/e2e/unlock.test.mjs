// The real window with no keyring reachable (no D-Bus session) and no
// passphrase in the environment: the app asks for a passphrase, creates the
// encrypted store with it, and says 已加密. Run by scripts/test.sh.

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openWindow } from "./webdriver.mjs";

const app = process.env.GONGWEN_APP;
assert.ok(app, "GONGWEN_APP must name the built gongwen-app binary");

let session;
let close;

before(async () => {
  // Another port than app.test.mjs: node runs test files side by side.
  const port = 40_000 + (process.pid % 20_000);
  const home = mkdtempSync(join(tmpdir(), "gongwen-e2e-unlock-"));
  const env = { ...process.env, GONGWEN_MODEL: "test", GONGWEN_HOME: home };
  delete env.GONGWEN_PASSPHRASE;
  delete env.DBUS_SESSION_BUS_ADDRESS;
  ({ session, close } = await openWindow({ app, port, env }));
});

after(() => close?.());

test("without a keyring the app asks for a passphrase and encrypts the store with it", async () => {
  assert.equal(await session.text("#status-storage"), "草稿库不可用");
  assert.equal(await session.text("#unlock-submit"), "设置口令");
  await session.type("#unlock-passphrase", "窗口里设置的口令");
  // A new passphrase is typed twice.
  await session.type("#unlock-passphrase-again", "窗口里设置的口令");
  await session.click("#unlock-submit");
  const status = await session.waitForText("#status-storage", (t) => t === "已加密", 10_000);
  assert.equal(status, "已加密");
  // The form is gone; the (empty) draft list is there.
  const pane = await session.text("#pane-drafts");
  assert.match(pane, /还没有草稿/);
  assert.doesNotMatch(pane, /设置口令/);
});
