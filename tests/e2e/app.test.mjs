// Starts the real 公文助手 binary under Xvfb and drives its window over
// WebDriver (tauri-driver + WebKitWebDriver). Run by scripts/test.sh.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Session, startDriver } from "./webdriver.mjs";

const app = process.env.GONGWEN_APP;
const out = process.env.GONGWEN_E2E_OUT;
assert.ok(app, "GONGWEN_APP must name the built gongwen-app binary");
assert.ok(out, "GONGWEN_E2E_OUT must name a folder for screenshots");

let driver;
let session;

before(async () => {
  // The window loads the small test model, which the suite fetched first.
  // A port unlikely to clash with another run on the same machine.
  const port = 20_000 + (process.pid % 20_000);
  // A fresh encrypted draft store, unlocked by passphrase as in headless use.
  const home = mkdtempSync(join(tmpdir(), "gongwen-e2e-"));
  const env = { ...process.env, GONGWEN_MODEL: "test", GONGWEN_HOME: home, GONGWEN_PASSPHRASE: "端到端测试口令" };
  driver = await startDriver({ port, env });
  session = await Session.create(driver.base, app);
});

after(async () => {
  await session?.delete().catch(() => {});
  driver?.stop();
});

test("the window opens with its title, three panes and status bar", async () => {
  assert.equal(await session.title(), "公文助手");
  assert.match(await session.text("#pane-drafts"), /还没有草稿/);
  assert.match(await session.text("#pane-editor"), /未打开公文/);
  assert.match(await session.text("#pane-tools"), /校对/);
  assert.equal(await session.text("#status-offline"), "离线");
  assert.equal(await session.text("#status-storage"), "已加密");
});

test("the model loads in the background and the status bar says so", async () => {
  const status = await session.waitForText("#status-model", (t) => t === "模型：就绪" || t.includes("不可用"), 60_000);
  assert.equal(status, "模型：就绪");
});

test("新建 lists the 15 文种", async () => {
  assert.equal(await session.displayed("#kind-menu"), false);
  await session.click("#new-doc");
  assert.equal(await session.displayed("#kind-menu"), true);
  assert.equal(await session.text("#kind-menu li:nth-child(11)"), "请示");
  await session.click('#kind-menu li[data-kind="请示"]');
  assert.match(await session.text("#pane-editor"), /新建请示/);
  assert.equal(await session.displayed("#kind-menu"), false);
});

test("a screenshot of the window is written under the target directory", async () => {
  mkdirSync(out, { recursive: true });
  const png = await session.screenshotPng();
  assert.ok(png.subarray(1, 4).toString() === "PNG", "screenshot is a PNG");
  const file = join(out, "main-window.png");
  writeFileSync(file, png);
  console.log(`screenshot: ${file} (${png.length} bytes)`);
});
