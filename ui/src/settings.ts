// 设置: 单位信息 (机关名称, 机关代字, 常用主送机关), 词库 (the unit's terms and
// ignore list), 模型 (which model, threads, context; an unknown file must be
// confirmed), 草稿库 (where the key is kept, backup and restore), and the
// 审计日志 with its hash chain verified. An overlay over the window, so the
// open draft is left as it is.

import type { AppConfig, Backend, ModelState, SettingsInfo, TermList } from "./backend";
import { errorMessage } from "./backend";
import { h } from "./dom";
import { localTime } from "./editor";
import { modelStatus } from "./status";

export interface SettingsHost {
  backend: Backend;
  notify(text: string, tone?: "ok" | "error"): void;
  /** The model's state now, for the 模型 section. */
  modelState(): ModelState | null;
  /** The unit profile changed (the editor offers its 常用主送机关). */
  profileChanged(recipients: string[]): void;
  /** Saves the open draft's pending changes before a restore, so the copy
   * of the replaced store has them; false if that failed. */
  beforeRestore(): Promise<boolean>;
  /** The store was replaced: what the window holds belongs to the old one. */
  storeReplaced(): void;
}

export class SettingsView {
  readonly element = h("div", { id: "settings", class: "settings", role: "dialog", "aria-label": "设置", hidden: "" });

  constructor(private host: SettingsHost) {}

  async open(): Promise<void> {
    let info: SettingsInfo;
    try {
      info = await this.host.backend.settingsInfo();
    } catch (error) {
      this.host.notify(`无法打开设置：${errorMessage(error)}`, "error");
      return;
    }
    const close = h("button", { type: "button", id: "close-settings" }, "关闭");
    close.addEventListener("click", () => (this.element.hidden = true));
    this.element.replaceChildren(
      h("div", { class: "settings-head" }, h("h2", {}, "设置"), close),
      h(
        "div",
        { class: "settings-body" },
        this.profileSection(info),
        this.termsSection(info),
        this.modelSection(info),
        this.storeSection(info),
        this.auditSection(),
      ),
    );
    this.element.hidden = false;
  }

  private profileSection(info: SettingsInfo): HTMLElement {
    const name = input("profile-name", info.profile.name, "××市人民政府办公室");
    const code = input("profile-code", info.profile.code, "×政办发");
    const recipients = h("textarea", { id: "profile-recipients", rows: "3", placeholder: "每行一个，如：各区人民政府，市政府各部门" });
    recipients.value = info.profile.recipients.join("\n");
    const save = h("button", { type: "button", id: "save-profile", class: "primary" }, "保存单位信息");
    save.addEventListener("click", async () => {
      try {
        const profile = await this.host.backend.saveProfile({
          name: name.value,
          code: code.value,
          recipients: recipients.value.split("\n"),
        });
        this.host.profileChanged(profile.recipients);
        this.host.notify("单位信息已保存：新建公文时自动填入发文机关、文号与主送机关", "ok");
      } catch (error) {
        this.host.notify(`保存失败：${errorMessage(error)}`, "error");
      }
    });
    return section(
      "单位信息",
      "新建公文时据此填写发文机关标志、署名，按机关代字取当年下一个文号，并预填常用主送机关。",
      row("机关名称", name),
      row("机关代字", code),
      row("常用主送机关", recipients),
      save,
    );
  }

  private termsSection(info: SettingsInfo): HTMLElement {
    return section(
      "词库",
      "专用词库：本单位的名称、术语，校对时不当作错别字。忽略列表：校对时不再提示的写法。",
      this.termList("custom", "专用词库", info.custom_terms),
      this.termList("ignore", "忽略列表", info.ignore_terms),
    );
  }

  private termList(list: TermList, label: string, terms: string[]): HTMLElement {
    const items = h("ul", { class: "terms", id: `terms-${list}` });
    const show = (terms: string[]) => {
      items.replaceChildren(
        ...terms.map((term) => {
          const remove = h("button", { type: "button", class: "link", "data-term": term }, "删除");
          remove.addEventListener("click", async () => {
            try {
              show(await this.host.backend.removeTerm(list, term));
            } catch (error) {
              this.host.notify(errorMessage(error), "error");
            }
          });
          return h("li", {}, term, " ", remove);
        }),
      );
    };
    show(terms);
    const field = input(`term-${list}`, "", "输入词语");
    const add = h("button", { type: "button", id: `add-${list}` }, "添加");
    add.addEventListener("click", async () => {
      try {
        show(await this.host.backend.addTerm(list, field.value));
        field.value = "";
      } catch (error) {
        this.host.notify(errorMessage(error), "error");
      }
    });
    return h("div", { class: "term-list" }, h("h4", {}, label), items, h("div", { class: "row" }, field, add));
  }

  private modelSection(info: SettingsInfo): HTMLElement {
    const state = this.host.modelState();
    const status = h("p", { id: "settings-model-status" }, state ? `${modelStatus(state).text}（${modelStatus(state).detail}）` : "");
    const choices = h("div", { class: "model-choices" });
    const known = new Set(info.models.map((m) => m.name));
    const other = input("model-path", known.has(info.config.model) ? "" : info.config.model, "/路径/模型文件.gguf");
    for (const m of info.models) {
      const radio = h("input", { type: "radio", name: "model", value: m.name, id: `model-${m.name}` });
      radio.checked = info.config.model === m.name;
      choices.append(
        h(
          "label",
          { class: "choice" },
          radio,
          ` ${m.display_name}（${(m.size_bytes / 1e9).toFixed(2)} GB）`,
          h("span", { class: m.present ? "ok" : "muted" }, m.present ? " · 已安装，加载时核对 SHA-256" : " · 未安装"),
        ),
      );
    }
    const otherRadio = h("input", { type: "radio", name: "model", value: "", id: "model-other" });
    otherRadio.checked = !known.has(info.config.model);
    const confirm = h("input", { type: "checkbox", id: "model-confirm" });
    confirm.checked = info.config.allow_unregistered;
    choices.append(
      h("label", { class: "choice" }, otherRadio, " 其他模型文件：", other),
      h("label", { class: "choice warn" }, confirm, " 我确认使用此文件（不在已知模型清单中，无法核对来源；其 SHA-256 将记入审计日志）"),
    );
    const threads = input("model-threads", info.config.threads?.toString() ?? "", "默认：物理核心数");
    threads.type = "number";
    const context = input("model-context", info.config.context?.toString() ?? "", "默认：4096");
    context.type = "number";
    const save = h("button", { type: "button", id: "save-model", class: "primary" }, "保存模型设置");
    save.addEventListener("click", async () => {
      const chosen = this.element.querySelector<HTMLInputElement>('input[name="model"]:checked');
      const config: AppConfig = {
        model: chosen && chosen.value ? chosen.value : other.value.trim(),
        allow_unregistered: confirm.checked,
        threads: threads.value ? Number(threads.value) : null,
        context: context.value ? Number(context.value) : null,
      };
      try {
        await this.host.backend.saveModelConfig(config);
        this.host.notify("模型设置已保存，下次启动公文助手时生效", "ok");
      } catch (error) {
        this.host.notify(errorMessage(error), "error");
      }
    });
    return section(
      "模型",
      info.model_from_env
        ? `当前由环境变量 GONGWEN_MODEL=${info.model_from_env} 指定，优先于此处设置。`
        : "模型在启动时于后台加载并核对 SHA-256；加载期间及未安装模型时，其他功能照常可用。",
      status,
      choices,
      row("线程数", threads),
      row("上下文长度", context),
      save,
    );
  }

  private storeSection(info: SettingsInfo): HTMLElement {
    // A backup leaves the machine: it gets its own passphrase, the only
    // thing needed to restore it on another PC.
    const backupFirst = h("input", { type: "password", id: "backup-passphrase", placeholder: "备份口令（至少 8 个字符）", autocomplete: "off" });
    const backupSecond = h("input", { type: "password", id: "backup-passphrase-again", placeholder: "再输入一次", autocomplete: "off" });
    const backup = h("button", { type: "button", id: "create-backup" }, "立即备份");
    backup.addEventListener("click", async () => {
      if ([...backupFirst.value].length < 8) {
        this.host.notify("备份口令至少需要 8 个字符：备份文件会离开这台电脑，口令是它唯一的保护", "error");
        return;
      }
      if (backupFirst.value !== backupSecond.value) {
        this.host.notify("两次输入的备份口令不一致", "error");
        return;
      }
      try {
        const done = await this.host.backend.createBackup(backupFirst.value);
        backupFirst.value = "";
        backupSecond.value = "";
        this.host.notify(`已备份到 ${done.path}（${done.drafts} 份草稿，${done.revisions} 个修订，已读回校验）。恢复时需要这次设定的备份口令`, "ok");
      } catch (error) {
        this.host.notify(`备份失败：${errorMessage(error)}`, "error");
      }
    });
    // The native file control speaks the system's language; ours speaks Chinese.
    const file = h("input", { type: "file", id: "restore-file", accept: ".gwbak,.db", hidden: "" });
    const pick = h("button", { type: "button", id: "pick-backup" }, "选择备份文件…");
    pick.addEventListener("click", () => file.click());
    const confirmBox = h("div", { id: "restore-confirm", class: "suggestion", hidden: "" });
    const close = () => {
      confirmBox.hidden = true;
      confirmBox.replaceChildren();
      file.value = "";
    };
    file.addEventListener("change", async () => {
      const chosen = file.files?.[0];
      if (!chosen) return;
      const bytes = new Uint8Array(await chosen.arrayBuffer());
      const about = backupHeader(bytes);
      const passphrase = h("input", { type: "password", id: "restore-passphrase", placeholder: "制作备份时设定的备份口令", autocomplete: "off" });
      const go = h("button", { type: "button", id: "restore-go", class: "primary" }, "确认恢复");
      const cancel = h("button", { type: "button", id: "restore-cancel" }, "取消");
      cancel.addEventListener("click", close);
      go.addEventListener("click", async () => {
        if (!(await this.host.beforeRestore())) {
          this.host.notify("当前草稿未能保存，没有恢复。请先处理保存问题", "error");
          return;
        }
        try {
          const done = await this.host.backend.restoreBackup(bytes, about ? passphrase.value : "");
          // Before anything can autosave the old store's draft into the new one.
          this.host.storeReplaced();
          const kept = done.safety_copy ? `；恢复前的草稿库已另存为 ${done.safety_copy}` : "";
          const restored = `已从备份恢复：${done.drafts} 份草稿，${done.revisions} 个修订${kept}`;
          // The restore took either way; a log that missed it is said plainly.
          this.host.notify(done.warning ? `${restored}。注意：${done.warning}` : restored, done.warning ? "error" : "ok");
          close();
        } catch (error) {
          // A mistyped passphrase can be typed again; the store is untouched.
          this.host.notify(`恢复失败（当前草稿库未改动）：${errorMessage(error)}`, "error");
        }
      });
      const what = about
        ? `这份备份制作于 ${localTime(about.created)}，含 ${about.drafts} 份草稿、${about.revisions} 个修订。`
        : "这是旧版本的备份文件，只能用当前草稿库的密钥打开。";
      confirmBox.replaceChildren(
        h("p", {}, `将用“${chosen.name}”替换当前草稿库。${what}`),
        h("p", { class: "warning" }, "当前草稿库中的全部草稿（包括备份之后新写或修改的）都会被替换；替换前，当前草稿库会在原文件夹另存一份，需要时可再恢复。备份先经校验，校验不通过则不做任何改动。"),
        ...(about ? [row("备份口令", passphrase)] : []),
        h("div", { class: "row" }, go, cancel),
      );
      confirmBox.hidden = false;
    });
    const keyBox = this.keySection(info.key_source);
    return section(
      "草稿库",
      `草稿库以 SQLCipher 加密保存在 ${info.data_dir}。密钥保存在：${info.key_source ?? "（未设置）"}。备份文件用备份口令加密，保存到 ${info.export_dir}；换了电脑，只凭备份口令即可恢复。`,
      h("div", { class: "row" }, backupFirst, backupSecond, backup),
      row("从备份恢复", h("span", {}, pick, file)),
      confirmBox,
      keyBox,
    );
  }

  /** 改用口令 / 更换口令 / 改用系统密钥环: the store is re-encrypted. */
  private keySection(source: string | null): HTMLElement {
    const box = h("div", { class: "key-box", id: "key-box" });
    const first = h("input", { type: "password", id: "new-passphrase", placeholder: "新口令（至少 8 个字符）", autocomplete: "off" });
    const second = h("input", { type: "password", id: "new-passphrase-again", placeholder: "再输入一次", autocomplete: "off" });
    const change = async (passphrase: string | null) => {
      try {
        const now = await this.host.backend.changeKeySource(passphrase);
        first.value = "";
        second.value = "";
        this.host.notify(`已重新加密草稿库，密钥保存在：${now}`, "ok");
        box.replaceWith(this.keySection(now));
      } catch (error) {
        this.host.notify(`未能更改（草稿库未改动）：${errorMessage(error)}`, "error");
      }
    };
    const usePassphrase = h("button", { type: "button", id: "use-passphrase" }, source === "口令" ? "更换口令" : "改用口令保护");
    usePassphrase.addEventListener("click", () => {
      if (first.value !== second.value) {
        this.host.notify("两次输入的口令不一致", "error");
        return;
      }
      void change(first.value);
    });
    const children: HTMLElement[] = [h("h4", {}, `密钥：${source ?? "未设置"}`), h("div", { class: "row" }, first, second, usePassphrase)];
    if (source !== "系统密钥环") {
      const useKeyring = h("button", { type: "button", id: "use-keyring" }, "改用系统密钥环");
      useKeyring.addEventListener("click", () => void change(null));
      children.push(h("div", { class: "row" }, useKeyring, h("span", { class: "hint" }, "密钥存入系统密钥环后，启动时无需输入口令")));
    }
    box.replaceChildren(...children);
    return box;
  }

  private auditSection(): HTMLElement {
    const result = h("div", { id: "audit-result" });
    const load = h("button", { type: "button", id: "load-audit" }, "查看并校验");
    load.addEventListener("click", async () => {
      try {
        const view = await this.host.backend.auditLog();
        const verdict = h(
          "p",
          { id: "audit-verdict", class: view.broken ? "error" : "ok" },
          view.broken ? `校验失败：${view.broken}` : `共 ${view.verified} 条，哈希链完整，末尾与库外记录一致`,
        );
        const rollbacks = view.rollbacks.map((r) => h("p", { class: "warning rollback" }, r));
        const table = h("table", { class: "tasks", id: "audit-table" });
        table.append(h("thead", {}, h("tr", {}, h("th", {}, "时间"), h("th", {}, "操作"), h("th", {}, "内容"))));
        const body = h("tbody");
        for (const e of view.entries) body.append(h("tr", {}, h("td", {}, localTime(e.at)), h("td", {}, e.action), h("td", {}, e.detail)));
        table.append(body);
        const more = view.total > view.entries.length ? [h("p", { class: "hint" }, `仅显示最近 ${view.entries.length} 条`)] : [];
        result.replaceChildren(verdict, ...rollbacks, table, ...more);
      } catch (error) {
        this.host.notify(errorMessage(error), "error");
      }
    });
    return section("审计日志", "保存、导出、恢复、加载模型等操作按时间记录，每条与前一条以 SHA-256 串联；最后一条的位置另记在草稿库之外。中间的改动、删除和末尾的缺失都能被发现；从备份恢复造成的回退会注明。持有密钥并能同时改写这两处文件的人除外。", h("div", { class: "row" }, load), result);
  }
}

/** What a backup says about itself in its plain header line (written by
 * the store: `GONGWEN-BACKUP/2 {json}`); null for an old-format file. */
export function backupHeader(bytes: Uint8Array): { drafts: number; revisions: number; created: string } | null {
  const magic = "GONGWEN-BACKUP/2 ";
  const end = bytes.subarray(0, 8192).indexOf(10);
  if (end < 0) return null;
  const line = new TextDecoder().decode(bytes.subarray(0, end));
  if (!line.startsWith(magic)) return null;
  try {
    const header = JSON.parse(line.slice(magic.length)) as { drafts: number; revisions: number; created: string };
    return { drafts: header.drafts, revisions: header.revisions, created: header.created };
  } catch {
    return null;
  }
}

function section(title: string, hint: string, ...children: HTMLElement[]): HTMLElement {
  return h("section", { class: "settings-section" }, h("h3", {}, title), h("p", { class: "hint" }, hint), ...children);
}

function row(label: string, control: HTMLElement): HTMLElement {
  return h("label", { class: "settings-row" }, h("span", { class: "field-label" }, label), control);
}

function input(id: string, value: string, placeholder: string): HTMLInputElement {
  const el = h("input", { id, type: "text", placeholder, autocomplete: "off" });
  el.value = value;
  return el;
}
