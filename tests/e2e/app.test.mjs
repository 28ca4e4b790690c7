// Starts the real 公文助手 binary under Xvfb and drives its window over
// WebDriver (tauri-driver + WebKitWebDriver): a civil servant's day in one
// run, with the small test model. Set the unit profile, create a 通知, let
// the model draft the body (streaming; 停止), accept it, plant a typo and
// accept the fix, save revisions, survive a crash of the model worker,
// preview, summarize and follow a citation, export a .docx and import it
// back, close the window right after typing (by the session's end signal),
// quit, restart, and find the drafts, their history and the last words there.
// Screenshots go to $GONGWEN_E2E_OUT; the cold start is printed.
// Run by scripts/test.sh.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, test } from "node:test";
import { Session, startDriver } from "./webdriver.mjs";

const app = process.env.GONGWEN_APP;
const cli = process.env.GONGWEN_CLI;
const out = process.env.GONGWEN_E2E_OUT;
assert.ok(app, "GONGWEN_APP must name the built gongwen-app binary");
assert.ok(cli, "GONGWEN_CLI must name the built gongwen command-line binary");
assert.ok(out, "GONGWEN_E2E_OUT must name a folder for screenshots");

const CTRL = "\uE009";
const NULL_KEY = "\uE000";
const ENTER = "\uE007";
const TITLE = "关于做好2026年冬季安全生产工作的通知";
const ISSUER = "××市人民政府办公室";

let driver;
let session;
let home;
const exportDir = mkdtempSync(join(tmpdir(), "gongwen-e2e-export-"));
const PASSPHRASE = "端到端测试口令";
/** Where the window exported the notice. */
let exported;
const startups = [];

async function launch() {
  const t0 = Date.now();
  session = await Session.create(driver.base, app);
  const ms = await session.until(() => session.attribute("#app", "data-startup-ms"), 30_000, "the window to report it is ready");
  startups.push({ app: Number(ms), webdriver: Date.now() - t0 });
}

async function shot(name) {
  mkdirSync(out, { recursive: true });
  const png = await session.screenshotPng();
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  const file = join(out, `${name}.png`);
  writeFileSync(file, png);
  console.log(`screenshot: ${file} (${png.length} bytes)`);
}

/** Frame intervals over 1.5 s: how smoothly the window draws. */
const frameGaps = () =>
  session.executeAsync(
    "const done = arguments[arguments.length - 1]; const gaps = []; let last = performance.now(); const end = last + 1500;" +
      "const tick = (t) => { gaps.push(t - last); last = t; if (t < end) requestAnimationFrame(tick); else done(gaps); };" +
      "requestAnimationFrame(tick);",
  );
let idleFrames;

// The body's text; an empty editor shows a placeholder, which is not text.
const bodyText = () =>
  session.execute("const c = document.querySelector('.cm-content'); return c.querySelector('.cm-placeholder') ? '' : c.innerText");

before(async () => {
  // A port unlikely to clash with another run on the same machine.
  const port = 20_000 + (process.pid % 20_000);
  // A fresh encrypted draft store, unlocked by passphrase as in headless use.
  home = mkdtempSync(join(tmpdir(), "gongwen-e2e-"));
  const env = {
    ...process.env,
    GONGWEN_MODEL: "test",
    GONGWEN_HOME: home,
    GONGWEN_PASSPHRASE: PASSPHRASE,
    GONGWEN_EXPORT_DIR: exportDir,
  };
  driver = await startDriver({ port, env });
  await launch();
});

after(async () => {
  await session?.delete().catch(() => {});
  driver?.stop();
  if (startups.length) console.log(`cold start (process start → interactive window): ${startups.map((s) => `${s.app} ms`).join(", ")}`);
});

test("the window opens with its panes and an honest status bar", async () => {
  assert.equal(await session.title(), "公文助手");
  assert.match(await session.text("#pane-drafts"), /还没有草稿/);
  assert.match(await session.text("#pane-editor"), /未打开公文/);
  assert.match(await session.text("#pane-tools"), /校对/);
  assert.equal(await session.text("#status-offline"), "离线");
  assert.equal(await session.text("#status-storage"), "已加密");
  await shot("01-empty-window");
});

test("the model loads in the background and the status bar says so", async () => {
  const status = await session.waitForText("#status-model", (t) => t === "模型：就绪" || t.includes("不可用"), 60_000);
  assert.equal(status, "模型：就绪");
  // The detail names the CPU level of the kernels the worker runs.
  assert.match(await session.attribute("#status-model", "title"), /CPU 指令集 x86-64-v[234]/);
});

test("设置: the unit profile is saved, and the audit log verifies", async () => {
  // The model is loaded and idle: the reference for smoothness later.
  idleFrames = await frameGaps();
  await session.click("#open-settings");
  await session.type("#profile-name", ISSUER);
  await session.type("#profile-code", "×政办发");
  await session.type("#profile-recipients", "各区人民政府，市政府各部门");
  await session.click("#save-profile");
  await session.until(async () => (await session.innerText("#notice")).includes("单位信息已保存"), 5_000, "the profile saved");
  await session.click("#load-audit");
  const verdict = await session.until(async () => {
    const text = await session.innerText("#audit-verdict");
    return text && text;
  }, 5_000, "the audit verdict");
  assert.match(verdict, /哈希链完整/);
  assert.match(await session.innerText("#audit-table"), /model-loaded/);
  await shot("02-settings");
  await session.click("#close-settings");
});

test("新建 通知 opens its element form", async () => {
  await session.click("#new-doc");
  assert.equal(await session.displayed("#kind-menu"), true);
  assert.equal(await session.text("#kind-menu li:nth-child(8)"), "通知");
  await session.click('#kind-menu li[data-kind="通知"]');
  assert.equal(await session.text("#doc-kind"), "通知");
  assert.equal(await session.displayed("#kind-menu"), false);
  // 签发人 belongs to 上行文: a 通知's form does not show it.
  assert.equal(await session.displayed("#field-signers"), false);
  assert.match(await session.property("#field-date", "value"), /^\d{4}年\d{1,2}月\d{1,2}日$/);
  // Prefilled from the unit profile, with the unit's first 文号 of the year.
  assert.equal(await session.property("#field-issuer", "value"), `${ISSUER}文件`);
  assert.match(await session.property("#field-doc_number", "value"), /^×政办发〔\d{4}〕1号$/);
  assert.equal(await session.property("#field-recipients", "value"), "各区人民政府，市政府各部门");
  assert.equal(await session.property("#field-signature", "value"), ISSUER);
});

test("elements filled; the model drafts the body, streaming, and 停止 stops it", async () => {
  await session.type("#field-title", TITLE);
  await session.click("#tab-draft");
  // The example documents the model writes from, ticked; the unit has none
  // of its own yet, so the built-in 范文 serve.
  await session.until(() => session.count("#draft-examples li").then((n) => n >= 2), 10_000, "the examples offered");
  assert.match(await session.innerText("#draft-examples"), /内置范文/);
  await session.type("#brief", "12月10日前各单位完成冬季安全生产自查，重点检查消防和燃气安全，结果报市政府办公室。");
  // The small test model sometimes ends its answer within a token or two:
  // then the draft is set aside and asked for again, until 停止 can be
  // pressed while it still writes.
  let stoppedAt;
  for (let attempt = 1; !stoppedAt; attempt++) {
    assert.ok(attempt <= 5, "the model kept finishing before 停止 could be pressed");
    await session.click("#generate");
    // It streams: text shows while the job runs.
    await session.until(async () => (await session.innerText("#draft-stream")).length > 0, 90_000, "the first streamed text");
    if (attempt === 1) await shot("03-ai-draft-streaming");
    const pressed = Date.now();
    const clicked = await session.click("#stop").then(
      () => true,
      () => false,
    );
    if (clicked) {
      stoppedAt = pressed;
    } else {
      await session.until(() => session.displayed("#discard-draft"), 15_000, "the finished draft");
      await session.click("#discard-draft");
    }
  }
  // 停止 ends it at once (a whole answer would take a minute or more).
  await session.until(() => session.displayed("#draft-result"), 15_000, "the suggestion after 停止");
  const speed = await session.innerText("#draft-speed");
  console.log(`停止 took effect in ${Date.now() - stoppedAt} ms; ${speed}`);
  assert.match(speed, /词元/);
  assert.equal(await session.displayed("#stop"), false);
  // What is offered is the body the checks kept; nothing is applied yet.
  assert.match(await session.innerText("#draft-result"), /建议正文|文种框架/);
  if ((await session.count("#draft-used")) > 0) assert.match(await session.innerText("#draft-used"), /参考范文/);
  assert.equal((await bodyText()).trim(), "");
  const offered = await session.execute(
    "return [...document.querySelectorAll('#draft-diff .diff-insert')].map((d) => d.textContent.slice(2)).join('\\n')",
  );
  // The result may run below the panel's fold (补入、删去 lists): the user
  // scrolls the panel, so does the test.
  await session.execute("document.querySelector('#accept-draft').scrollIntoView({ block: 'center' })");
  await session.click("#accept-draft");
  await session.until(async () => (await bodyText()).trim() === offered.trim(), 5_000, "the accepted draft in the body");
});

test("a planted typo is marked in place and the fix accepted", async () => {
  await session.click("#tab-proofread");
  // The model's text makes way for the document's real body (select all, delete).
  await session.click(".cm-content");
  await session.type(".cm-content", `${CTRL}a${NULL_KEY}\uE017`);
  await session.type(
    ".cm-content",
    `为切实做好冬季安全生产工作，现将有关事项通知如下：${ENTER}一、压实工作责任${ENTER}各单位要认真落实工作布署，于12月10日前完成自查。`,
  );
  await session.until(() => session.count(".cm-content .finding").then((n) => n > 0), 15_000, "the typo to be marked");
  const item = '#panel-proofread .finding-item[data-original="布署"]';
  await session.until(() => session.count(item).then((n) => n === 1), 10_000, "the typo in the findings panel");
  assert.match(await session.innerText(item), /部署/);
  await shot("04-editor-with-finding");
  await session.click(`${item} [data-action="accept"]`);
  const fixed = await session.until(async () => (await bodyText()).includes("落实工作部署") && (await bodyText()), 5_000, "the fix in the body");
  assert.doesNotMatch(fixed, /布署/);
  await session.until(async () => (await session.count(item)) === 0, 10_000, "the finding to go");
});

test("the model's spelling pass follows the rules in the background, and typing goes on meanwhile", async () => {
  await session.waitForText("#model-pass", (t) => t.startsWith("模型校对"), 20_000);
  const typed = Date.now();
  await session.type(".cm-content", "，并书面报告");
  const typingMs = Date.now() - typed;
  assert.match(await bodyText(), /并书面报告/);
  const done = await session.waitForText("#model-pass", (t) => /^模型校对完成（\d+ 段）$/.test(t), 120_000);
  const suggested = await session.count('#panel-proofread .finding-item[data-rule="typo.model"]');
  console.log(`model spelling pass: ${done}; ${suggested} suggestions; typing 6 characters meanwhile took ${typingMs} ms over WebDriver`);
  assert.match(done, /模型校对完成（3 段）/);
});

test("Ctrl+S saves a revision; a second edit saves another", async () => {
  await session.type(".cm-content", `${CTRL}s${NULL_KEY}`);
  const first = await session.waitForText("#save-state", (t) => /已保存 · 修订 \d+/.test(t), 10_000);
  assert.match(first, /已保存 · 修订 \d+/);
  await session.until(async () => (await session.innerText("#draft-list")).includes(TITLE), 5_000, "the draft in the list");
  await session.type(".cm-content", `${ENTER}二、加强隐患排查`);
  await session.type(".cm-content", `${CTRL}s${NULL_KEY}`);
  const second = await session.waitForText("#save-state", (t) => t !== first && /已保存 · 修订 \d+/.test(t), 10_000);
  assert.notEqual(second, first);
  await session.click("#show-history");
  await session.until(() => session.count("#history-list li").then((n) => n >= 2), 10_000, "revisions in the history");
  await session.click("#history-list li:nth-child(2) button");
  const diff = await session.waitForText("#revision-diff", (t) => t.includes("+ 二、加强隐患排查"), 10_000);
  assert.match(diff, /\+ 二、加强隐患排查/);
  await shot("05-history");
  // 历史 toggles the panel (its own 关闭 may sit under the sticky toolbar).
  await session.click("#show-history");
});

test("a crash of the model worker mid-draft: a plain notice, every typed character kept, the model back", async () => {
  const before = await bodyText();
  await session.click("#tab-draft");
  let killed = false;
  for (let attempt = 1; !killed; attempt++) {
    assert.ok(attempt <= 5, "the model kept finishing before the worker could be killed");
    await session.click("#generate");
    await session.until(async () => (await session.innerText("#draft-stream")).length > 0, 90_000, "the first streamed text");
    if (await session.displayed("#stop")) {
      // What a llama.cpp abort() does to the worker.
      execFileSync("pkill", ["-KILL", "-f", "gongwen-app engine-worker"]);
      killed = true;
    }
    await session.until(() => session.displayed("#discard-draft"), 30_000, "the job's end");
    if (killed) {
      const result = await session.innerText("#draft-result");
      console.log(`after the worker was killed: ${result.split("\n").slice(0, 2).join(" / ")}`);
      assert.match(result, /模型不可用|模型进程|重新/);
    }
    await session.click("#discard-draft");
  }
  assert.equal(await bodyText(), before);
  // The engine starts a new worker and loads the model again.
  const status = await session.waitForText("#status-model", (t) => t === "模型：就绪", 60_000);
  assert.equal(status, "模型：就绪");
  await session.click("#tab-proofread");
});

test("版式预览 shows the pages as the export lays them out", async () => {
  await session.click("#tab-preview");
  const summary = await session.until(async () => {
    const text = await session.innerText("#preview-summary");
    return /^共 \d+ 页$/.test(text) && text;
  }, 10_000, "the preview");
  assert.match(summary, /共 1 页/);
  assert.match(await session.innerText(".page"), new RegExp(TITLE.slice(0, 8)));
  await shot("06-preview");
});

test("摘要 cites its paragraphs, and a citation shows its source", async () => {
  await session.click("#tab-summary");
  await session.click("#summarize");
  // The window stays responsive while the model works: typing lands, and
  // frames keep coming (the longest gap between two frames is reported).
  const typed = Date.now();
  await session.type("#field-note", "联系人：王明，电话：12345678");
  const typingMs = Date.now() - typed;
  const gaps = await frameGaps();
  const running = await session.displayed("#summary-stop");
  console.log(
    `while the model summarizes (${running ? "still running" : "finished"}): typing 21 characters took ${typingMs} ms over WebDriver; ` +
      `${gaps.length} frames in 1.5 s, longest gap ${Math.max(...gaps).toFixed(0)} ms ` +
      `(idle: ${idleFrames.length} frames, longest ${Math.max(...idleFrames).toFixed(0)} ms)`,
  );
  assert.equal(await session.property("#field-note", "value"), "联系人：王明，电话：12345678");
  await session.until(() => session.count("#summary-mode"), 180_000, "the summary");
  const points = await session.count("#summary-points li");
  const tasks = await session.count("#tasks-table tbody tr");
  console.log(`summary: ${await session.innerText("#summary-mode")}; ${tasks} tasks`);
  assert.ok(points > 0, "at least one point");
  // The deadline sentence is a task: 任务 / 时限 / 责任单位.
  assert.match(await session.innerText("#tasks-table"), /12月10日前/);
  const cite = await session.execute(
    "const b = document.querySelector('#summary-points li button.cite'); b.click(); return b.dataset.paragraph + ' ' + b.title",
  );
  console.log(`citation followed: 段${cite}`);
  await session.until(
    async () => (await session.count(".cm-line.cm-cited")) > 0 || (await session.count(".field-row.cited")) > 0,
    5_000,
    "the cited source highlighted",
  );
  await shot("07-summary");
  await session.click("#tab-proofread");
});

test("export writes a GB/T 9704 .docx that imports back with the same text", async () => {
  await session.click("#export-docx");
  const notice = await session.until(async () => {
    const text = await session.innerText("#notice");
    return text.startsWith("已导出到") && text;
  }, 20_000, "the export notice");
  const path = notice.replace(/^已导出到\s*/, "").trim();
  assert.ok(path.startsWith(exportDir), path);
  assert.ok(existsSync(path), `${path} exists`);
  exported = path;
  await session.type("#import-file", path);
  await session.until(async () => (await session.innerText("#notice")).startsWith("已导入"), 30_000, "the import notice");
  assert.equal(await session.property("#field-title", "value"), TITLE);
  assert.equal(await session.property("#field-recipients", "value"), "各区人民政府，市政府各部门");
  const body = await bodyText();
  assert.match(body, /各单位要认真落实工作部署，于12月10日前完成自查。/);
  assert.match(body, /二、加强隐患排查/);
  // The import is a draft of its own now: two in the list.
  await session.until(() => session.count("#draft-list li").then((n) => n === 2), 10_000, "the imported draft in the list");
});

test("the command line, on the window's store, exports the same notice to the same pages and logs it alike", async () => {
  // Both front ends are adapters over one application layer: the same
  // draft must come out the same, whichever of them the user runs.
  const env = { ...process.env, GONGWEN_HOME: home, GONGWEN_PASSPHRASE: PASSPHRASE };
  const drafts = JSON.parse(execFileSync(cli, ["drafts", "list", "--json"], { env }).toString());
  // The notice the window wrote is the first draft of that title (its
  // import above is a later one).
  const [notice] = drafts.filter((d) => d.title === TITLE).sort((a, b) => a.id - b.id);
  assert.ok(notice, `the notice among ${JSON.stringify(drafts)}`);
  const byCli = join(exportDir, "命令行导出.docx");
  execFileSync(cli, ["export", String(notice.id), "-o", byCli], { env });
  const documentXml = (file) =>
    execFileSync("python3", ["-c", "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('word/document.xml').decode())", file]).toString();
  assert.ok(exported, "the window's export above");
  assert.equal(documentXml(byCli), documentXml(exported));
  const log = JSON.parse(execFileSync(cli, ["audit", "list", "--json"], { env }).toString());
  const exports = log.filter((e) => e.action === "export").map((e) => e.detail);
  assert.deepEqual(exports.slice(-2), [
    `导出草稿 ${notice.id} 《${TITLE}》到 ${exported}`,
    `导出草稿 ${notice.id} 《${TITLE}》到 ${byCli}`,
  ]);
});

/** The window's process (not its model worker, not WebKit's helpers). */
function appPid() {
  const exe = realpathSync(app);
  const pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((pid) => {
    try {
      return (
        readlinkSync(`/proc/${pid}/exe`) === exe &&
        !readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("engine-worker") &&
        readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`GONGWEN_HOME=${home}`)
      );
    } catch {
      return false; // gone, or not ours to read
    }
  });
  assert.equal(pids.length, 1, `one app process for ${home}: ${pids}`);
  return Number(pids[0]);
}

test("the window closed right after typing (logout's SIGTERM) saves the last words first", async () => {
  const words = "关窗前最后输入的一句";
  await session.type(".cm-content", `${ENTER}${words}`);
  // Typed well inside the 3 s autosave delay: not saved yet.
  assert.equal(await session.attribute("#save-state", "data-state"), "dirty");
  const pid = appPid();
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 25_000;
  while (existsSync(`/proc/${pid}`)) {
    assert.ok(Date.now() < deadline, "the app did not close within 25 s of SIGTERM");
    await sleep(100);
  }
  await session.delete().catch(() => {});
  await launch();
  await session.until(() => session.count("#draft-list li").then((n) => n === 2), 15_000, "both drafts listed");
  // The edited draft is the newest: first in the list.
  await session.click("#draft-list li:nth-child(1)");
  await session.until(async () => (await bodyText()).includes(words), 10_000, "the last words in the reopened draft");
});

test("after quitting and restarting, the draft and its revisions are still there", async () => {
  await session.delete();
  await launch();
  assert.equal(await session.text("#status-storage"), "已加密");
  await session.until(() => session.count("#draft-list li").then((n) => n === 2), 15_000, "both drafts listed");
  assert.match(await session.innerText("#draft-list"), new RegExp(TITLE));
  // The list is newest first: the original draft is the second.
  await session.click("#draft-list li:nth-child(2)");
  await session.until(async () => (await session.property("#field-title", "value")) === TITLE, 10_000, "the draft to open");
  assert.match(await bodyText(), /二、加强隐患排查/);
  await session.click("#show-history");
  await session.until(() => session.count("#history-list li").then((n) => n >= 2), 10_000, "its revisions");
  // 历史 toggles the panel (its own 关闭 may sit under the sticky toolbar).
  await session.click("#show-history");
  // Full-text search finds it by a phrase of its body.
  await session.type("#draft-search", "隐患排查");
  await session.until(() => session.count("#draft-list li").then((n) => n >= 1), 5_000, "a search hit");
  await shot("08-reopened-draft");
});
