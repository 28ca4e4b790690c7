fn main() {
    // Declaring the app's commands makes each one a permission, so the
    // capability file can grant exactly these and nothing else.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "ui_ready",
        "watch_model",
        "watch_close",
        "close_window",
        "unlock_store",
        "list_drafts",
        "new_draft",
        "open_draft",
        "save_draft",
        "draft_history",
        "view_revision",
        "restore_revision",
        "delete_draft",
        "deleted_drafts",
        "undelete_draft",
        "proofread",
        "record_feedback",
        "import_file",
        "export_draft",
        "preview_draft",
        "diff_text",
        "draft_examples",
        "generate_draft",
        "polish_text",
        "summarize_draft",
        "stop_job",
        "settings_info",
        "save_profile",
        "add_term",
        "remove_term",
        "audit_log",
        "create_backup",
        "restore_backup",
        "save_model_config",
        "change_key_source",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
