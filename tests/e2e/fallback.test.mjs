// The real window with no model (GONGWEN_MODEL=none) and the command line on
// the same store: the same 通知 and brief give the same 文种 skeleton in
// both, because both front ends call one drafting workflow. Run by
// scripts/test.sh.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Session, startDriver } from "./webdriver.mjs";

const app = process.env.GONGWEN_APP;
const cli = process.env.GONGWEN_CLI;
assert.ok(app, "GONGWEN_APP must name the built gongwen-app binary");
assert.ok(cli, "GONGWEN_CLI must name the built gongwen command-line binary");

const CTRL = "\uE009";
const NULL_KEY = "\uE000";
const PASSPHRASE = "无模型测试口令";
const TITLE = "关于做好冬季防火工作的通知";
const BRIEF = "12月10日前各单位完成防火检查，结果报市应急管理局。";

let driver;
let session;
let env;

before(async () => {
  // Another port than the other files' (node runs them one after another,
  // but a port may linger).
  const port = 60_000 + (process.pid % 5_000);
  const home = mkdtempSync(join(tmpdir(), "gongwen-e2e-fallback-"));
  env = { ...process.env, GONGWEN_MODEL: "none", GONGWEN_HOME: home, GONGWEN_PASSPHRASE: PASSPHRASE };
  driver = await startDriver({ port, env });
  session = await Session.create(driver.base, app);
});

after(async () => {
  await session?.delete().catch(() => {});
  driver?.stop();
});

test("with no model, the window and the command line draft the same skeleton from the same form and brief", async () => {
  await session.click("#new-doc");
  await session.click('#kind-menu li[data-kind="通知"]');
  await session.type("#field-title", TITLE);
  await session.click("#tab-draft");
  await session.type("#brief", BRIEF);
  await session.click("#generate");
  await session.until(() => session.displayed("#draft-result"), 15_000, "the skeleton");
  const result = await session.innerText("#draft-result");
  assert.match(result, /文种框架/);
  const offered = await session.execute(
    "return [...document.querySelectorAll('#draft-diff .diff-insert')].map((d) => d.textContent.slice(2)).join('\\n')",
  );
  assert.ok(offered.trim(), "a skeleton body was offered");

  // The form the window drafted from, saved, is what the CLI drafts from.
  await session.click(".cm-content");
  await session.type(".cm-content", `${CTRL}s${NULL_KEY}`);
  await session.waitForText("#save-state", (t) => /已保存 · 修订 \d+/.test(t), 10_000);
  const [draft] = JSON.parse(execFileSync(cli, ["drafts", "list", "--json"], { env }).toString());
  assert.equal(draft.title, TITLE);
  const elements = join(env.GONGWEN_HOME, "要素.json");
  writeFileSync(elements, execFileSync(cli, ["drafts", "show", String(draft.id), "--json"], { env }));
  const drafted = JSON.parse(
    execFileSync(cli, ["draft", "--kind", "通知", "--brief", BRIEF, "--from-json", elements, "--model", "none", "--json"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    }).toString(),
  );
  assert.equal(drafted.mode, "skeleton");
  const body = drafted.document.body.map((b) => (b.type === "heading" ? b.number + b.text : b.text)).join("\n");
  assert.equal(offered.trim(), body.trim());
  console.log(`the skeleton both offered:\n${body}`);
  // Both say why there is no draft, each in its own words for its source.
  assert.match(result, /不使用模型|模型/);
  assert.ok(drafted.notices.some((n) => /框架/.test(n)), JSON.stringify(drafted.notices));
});
