import { beforeEach, describe, expect, it, vi } from "vitest";
import { mountApp } from "../src/app";
import { FakeBackend } from "../src/backend/fake";
import { appInfo } from "./fixtures";

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const text = (selector: string) => document.querySelector(selector)?.textContent ?? "";

function fill(selector: string, value: string): void {
  $<HTMLInputElement>(selector).value = value;
}

describe("设置", () => {
  let backend: FakeBackend;

  beforeEach(async () => {
    document.body.innerHTML = '<div id="app"></div>';
    backend = new FakeBackend(appInfo({ kind: "encrypted", drafts: 0 }), { kind: "loading", progress: 0.5 });
    await mountApp($("#app"), backend);
    $("#open-settings").click();
    await vi.waitFor(() => expect($("#settings").hidden).toBe(false));
  });

  it("saves the unit profile, and the editor offers its 常用主送机关", async () => {
    fill("#profile-name", "××市人民政府办公室");
    fill("#profile-code", "×政办发");
    $<HTMLTextAreaElement>("#profile-recipients").value = "各区人民政府，市政府各部门\n\n市直各单位";
    $("#save-profile").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("单位信息已保存"));
    expect(backend.profile).toEqual({ name: "××市人民政府办公室", code: "×政办发", recipients: ["各区人民政府，市政府各部门", "市直各单位"] });
    const options = [...document.querySelectorAll("#recipient-options option")].map((o) => o.getAttribute("value"));
    expect(options).toEqual(["各区人民政府，市政府各部门", "市直各单位"]);
  });

  it("adds and removes words in the unit's lists", async () => {
    fill("#term-custom", "城管执法局");
    $("#add-custom").click();
    await vi.waitFor(() => expect(text("#terms-custom")).toContain("城管执法局"));
    $('#terms-custom [data-term="城管执法局"]').click();
    await vi.waitFor(() => expect(text("#terms-custom")).not.toContain("城管执法局"));
    $("#add-ignore").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("请输入词语"));
  });

  it("an unknown model file needs the user's confirmation", async () => {
    expect(text("#settings-model-status")).toContain("正在加载 50%");
    $<HTMLInputElement>("#model-other").checked = true;
    fill("#model-path", "/home/user/自带模型.gguf");
    fill("#model-threads", "4");
    $("#save-model").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("我确认使用此文件"));
    expect(backend.config.model).toBe("default");
    $<HTMLInputElement>("#model-confirm").checked = true;
    $("#save-model").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("下次启动"));
    expect(backend.config).toEqual({ model: "/home/user/自带模型.gguf", allow_unregistered: true, threads: 4, context: null });
  });

  it("shows the audit log with the chain's verdict", async () => {
    $("#load-audit").click();
    await vi.waitFor(() => expect(text("#audit-verdict")).toBe("共 1 条，哈希链完整，末尾与库外记录一致"));
    expect(document.querySelectorAll("#audit-table tbody tr").length).toBe(1);
    expect(document.querySelectorAll(".rollback").length).toBe(0);
    backend.auditRollbacks = ["2026-11-29T01:00:00Z 从备份恢复：审计日志由 9 条回到备份时的 5 条"];
    $("#load-audit").click();
    await vi.waitFor(() => expect(text(".rollback")).toContain("由 9 条回到备份时的 5 条"));
    backend.auditBroken = "审计日志第 1 条被修改或删除，日志链已断开";
    $("#load-audit").click();
    await vi.waitFor(() => expect(text("#audit-verdict")).toContain("校验失败"));
  });

  it("backs up under a backup passphrase typed twice, and restores only after the user confirms it", async () => {
    fill("#backup-passphrase", "短口令");
    $("#create-backup").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("至少需要 8 个字符"));
    fill("#backup-passphrase", "换了电脑也能恢复");
    fill("#backup-passphrase-again", "换了电脑也能恢复吗");
    $("#create-backup").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("两次输入的备份口令不一致"));
    fill("#backup-passphrase-again", "换了电脑也能恢复");
    $("#create-backup").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("已备份到 /home/user/公文助手导出/"));
    expect(text("#notice")).toContain("恢复时需要这次设定的备份口令");
    expect($<HTMLInputElement>("#backup-passphrase").value).toBe("");

    const header = 'GONGWEN-BACKUP/2 {"kdf":{},"drafts":3,"revisions":7,"created":"2026-11-29T01:00:00Z"}\n';
    const bytes = new Uint8Array([...new TextEncoder().encode(header), 1, 2, 3, 4, 5]);
    const input = $<HTMLInputElement>("#restore-file");
    Object.defineProperty(input, "files", { value: [new File([bytes], "公文助手备份.gwbak")] });
    input.dispatchEvent(new Event("change"));
    await vi.waitFor(() => expect($("#restore-confirm").hidden).toBe(false));
    expect(backend.restored.length).toBe(0);
    expect(text("#restore-confirm")).toContain("将用“公文助手备份.gwbak”替换当前草稿库");
    expect(text("#restore-confirm")).toContain("含 3 份草稿、7 个修订");
    expect(text("#restore-confirm")).toContain("包括备份之后新写或修改的");
    fill("#restore-passphrase", "记错的口令口令");
    $("#restore-go").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("备份口令错误"));
    expect(backend.restored.length).toBe(0);
    expect($("#restore-confirm").hidden).toBe(false);
    fill("#restore-passphrase", "换了电脑也能恢复");
    $("#restore-go").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("已从备份恢复：2 份草稿"));
    expect(text("#notice")).toContain("恢复前的草稿库已另存为");
    expect(backend.restored.length).toBe(1);
    expect($("#restore-confirm").hidden).toBe(true);
  });

  it("saves the open draft before a restore and closes it after, so the old store's draft is not saved into the restored one", async () => {
    $("#close-settings").click();
    $("#new-doc").click();
    $('#kind-menu li[data-kind="通知"]').click();
    await vi.waitFor(() => expect(document.querySelector("#field-title")).not.toBeNull());
    const saves = backend.saveCalls;
    $("#open-settings").click();
    await vi.waitFor(() => expect($("#settings").hidden).toBe(false));
    backend.backupPassphrase = "换了电脑也能恢复";
    const header = 'GONGWEN-BACKUP/2 {"kdf":{},"drafts":1,"revisions":1,"created":"2026-11-29T01:00:00Z"}\n';
    const input = $<HTMLInputElement>("#restore-file");
    Object.defineProperty(input, "files", { value: [new File([header, "x"], "备份.gwbak")] });
    input.dispatchEvent(new Event("change"));
    await vi.waitFor(() => expect($("#restore-confirm").hidden).toBe(false));
    fill("#restore-passphrase", "换了电脑也能恢复");
    $("#restore-go").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("已从备份恢复"));
    expect(backend.saveCalls).toBe(saves + 1);
    expect(backend.restored.length).toBe(1);
    expect(text("#pane-editor")).toContain("草稿库已从备份恢复");
    expect(document.querySelector("#field-title")).toBeNull();
  });

  it("moves the key to the keyring, or to a new passphrase typed twice", async () => {
    expect(text("#key-box h4")).toBe("密钥：口令");
    $("#use-keyring").click();
    await vi.waitFor(() => expect(text("#notice")).toContain("密钥保存在：系统密钥环"));
    expect(text("#key-box h4")).toBe("密钥：系统密钥环");
    expect(document.querySelector("#use-keyring")).toBeNull();
    fill("#new-passphrase", "一二三四五六七八");
    fill("#new-passphrase-again", "一二三四五六七九");
    $("#use-passphrase").click();
    await vi.waitFor(() => expect(text("#notice")).toBe("两次输入的口令不一致"));
    expect(backend.keySource).toBe("系统密钥环");
    fill("#new-passphrase-again", "一二三四五六七八");
    $("#use-passphrase").click();
    await vi.waitFor(() => expect(text("#key-box h4")).toBe("密钥：口令"));
  });

  it("closes back to the window as it was", () => {
    $("#close-settings").click();
    expect($("#settings").hidden).toBe(true);
  });
});
