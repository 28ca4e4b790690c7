import { defineConfig } from "vite";

// Everything is bundled into dist/: the app never loads anything from the
// network (no CDN scripts, no remote fonts).
export default defineConfig({
  clearScreen: false,
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    // No inline data: URLs for assets: the CSP allows 'self' only.
    assetsInlineLimit: 0,
  },
  test: {
    environment: "happy-dom",
  },
});
