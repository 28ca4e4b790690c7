// A minimal W3C WebDriver client over Node's built-in fetch, for talking to
// tauri-driver on loopback. No npm dependencies: the test needs a handful of
// endpoints, and nothing here may reach beyond 127.0.0.1.

import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

// The W3C web element identifier.
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/**
 * Starts tauri-driver on `port` (and WebKitWebDriver on `port + 1`) in its
 * own process group, so that stopping it also ends WebKitWebDriver and the app.
 */
export async function startDriver({ port, env }) {
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(port + 1)], {
    env,
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-driver.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (driver.exitCode !== null) throw new Error(`tauri-driver exited with ${driver.exitCode}`);
    try {
      const res = await fetch(`${base}/status`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error("tauri-driver did not start within 30 s");
    }
    await sleep(200);
  }
  return { base, stop };
}

/**
 * The app's window under its own tauri-driver on `port`, run with `env`:
 * the WebDriver session, and `close()` for the test file's `after`.
 */
export async function openWindow({ app, port, env }) {
  const driver = await startDriver({ port, env });
  try {
    const session = await Session.create(driver.base, app);
    const close = async () => {
      await session.delete().catch(() => {});
      driver.stop();
    };
    return { session, close };
  } catch (error) {
    driver.stop();
    throw error;
  }
}

async function call(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok || json.value?.error) {
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value)}`);
  }
  return json.value;
}

export class Session {
  static async create(base, application) {
    const value = await call(base, "POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application } } },
    });
    const session = new Session(base, value.sessionId);
    // The UI renders asynchronously after the page loads: let element
    // look-ups wait for it.
    await session.cmd("POST", "/timeouts", { implicit: 10_000 });
    return session;
  }

  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  title() {
    return this.cmd("GET", "/title");
  }

  async find(css) {
    const value = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return value[ELEMENT];
  }

  async text(css) {
    return this.cmd("GET", `/element/${await this.find(css)}/text`);
  }

  async displayed(css) {
    return this.cmd("GET", `/element/${await this.find(css)}/displayed`);
  }

  async click(css) {
    await this.cmd("POST", `/element/${await this.find(css)}/click`, {});
  }

  async type(css, text) {
    await this.cmd("POST", `/element/${await this.find(css)}/value`, { text });
  }

  /** Polls `css`'s text until `predicate` holds and returns it; on timeout
   * returns the last text read (the caller's assertion says what was wrong). */
  async waitForText(css, predicate, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    for (;;) {
      try {
        last = await this.text(css);
        if (predicate(last)) return last;
      } catch {
        // element not rendered yet
      }
      if (Date.now() > deadline) return last;
      await sleep(250);
    }
  }

  /** Runs `script` (a function body) in the page and returns its value. */
  execute(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** The element's innerText. WebDriver's own text leaves out text it thinks
   * is clipped (text-overflow: ellipsis), which the user still sees. */
  innerText(css) {
    return this.execute("return document.querySelector(arguments[0])?.innerText ?? ''", [css]);
  }

  /** Runs `script` asynchronously: it calls its last argument with the result. */
  executeAsync(script, args = []) {
    return this.cmd("POST", "/execute/async", { script, args });
  }

  async attribute(css, name) {
    return this.cmd("GET", `/element/${await this.find(css)}/attribute/${name}`);
  }

  async property(css, name) {
    return this.cmd("GET", `/element/${await this.find(css)}/property/${name}`);
  }

  async clear(css) {
    await this.cmd("POST", `/element/${await this.find(css)}/clear`, {});
  }

  async count(css) {
    const found = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return found.length;
  }

  /** Polls until `predicate()` resolves truthy; returns its last value. */
  async until(predicate, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let value;
      try {
        value = await predicate();
      } catch {
        value = undefined;
      }
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(200);
    }
  }

  async screenshotPng() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  delete() {
    return call(this.base, "DELETE", `/session/${this.id}`);
  }
}
