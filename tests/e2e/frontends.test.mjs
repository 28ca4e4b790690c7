// The real window with no model (GONGWEN_MODEL=none) and the command line,
// on the same store: the same input gives the same result in both, because
// both front ends call one workflow — the 文种 skeleton drafted from the
// same form and brief, the rule-based polish of the same text under the
// unit's ignore list, and the restore of the same backup. Run by
// scripts/test.sh.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openWindow } from "./webdriver.mjs";

const app = process.env.GONGWEN_APP;
const cli = process.env.GONGWEN_CLI;
assert.ok(app, "GONGWEN_APP must name the built gongwen-app binary");
assert.ok(cli, "GONGWEN_CLI must name the built gongwen command-line binary");

const CTRL = "\uE009";
const NULL_KEY = "\uE000";
const PASSPHRASE = "无模型测试口令";
const BACKUP_PASSPHRASE = "带去新电脑的备份口令";
const TITLE = "关于做好冬季防火工作的通知";
const BRIEF = "12月10日前各单位完成防火检查，结果报市应急管理局。";
const SELECTION = "截止2026年3月1日,共完成检查32次，布署了下一步工作。";

let session;
let close;
let env;

/** The CLI on the window's store (or on `home`), its output as text. */
const gongwen = (args, home = env.GONGWEN_HOME) =>
  execFileSync(cli, args, { env: { ...env, GONGWEN_HOME: home }, stdio: ["ignore", "pipe", "pipe"] }).toString();
const json = (args, home) => JSON.parse(gongwen(args, home));

before(async () => {
  // Another port than the other files' (node runs them one after another,
  // but a port may linger).
  const port = 60_000 + (process.pid % 5_000);
  const home = mkdtempSync(join(tmpdir(), "gongwen-e2e-frontends-"));
  env = {
    ...process.env,
    GONGWEN_MODEL: "none",
    GONGWEN_HOME: home,
    GONGWEN_PASSPHRASE: PASSPHRASE,
    GONGWEN_EXPORT_DIR: join(home, "导出"),
    GONGWEN_BACKUP_PASSPHRASE: BACKUP_PASSPHRASE,
  };
  ({ session, close } = await openWindow({ app, port, env }));
});

after(() => close?.());

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
  const [draft] = json(["drafts", "list", "--json"]);
  assert.equal(draft.title, TITLE);
  const elements = join(env.GONGWEN_HOME, "要素.json");
  writeFileSync(elements, gongwen(["drafts", "show", String(draft.id), "--json"]));
  const drafted = json(["draft", "--kind", "通知", "--brief", BRIEF, "--from-json", elements, "--model", "none", "--json"]);
  assert.equal(drafted.mode, "skeleton");
  const body = drafted.document.body.map((b) => (b.type === "heading" ? b.number + b.text : b.text)).join("\n");
  assert.equal(offered.trim(), body.trim());
  console.log(`the skeleton both offered:\n${body}`);
  // Both say why there is no draft, each in its own words for its source.
  assert.match(result, /不使用模型|模型/);
  assert.ok(drafted.notices.some((n) => /框架/.test(n)), JSON.stringify(drafted.notices));
});

test("with no model, the window and the command line polish the same text alike under the unit's ignore list", async () => {
  // The unit's ignore list, set from the command line, holds in the window
  // too: 截止 stays as written in both.
  gongwen(["terms", "add", "--ignore", "截止"]);
  await session.click(".cm-content");
  await session.type(".cm-content", `${CTRL}a${NULL_KEY}`);
  await session.type(".cm-content", SELECTION);
  await session.type(".cm-content", `${CTRL}a${NULL_KEY}`);
  await session.click("#polish");
  await session.until(() => session.displayed("#polish-result"), 15_000, "the polish suggestion");
  const shown = await session.execute(
    "return [...document.querySelector('#polish-diff').childNodes].map((n) => ({ op: n.nodeName === 'INS' ? 'insert' : n.nodeName === 'DEL' ? 'delete' : 'equal', text: n.textContent }))",
  );
  const file = join(env.GONGWEN_HOME, "所选文字.txt");
  writeFileSync(file, SELECTION);
  const polished = json(["polish", "--mode", "润色", file, "--model", "none", "--json"]);
  assert.equal(polished.mode, "rules");
  assert.deepEqual(shown, polished.ops);
  assert.match(polished.suggestion, /^截止/);
  assert.match(polished.suggestion, /部署/);
  assert.match(await session.innerText("#polish-result"), /仅校对规则/);
  console.log(`the polish both offered: ${polished.ops.map((o) => (o.op === "equal" ? o.text : o.op === "insert" ? `{+${o.text}+}` : `[-${o.text}-]`)).join("")}`);
  await session.click("#discard-polish");
});

test("a backup restored in the window and with the command line gives the same store", async () => {
  // A backup of the store as it is now (the saved notice), then a draft
  // written after it, which the restore must take away.
  const backup = join(env.GONGWEN_HOME, "备份.gwbak");
  gongwen(["backup", "create", backup]);
  const later = join(env.GONGWEN_HOME, "备份之后.txt");
  writeFileSync(later, "关于备份之后新写草稿的通知\n各处室：\n这份草稿写在备份之后。\n");
  gongwen(["drafts", "save", later, "--kind", "通知"]);
  assert.equal(json(["drafts", "list", "--json"]).length, 2);

  // The command line restores it onto another PC's new store…
  const otherPc = mkdtempSync(join(tmpdir(), "gongwen-e2e-newpc-"));
  gongwen(["backup", "restore", backup], otherPc);

  // …and the window onto its own, picked in 设置.
  await session.click("#open-settings");
  await session.until(() => session.count("#restore-file"), 10_000, "the restore control");
  await session.type("#restore-file", backup);
  await session.until(() => session.displayed("#restore-confirm"), 10_000, "the restore confirmation");
  assert.match(await session.innerText("#restore-confirm"), /含 1 份草稿/);
  await session.type("#restore-passphrase", BACKUP_PASSPHRASE);
  await session.click("#restore-go");
  // The notice fades after a while: read it as soon as it is there.
  const notice = await session.until(
    async () => ((t) => (t.startsWith("已从备份恢复") ? t : null))(await session.innerText("#notice")),
    20_000,
    "the restore notice",
  );
  assert.match(notice, /已从备份恢复：1 份草稿/);
  // What was open belonged to the replaced store: closed, not saved into this one.
  assert.match(await session.innerText("#pane-editor"), /草稿库已从备份恢复/);
  await session.click("#close-settings");

  const here = json(["drafts", "list", "--json"]);
  const there = json(["drafts", "list", "--json"], otherPc);
  assert.deepEqual(here, there);
  assert.deepEqual(here.map((d) => d.title), [TITLE]);
  const show = (home) => json(["drafts", "show", String(here[0].id), "--json"], home);
  assert.deepEqual(show(env.GONGWEN_HOME), show(otherPc));
  // Each log ends with the restore, in the same words for its source.
  const last = (home) => json(["audit", "list", "--json"], home).at(-1);
  assert.equal(last(env.GONGWEN_HOME).action, "restore-backup");
  assert.equal(last(env.GONGWEN_HOME).detail, "由所选备份文件恢复");
  assert.equal(last(otherPc).action, "restore-backup");
  assert.equal(last(otherPc).detail, `由备份文件 ${backup} 恢复`);
  for (const home of [env.GONGWEN_HOME, otherPc]) assert.match(gongwen(["audit", "verify"], home), /审计日志完整/);
});
