//! A bare engine worker, for the engine's own tests. The app and the CLI
//! run the same code as `<binary> engine-worker`.

fn main() -> std::process::ExitCode {
    gongwen_engine::worker_main()
}
