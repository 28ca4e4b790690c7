//! The supply chain, checked on every build: no crate that talks to the
//! network may enter what we compile for Linux, and every crate's licence
//! must be one an office may ship. `cargo tree` is the truth of what is
//! compiled (the lock file also lists crates only other platforms use, e.g.
//! Tauri's mobile asset loader pulls `reqwest` for iOS and Android only).

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use std::path::Path;
use std::process::Command;

/// Crates whose purpose is to reach another machine: HTTP clients and
/// servers, TLS stacks, DNS resolvers, WebSockets, telemetry exporters.
/// Local sockets (D-Bus for the keyring) use none of these.
const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "ureq",
    "hyper",
    "hyper-util",
    "hyper-tls",
    "hyper-rustls",
    "h2",
    "h3",
    "quinn",
    "curl",
    "curl-sys",
    "isahc",
    "attohttpc",
    "minreq",
    "surf",
    "http-client",
    "awc",
    "ehttp",
    "rustls",
    "native-tls",
    "tokio-rustls",
    "tokio-native-tls",
    "trust-dns-resolver",
    "hickory-resolver",
    "tungstenite",
    "tokio-tungstenite",
    "sentry",
    "opentelemetry-otlp",
    "tauri-plugin-updater",
    "tauri-plugin-http",
    "tauri-plugin-websocket",
    "tauri-plugin-upload",
];

/// Licences an office may ship in a binary without publishing its own
/// sources (permissive, or file-level copyleft such as MPL-2.0).
const ALLOWED_LICENCES: &[&str] = &[
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "0BSD",
    "CC0-1.0",
    "Unlicense",
    "BSL-1.0",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "MPL-2.0",
    // SQLite's public-domain blessing and a clause in SQLCipher's sources.
    "blessing",
    "WTFPL",
];

/// One compiled crate: `cargo tree --format '{p}|{l}'` without prefixes.
#[derive(Debug, PartialEq)]
struct Package {
    name: String,
    version: String,
    licence: String,
}

fn parse_tree(output: &str) -> Vec<Package> {
    let mut packages: Vec<Package> = output
        .lines()
        .filter_map(|line| {
            let (id, licence) = line.split_once('|')?;
            let mut words = id.split_whitespace();
            let name = words.next()?.to_owned();
            let version = words.next()?.trim_start_matches('v').to_owned();
            Some(Package {
                name,
                version,
                licence: licence.trim().to_owned(),
            })
        })
        .collect();
    packages.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    packages.dedup();
    packages
}

fn network_crates(packages: &[Package]) -> Vec<String> {
    packages
        .iter()
        .filter(|p| NETWORK_CRATES.contains(&p.name.as_str()))
        .map(|p| format!("{} {}", p.name, p.version))
        .collect()
}

fn licence_allowed(expression: &str) -> Result<bool, String> {
    let parsed = spdx::Expression::parse_mode(expression, spdx::ParseMode::LAX)
        .map_err(|e| e.to_string())?;
    Ok(parsed.evaluate(|req| match &req.license {
        spdx::LicenseItem::Spdx { id, .. } => ALLOWED_LICENCES.contains(&id.name),
        spdx::LicenseItem::Other(_) => false,
    }))
}

fn bad_licences(packages: &[Package]) -> Vec<String> {
    packages
        .iter()
        .filter_map(|p| match licence_allowed(&p.licence) {
            Ok(true) => None,
            Ok(false) => Some(format!("{} {}: {}", p.name, p.version, p.licence)),
            Err(e) => Some(format!(
                "{} {}: unreadable licence {:?} ({e})",
                p.name, p.version, p.licence
            )),
        })
        .collect()
}

/// Everything compiled for Linux from the workspace: normal, build and dev
/// dependencies (tests and build scripts run on the same machine).
fn compiled_packages() -> Vec<Package> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "tree",
            "--workspace",
            "--locked",
            "--offline",
            "--target",
            "x86_64-unknown-linux-gnu",
            "-e",
            "normal,build,dev",
            "--prefix",
            "none",
            "--no-dedupe",
            "--format",
            "{p}|{l}",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_tree(&String::from_utf8_lossy(&out.stdout))
}

#[test]
fn no_network_client_and_no_disallowed_licence_is_compiled() {
    let packages = compiled_packages();
    // The graph was read, not an empty answer: Tauri and SQLCipher are in it.
    assert!(packages.len() > 300, "{} packages", packages.len());
    for expected in ["tauri", "rusqlite", "llama-cpp-2"] {
        assert!(packages.iter().any(|p| p.name == expected), "{expected}");
    }
    assert_eq!(network_crates(&packages), Vec::<String>::new());
    assert_eq!(bad_licences(&packages), Vec::<String>::new());
}

#[test]
fn the_check_catches_a_network_client_and_a_copyleft_licence() {
    // What `cargo tree` prints once someone adds `ureq` (and it brings rustls).
    let tree = "\
gongwen-cli v0.1.0 (/work/crates/gongwen-cli)|MIT OR Apache-2.0
ureq v3.1.2|MIT OR Apache-2.0
rustls v0.23.31|Apache-2.0 OR ISC OR MIT
serde v1.0.228|MIT OR Apache-2.0
serde v1.0.228|MIT OR Apache-2.0
readline-ish v1.0.0|GPL-3.0-or-later
dual v0.1.0|GPL-2.0 OR MIT
sqlcipher-src v0.1.0|MIT AND BSD-3-Clause AND blessing AND WTFPL
";
    let packages = parse_tree(tree);
    assert_eq!(packages.len(), 7, "duplicates are counted once");
    assert_eq!(
        network_crates(&packages),
        vec!["rustls 0.23.31", "ureq 3.1.2"]
    );
    assert_eq!(
        bad_licences(&packages),
        vec!["readline-ish 1.0.0: GPL-3.0-or-later"]
    );
    assert_eq!(licence_allowed("MIT/Apache-2.0"), Ok(true));
    assert_eq!(licence_allowed("Apache-2.0 WITH LLVM-exception"), Ok(true));
    assert_eq!(licence_allowed("AGPL-3.0-only"), Ok(false));
}
