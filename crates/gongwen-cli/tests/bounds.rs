//! Resource bounds on hostile imports: a zip bomb, a 1 GB PDF and a PDF of
//! 100,000 pages are each refused with a plain message, within a stated
//! memory ceiling (peak RSS of the `gongwen import` process, measured by the
//! kernel) and a time limit (the process is killed past it).

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.
#![allow(clippy::print_stderr)] // The measured peaks are reported (cargo test shows them with --nocapture).

use std::io::Write;
use std::path::Path;
use std::process::Command;

/// The most memory one import may take: an 8 GB office PC keeps its room.
const MEMORY_CEILING_MB: u64 = 512;
/// Killed past this (a hang is a failure, not a slow pass).
const TIME_LIMIT_S: u32 = 120;

struct Measured {
    code: Option<i32>,
    stderr: String,
    peak_rss_mb: u64,
}

/// Runs `gongwen import <file> --json` under `timeout`, from a Python parent
/// that reads the child's peak RSS from the kernel (getrusage of children).
fn import_measured(file: &Path) -> Measured {
    let script = "import resource, subprocess, sys\n\
        r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n\
        sys.stderr.buffer.write(r.stderr)\n\
        print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n";
    let out = Command::new("python3")
        .args(["-c", script, "timeout", &TIME_LIMIT_S.to_string()])
        .arg(env!("CARGO_BIN_EXE_gongwen"))
        .args(["import", file.to_str().unwrap(), "--json"])
        .env("GONGWEN_HOME", file.with_extension("home"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut fields = stdout.split_whitespace();
    let code: i32 = fields.next().unwrap().parse().unwrap();
    let kb: u64 = fields.next().unwrap().parse().unwrap();
    Measured {
        code: Some(code),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        peak_rss_mb: kb / 1024,
    }
}

fn assert_refused(file: &Path, code: &str, words: &str) -> u64 {
    let m = import_measured(file);
    assert_ne!(
        m.code,
        Some(124),
        "{}: killed after {TIME_LIMIT_S} s",
        file.display()
    );
    assert_eq!(m.code, Some(2), "{}: {}", file.display(), m.stderr);
    assert!(
        m.stderr.contains(words) && m.stderr.contains(&format!("[{code}]")),
        "{}: {}",
        file.display(),
        m.stderr
    );
    assert!(
        m.peak_rss_mb < MEMORY_CEILING_MB,
        "{}: peak RSS {} MB",
        file.display(),
        m.peak_rss_mb
    );
    eprintln!("{}: refused, peak RSS {} MB", file.display(), m.peak_rss_mb);
    m.peak_rss_mb
}

/// A .docx whose body unpacks to 1 GB of markup (about 1 MB on disk).
fn zip_bomb(path: &Path) {
    let file = std::fs::File::create(path).unwrap();
    let mut out = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    out.start_file("[Content_Types].xml", options).unwrap();
    out.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    out.start_file("word/document.xml", options).unwrap();
    out.write_all(b"<w:document><w:body>").unwrap();
    let paragraph = "<w:p><w:r><w:t>关于开展检查的通知</w:t></w:r></w:p>".repeat(20_000);
    let mut written = 0;
    while written < 1 << 30 {
        out.write_all(paragraph.as_bytes()).unwrap();
        written += paragraph.len();
    }
    out.finish().unwrap();
    assert!(path.metadata().unwrap().len() < 16 << 20);
}

/// A PDF of `pages` pages sharing one content stream, whose page tree says
/// it has `claimed` pages (a hostile file lies, to get past a quick count).
fn many_page_pdf(path: &Path, pages: usize, claimed: usize) {
    shared_content_pdf(path, pages, claimed, 1);
}

/// The same, with the shared content stream's text shown `repeat` times.
fn shared_content_pdf(path: &Path, pages: usize, claimed: usize, repeat: usize) {
    let mut pdf: Vec<u8> = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |pdf: &mut Vec<u8>, body: &str| {
        offsets.push(pdf.len());
        let n = offsets.len();
        pdf.extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
    };
    let first_page = 5;
    let kids: Vec<String> = (0..pages)
        .map(|i| format!("{} 0 R", first_page + i))
        .collect();
    object(&mut pdf, "<< /Type /Catalog /Pages 2 0 R >>");
    object(
        &mut pdf,
        &format!(
            "<< /Type /Pages /Count {claimed} /Kids [{}] >>",
            kids.join(" ")
        ),
    );
    object(
        &mut pdf,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    );
    let content = format!(
        "BT /F1 12 Tf 72 720 Td {}ET",
        "(Notice of the annual inspection) Tj 0 -14 Td ".repeat(repeat)
    );
    object(
        &mut pdf,
        &format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
    );
    for _ in 0..pages {
        object(
            &mut pdf,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
        );
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for offset in &offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    std::fs::write(path, pdf).unwrap();
}

#[test]
fn hostile_imports_stay_under_the_memory_ceiling_and_the_time_limit() {
    let dir = tempfile::tempdir().unwrap();

    let bomb = dir.path().join("炸弹.docx");
    zip_bomb(&bomb);
    assert_refused(&bomb, "import-expands-too-far", "解压后超过");

    let huge = dir.path().join("巨大.pdf");
    // Sparse: 1 GB that takes no disk space; refused by its size unread.
    let mut file = std::fs::File::create(&huge).unwrap();
    file.write_all(b"%PDF-1.7\n").unwrap();
    file.set_len(1 << 30).unwrap();
    assert_refused(&huge, "import-too-large", "文件过大（1024 MB）");

    let many = dir.path().join("十万页.pdf");
    many_page_pdf(&many, 100_000, 100_000);
    assert_refused(&many, "import-too-many-pages", "共 100000 页");

    // A page tree that claims 3 pages gets past the quick count: it is parsed
    // in full (the costly path, still under the ceiling) and then refused.
    let lying = dir.path().join("谎称三页.pdf");
    many_page_pdf(&lying, 100_000, 3);
    assert_refused(&lying, "import-too-many-pages", "共 100000 页");

    // Fewer pages than the limit, each showing the same 2 MB stream: every
    // page alone is within bounds, the document is not.
    let shared = dir.path().join("共用内容流.pdf");
    shared_content_pdf(&shared, 4_000, 4_000, 50_000);
    assert_refused(&shared, "import-pdf-too-complex", "超过可导入的上限");

    // The generator makes readable PDFs: a small one imports.
    let few = dir.path().join("三页.pdf");
    many_page_pdf(&few, 3, 3);
    let m = import_measured(&few);
    assert_eq!(m.code, Some(0), "{}", m.stderr);
}
