import "./style.css";
import { tauriBackend } from "./backend";
import { mountApp } from "./app";

const root = document.getElementById("app");
if (root) {
  tauriBackend()
    .then((backend) => mountApp(root, backend))
    .catch((error: unknown) => {
      root.textContent = `公文助手无法启动：${String(error)}`;
    });
}
