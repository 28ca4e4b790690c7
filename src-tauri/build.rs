fn main() {
    // Declaring the app's commands makes each one a permission, so the
    // capability file can grant exactly these and nothing else.
    let manifest =
        tauri_build::AppManifest::new().commands(&["app_info", "watch_model", "unlock_store"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
