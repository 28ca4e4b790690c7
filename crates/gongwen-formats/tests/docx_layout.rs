//! The .docx layout judged by outside programs: LibreOffice (headless)
//! converts what we export to PDF, poppler measures it (pdfinfo, pdftotext
//! -bbox-layout, pdftoppm), python-docx opens it. The standard's font names
//! are mapped to free CJK fonts by tests/fonts/fonts.conf.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;

use gongwen_domain::{Attendance, DocKind, Layout, structure};
use gongwen_formats::export_docx;

const PT_PER_MM: f64 = 72.0 / 25.4;
const TOLERANCE: f64 = PT_PER_MM; // ±1 mm
const LEFT: f64 = 28.0 * PT_PER_MM;
const RIGHT: f64 = (28.0 + 156.0) * PT_PER_MM;
const TOP: f64 = 37.0 * PT_PER_MM;
const BLOCK_HEIGHT: f64 = 225.0 * PT_PER_MM;
const PITCH: f64 = BLOCK_HEIGHT / 22.0;
/// Below this, a line belongs to the footer (the page number).
const FOOTER_Y: f64 = TOP + BLOCK_HEIGHT + 2.0;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[derive(Debug, Clone)]
struct Line {
    x_min: f64,
    y_min: f64,
    x_max: f64,
    y_max: f64,
    text: String,
}

impl Line {
    fn chars(&self) -> usize {
        self.text.chars().count()
    }
    fn centre_x(&self) -> f64 {
        (self.x_min + self.x_max) / 2.0
    }
}

fn attr(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

/// Pages of lines from `pdftotext -bbox-layout`.
fn bbox_lines(pdf: &Path) -> Vec<Vec<Line>> {
    let out = Command::new("pdftotext")
        .args(["-bbox-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test.sh");
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    html.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<line ")
                .skip(1)
                .map(|line| {
                    let tag = &line[..line.find('>').unwrap()];
                    let text = line
                        .split("<word ")
                        .skip(1)
                        .map(|w| {
                            let from = w.find('>').unwrap() + 1;
                            let to = w.find("</word>").unwrap();
                            w[from..to]
                                .replace("&amp;", "&")
                                .replace("&lt;", "<")
                                .replace("&gt;", ">")
                        })
                        .collect::<String>();
                    Line {
                        x_min: attr(tag, "xMin"),
                        y_min: attr(tag, "yMin"),
                        x_max: attr(tag, "xMax"),
                        y_max: attr(tag, "yMax"),
                        text,
                    }
                })
                .collect()
        })
        .collect()
}

/// Converts `docx` to PDF with LibreOffice in its own profile.
fn to_pdf(dir: &Path, docx: &Path) -> PathBuf {
    convert(dir, docx, "pdf")
}

/// LibreOffice's conversion of `docx` to `format` ("pdf", or
/// "docx:<filter>"), written to `dir`.
fn convert(dir: &Path, docx: &Path, format: &str) -> PathBuf {
    let profile = dir.join("lo-profile");
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", format, "--outdir"])
        .arg(dir)
        .arg(docx)
        .env("FONTCONFIG_FILE", repo().join("tests/fonts/fonts.conf"))
        .output()
        .expect("LibreOffice (libreoffice-writer-nogui) is installed by scripts/test.sh");
    let extension = format.split(':').next().unwrap_or(format);
    let converted = dir.join(docx.with_extension(extension).file_name().unwrap());
    assert!(
        out.status.success() && converted.exists(),
        "LibreOffice could not convert {}: {}",
        docx.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    converted
}

fn export(dir: &Path, name: &str, doc: &gongwen_domain::Document) -> (PathBuf, Vec<Vec<Line>>) {
    let docx = dir.join(format!("{name}.docx"));
    std::fs::write(&docx, export_docx(doc).unwrap()).unwrap();
    let pdf = to_pdf(dir, &docx);
    let pages = bbox_lines(&pdf);
    (pdf, pages)
}

fn page_size(pdf: &Path) -> (f64, f64) {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    let line = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
    let nums: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (nums[0], nums[1])
}

/// Page 1 rendered at 72 dpi: one pixel per point.
fn render_first_page(pdf: &Path, dir: &Path) -> (usize, usize, Vec<u8>) {
    let prefix = dir.join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "72", "-f", "1", "-l", "1"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let ppm = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "ppm"))
        .unwrap();
    let bytes = std::fs::read(ppm).unwrap();
    // P6\n<w> <h>\n255\n<rgb…>
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, bytes[i + 1..].to_vec())
}

fn red_pixels(image: &(usize, usize, Vec<u8>), x0: f64, y0: f64, x1: f64, y1: f64) -> usize {
    let (w, h, rgb) = image;
    let mut count = 0;
    for y in (y0.max(0.0) as usize)..(y1 as usize).min(*h) {
        for x in (x0.max(0.0) as usize)..(x1 as usize).min(*w) {
            let p = &rgb[(y * w + x) * 3..(y * w + x) * 3 + 3];
            if p[0] > 180 && p[1] < 90 && p[2] < 90 {
                count += 1;
            }
        }
    }
    count
}

/// Characters that may hang past the right edge: LibreOffice reads
/// `w:overflowPunct w:val="0"` inverted (writerfilter maps it to
/// ParaIsHangingPunctuation = (val == 0)), so in LibreOffice a closing mark
/// can hang where Word and WPS move the character before it down.
fn hangs(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '、' | '；' | '：' | '）' | '》' | '”' | '！' | '？'
    )
}

#[test]
fn a_notice_is_laid_out_per_gb_t_9704() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo().join("tests/fixtures/notice.txt")).unwrap();
    let doc = structure(&text, None).document;
    assert_eq!(doc.kind, DocKind::Notice);
    let (pdf, pages) = export(dir.path(), "notice", &doc);

    // A4.
    let (w, h) = page_size(&pdf);
    assert!(
        (w - 595.3).abs() < 1.0 && (h - 841.9).abs() < 1.0,
        "{w} × {h}"
    );
    assert!(pages.len() >= 3, "a multi-page document: {}", pages.len());

    let mut full_lines = 0;
    for (index, page) in pages.iter().enumerate() {
        let number = index + 1;
        let (body, footer): (Vec<&Line>, Vec<&Line>) =
            page.iter().partition(|l| l.y_min < FOOTER_Y);
        // At most 22 lines a page.
        assert!(body.len() <= 22, "page {number}: {} lines", body.len());
        // The page number, "— N —", right on odd pages and left on even.
        assert_eq!(footer.len(), 1, "page {number}: {footer:?}");
        let n = footer[0];
        let digits: String = n.text.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(digits, number.to_string(), "{n:?}");
        assert!(n.text.starts_with('—') && n.text.ends_with('—'), "{n:?}");
        let one_char = 14.0;
        if number % 2 == 1 {
            assert!(
                (n.x_max - (RIGHT - one_char)).abs() < 3.0,
                "page {number}: {n:?}"
            );
        } else {
            assert!(
                (n.x_min - (LEFT + one_char)).abs() < 3.0,
                "page {number}: {n:?}"
            );
        }
        // 7 mm below the 版心.
        assert!(
            (n.y_min - (TOP + BLOCK_HEIGHT + 7.0 * PT_PER_MM)).abs() < 2.0 * TOLERANCE,
            "{n:?}"
        );

        for line in &body {
            // Inside the 版心 (±1 mm).
            assert!(line.x_min >= LEFT - TOLERANCE, "page {number}: {line:?}");
            let inside = if line.x_max > RIGHT + TOLERANCE {
                let last = line.text.chars().last().unwrap();
                assert!(hangs(last), "page {number}: only a mark may hang: {line:?}");
                line.chars() - 1
            } else {
                line.chars()
            };
            assert!(inside <= 28, "page {number}: {inside} characters: {line:?}");
            let cjk_only = line.text.chars().all(|c| !c.is_ascii());
            if cjk_only && (line.x_min - LEFT).abs() < TOLERANCE && inside == 28 {
                // A full line really holds 28 and reaches the right edge.
                let right = line.x_min + 28.0 * 15.75;
                assert!((right - RIGHT).abs() < TOLERANCE, "{line:?}");
                full_lines += 1;
            }
        }
    }
    assert!(
        full_lines >= 20,
        "full lines hold 28 characters: {full_lines}"
    );

    // A full page: 22 lines on the grid, the block where the standard puts it.
    let page2: Vec<&Line> = pages[1].iter().filter(|l| l.y_min < FOOTER_Y).collect();
    assert_eq!(page2.len(), 22, "page 2 is full");
    for pair in page2.windows(2) {
        let gap = pair[1].y_min - pair[0].y_min;
        assert!((gap - PITCH).abs() < 0.5, "line pitch {gap}");
    }
    let left = page2.iter().map(|l| l.x_min).fold(f64::MAX, f64::min);
    assert!((left - LEFT).abs() < TOLERANCE, "left edge {left}");
    let first = page2[0];
    let last = page2[21];
    let centre = ((first.y_min + first.y_max) / 2.0 + (last.y_min + last.y_max) / 2.0) / 2.0;
    let expected = TOP + BLOCK_HEIGHT / 2.0;
    assert!(
        (centre - expected).abs() < TOLERANCE,
        "block centre {centre} vs {expected}"
    );

    // Title and 文号 present, centred; the title in 2号 (22 pt vs 16 pt).
    let page1 = &pages[0];
    let text_centre = (LEFT + RIGHT) / 2.0;
    let number = page1
        .iter()
        .find(|l| l.text == "某政办发〔2026〕7号")
        .expect("发文字号 on page 1");
    assert!((number.centre_x() - text_centre).abs() < 3.0, "{number:?}");
    let title_lines: Vec<&Line> = page1
        .iter()
        .filter(|l| doc.title.contains(&l.text) && l.chars() >= 4)
        .collect();
    assert_eq!(
        title_lines
            .iter()
            .map(|l| l.text.clone())
            .collect::<String>(),
        doc.title
    );
    let body_height = first.y_max - first.y_min;
    for t in &title_lines {
        assert!((t.centre_x() - text_centre).abs() < 3.0, "{t:?}");
        let ratio = (t.y_max - t.y_min) / body_height;
        assert!(
            (ratio - 22.0 / 16.0).abs() < 0.1,
            "title size ratio {ratio}"
        );
        assert!(t.y_min > number.y_max, "title below the 文号");
    }
    // Balanced: the title's lines differ by at most two characters.
    let lens: Vec<usize> = title_lines.iter().map(|l| l.text.chars().count()).collect();
    assert!(
        lens.iter().max().unwrap() - lens.iter().min().unwrap() <= 2,
        "{lens:?}"
    );

    // Red 标志 and red rule; black body text.
    let image = render_first_page(&pdf, dir.path());
    let mark = page1
        .iter()
        .find(|l| l.text == "某某市人民政府办公室文件")
        .expect("发文机关标志");
    let mark_red = red_pixels(&image, mark.x_min, mark.y_min, mark.x_max, mark.y_max);
    assert!(mark_red > 2000, "标志 red pixels: {mark_red}");
    let rule_red = red_pixels(&image, LEFT, number.y_max, RIGHT, number.y_max + 20.0);
    assert!(
        rule_red as f64 > 0.9 * (RIGHT - LEFT),
        "red rule pixels: {rule_red}"
    );
    let title = title_lines[0];
    assert_eq!(red_pixels(&image, LEFT, title.y_min, RIGHT, FOOTER_Y), 0);

    // 主送机关 flush left with a full-width colon; 附件说明 two characters in.
    let recipients = page1
        .iter()
        .find(|l| l.text.ends_with("各有关单位："))
        .unwrap();
    assert!((recipients.x_min - LEFT).abs() < TOLERANCE);
    let all: Vec<&Line> = pages.iter().flatten().collect();
    let attachment = all.iter().find(|l| l.text.starts_with("附件：")).unwrap();
    assert!(
        (attachment.x_min - (LEFT + 2.0 * 15.75)).abs() < TOLERANCE,
        "{attachment:?}"
    );
    // 署名 two characters in from the right; the date below, two characters
    // right of the 署名's first character.
    let signature = all
        .iter()
        .find(|l| l.text == "某某市人民政府办公室" && l.x_min > text_centre - 60.0)
        .unwrap();
    assert!(
        (signature.x_max - (RIGHT - 2.0 * 15.75)).abs() < TOLERANCE,
        "{signature:?}"
    );
    let date = all.iter().find(|l| l.text == "2026年5月20日").unwrap();
    assert!(
        (date.x_min - (signature.x_min + 2.0 * 15.75)).abs() < TOLERANCE,
        "{date:?}"
    );
    assert!(date.y_min > signature.y_min);
    // 版记 on the last page, after everything else.
    let last_page = pages.last().unwrap();
    assert!(last_page.iter().any(|l| l.text.starts_with("抄送：")));
    assert!(last_page.iter().any(|l| l.text.contains("印发")));
}

#[test]
fn letter_order_and_minutes_layouts_convert_with_their_elements() {
    let dir = tempfile::tempdir().unwrap();
    let letter = structure(
        "某某市财政局\n某财函〔2026〕12号\n关于商请提供有关数据的函\n市统计局：\n请予函复。\n某某市财政局\n2026年6月1日",
        Some(DocKind::Letter),
    )
    .document;
    assert_eq!(letter.layout, Layout::Letter);
    let (_, pages) = export(dir.path(), "letter", &letter);
    let all: Vec<&Line> = pages.iter().flatten().collect();
    assert!(
        all.iter()
            .any(|l| l.text == "某财函〔2026〕12号" && l.x_max > RIGHT - TOLERANCE)
    );
    // 信函: no page number on page 1.
    assert!(
        pages[0].iter().all(|l| l.y_min < FOOTER_Y),
        "{:?}",
        pages[0]
    );

    let mut minutes = structure(
        "关于推进重点项目建设的专题会议纪要\n会议研究了重点项目建设有关问题。\n一、加快项目审批。",
        Some(DocKind::Minutes),
    )
    .document;
    minutes.issuer_marks = vec!["某某市人民政府常务会议纪要".into()];
    minutes.attendance = Some(Attendance {
        present: vec!["张三".into(), "李四".into()],
        absent: vec!["王五".into()],
        observers: vec![],
    });
    let (_, pages) = export(dir.path(), "minutes", &minutes);
    let all: Vec<&Line> = pages.iter().flatten().collect();
    let present = all.iter().find(|l| l.text.starts_with("出席：")).unwrap();
    assert_eq!(present.text, "出席：张三、李四");
    assert!(
        (present.x_min - (LEFT + 2.0 * 15.75)).abs() < TOLERANCE,
        "{present:?}"
    );
    assert!(all.iter().any(|l| l.text == "请假：王五"));

    let mut order = structure(
        "第12号\n现予公布，自2026年7月1日起施行。",
        Some(DocKind::Order),
    )
    .document;
    order.issuer_marks = vec!["某某省人民政府令".into()];
    let (_, pages) = export(dir.path(), "order", &order);
    assert!(pages[0].iter().any(|l| l.text == "某某省人民政府令"));
}

/// python-docx (an independent reader) opens what we write.
#[test]
fn python_docx_opens_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo().join("tests/fixtures/notice.txt")).unwrap();
    let doc = structure(&text, None).document;
    let path = dir.path().join("notice.docx");
    std::fs::write(&path, export_docx(&doc).unwrap()).unwrap();
    let pythonpath = std::env::var_os("GONGWEN_PYTHONPATH").unwrap_or_else(|| {
        Path::new(&std::env::var_os("HOME").unwrap())
            .join(".cache/gongwen/python")
            .into_os_string()
    });
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, docx; d = docx.Document(sys.argv[1]); s = d.sections[0]; \
             print(len(d.paragraphs), s.page_width, s.page_height, s.top_margin, s.left_margin); \
             print(d.paragraphs[5].text)",
        ])
        .arg(&path)
        .env("PYTHONPATH", pythonpath)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{} (scripts/test.sh installs python-docx)",
        String::from_utf8_lossy(&out.stderr)
    );
    let first: Vec<i64> = stdout
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(first[0] > 20);
    // EMU: 914400 an inch.
    assert_eq!(first[1], 11906 * 635);
    assert_eq!(first[2], 16838 * 635);
    assert_eq!(first[3], 2098 * 635);
    assert_eq!(first[4], 1587 * 635);
}

/// Tracked changes are real Word revisions: LibreOffice reads them as
/// tracked changes (its own .docx written back still carries w:ins and
/// w:del with our author), and the text as it stands has the changes in.
#[test]
fn tracked_changes_survive_a_trip_through_libreoffice() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo().join("tests/fixtures/notice.txt")).unwrap();
    let base = structure(&text, None).document;
    let mut current = base.clone();
    current.title = current.title.replace("切实做好", "全力做好");
    current.body.remove(2);
    current.body.push(gongwen_domain::Block::Paragraph {
        text: "各单位要于6月1日前报送工作方案。".into(),
    });
    let revision = gongwen_formats::Revision {
        author: "审稿人甲".into(),
        date: "2026-11-28T00:00:00Z".into(),
    };
    let bytes = gongwen_formats::export_docx_tracked(&base, &current, &revision).unwrap();
    let imported = gongwen_formats::import_docx(&bytes).unwrap();
    assert_eq!(structure(&imported.text(), None).document, current);

    let ours = dir.path().join("ours");
    std::fs::create_dir(&ours).unwrap();
    let tracked = ours.join("tracked.docx");
    std::fs::write(&tracked, &bytes).unwrap();
    let resaved = convert(dir.path(), &tracked, "docx:MS Word 2007 XML");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(resaved).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(
        xml.contains("<w:ins ") && xml.contains("<w:del "),
        "no revisions after LibreOffice"
    );
    assert!(xml.contains("审稿人甲"), "author kept");
    assert!(xml.contains("全力"), "inserted text");
    assert!(
        xml.contains(">切实</w:delText>"),
        "deleted title text kept as a deletion"
    );
    let removed = match &base.body[2] {
        gongwen_domain::Block::Paragraph { text } | gongwen_domain::Block::Heading { text, .. } => {
            text
        }
    };
    let head: String = removed.chars().take(6).collect();
    assert!(
        xml.contains(&format!(">{head}")),
        "the removed paragraph is there as a deletion"
    );
}

/// A LibreOffice-made PDF of a Chinese 公文 comes back with the same
/// structure, and its text matches pdftotext's on ≥ 99.5% of characters.
/// An encrypted PDF is refused plainly.
#[test]
fn pdf_import_recovers_the_structure_and_matches_pdftotext() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo().join("tests/fixtures/notice.txt")).unwrap();
    let doc = structure(&text, None).document;
    let (pdf, _) = export(dir.path(), "notice", &doc);
    let imported = gongwen_formats::import_pdf(&std::fs::read(&pdf).unwrap()).unwrap();
    assert_eq!(imported.pages, 4);
    assert_eq!(
        structure(&imported.text(), None).document,
        doc,
        "{}",
        imported.text()
    );

    let reference = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let reference = String::from_utf8(reference.stdout).unwrap();
    let accuracy = gongwen_formats::char_accuracy(&imported.text(), &reference);
    assert!(accuracy >= 0.995, "accuracy {accuracy}");

    let docx = dir.path().join("notice.docx");
    let encrypted_dir = dir.path().join("encrypted");
    std::fs::create_dir(&encrypted_dir).unwrap();
    let encrypted = convert(
        &encrypted_dir,
        &docx,
        r#"pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"口令"}}"#,
    );
    let err = gongwen_formats::import_pdf(&std::fs::read(encrypted).unwrap()).unwrap_err();
    assert_eq!(err.code(), "import-pdf-encrypted");
}

/// Damaged copies of real files (truncated, bytes flipped) get an error or
/// a best-effort reading, never a panic; reading stays fast.
#[test]
fn damaged_docx_and_pdf_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo().join("tests/fixtures/notice.txt")).unwrap();
    let doc = structure(&text, None).document;
    let docx = export_docx(&doc).unwrap();
    let (pdf, _) = export(dir.path(), "notice", &doc);
    let pdf = std::fs::read(pdf).unwrap();
    // A fixed-seed generator: the same damage on every run.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut refused = 0;
    for round in 0..200 {
        for (name, original) in [("docx", &docx), ("pdf", &pdf)] {
            let mut bytes = original.clone();
            if round % 2 == 0 {
                bytes.truncate((next() as usize) % bytes.len());
            } else {
                for _ in 0..1 + next() % 8 {
                    let at = (next() as usize) % bytes.len();
                    bytes[at] ^= 1 << (next() % 8);
                }
            }
            let result = match name {
                "docx" => gongwen_formats::import_docx(&bytes).map(|d| d.paragraphs.len()),
                _ => gongwen_formats::import_pdf(&bytes).map(|d| d.paragraphs.len()),
            };
            if let Err(e) = result {
                refused += 1;
                assert!(!e.to_string().is_empty());
                assert!(
                    e.code().starts_with("import-"),
                    "{name} round {round}: {e:?}"
                );
            }
        }
    }
    assert!(refused > 100, "most damaged files are refused: {refused}");
}

/// The 版式预览 shows the pages LibreOffice prints from the export: the
/// same number of pages, each starting with the same line.
#[test]
fn the_preview_has_the_pages_libreoffice_prints() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo().join("tests/fixtures/notice.txt")).unwrap();
    let doc = structure(&text, None).document;
    let (_, printed) = export(dir.path(), "preview", &doc);
    let preview = gongwen_formats::preview(&doc);
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let printed_first: Vec<String> = printed
        .iter()
        .map(|page| {
            page.iter()
                .filter(|l| l.y_min < FOOTER_Y)
                .map(|l| squash(&l.text))
                .find(|t| !t.is_empty())
                .unwrap_or_default()
        })
        .collect();
    let previewed_first: Vec<String> = preview
        .pages
        .iter()
        .map(|page| {
            page.lines
                .iter()
                .map(|l| squash(&l.text))
                .find(|t| !t.is_empty())
                .unwrap_or_default()
        })
        .collect();
    eprintln!("printed:  {printed_first:?}\npreviewed: {previewed_first:?}");
    if std::env::var_os("GONGWEN_PREVIEW_DEBUG").is_some() {
        for l in printed.last().unwrap() {
            eprintln!(
                "pdf {:6.1} {:6.1} {}",
                (l.y_min - TOP) / PT_PER_MM,
                (l.x_min - LEFT) / PT_PER_MM,
                l.text
            );
        }
        for l in &preview.pages.last().unwrap().lines {
            eprintln!("pre {:6.1} {:6.1} {}", l.top, l.left, l.text);
        }
    }
    assert_eq!(previewed_first, printed_first);
    // Line by line: the same rows on every page. The 版记 is left out of
    // the count: the export anchors it to the foot of the 版心 in a frame,
    // where Word and the preview put it, while LibreOffice prints it
    // straight after the text; it is on the last page in both.
    let imprint = |t: &str| t.starts_with("抄送") || t.ends_with("印发") || t.contains("印发　");
    for (page, (p, q)) in preview.pages.iter().zip(&printed).enumerate() {
        let previewed: Vec<String> = p
            .lines
            .iter()
            .map(|l| squash(&l.text))
            .filter(|t| !t.is_empty() && !imprint(t))
            .collect();
        let mut rows: Vec<(f64, String)> = Vec::new();
        for l in q.iter().filter(|l| l.y_min < FOOTER_Y) {
            // A tab splits one printed row into two pdftotext lines.
            match rows.last_mut() {
                Some((y, text)) if (l.y_min - *y).abs() < 1.0 => text.push_str(&squash(&l.text)),
                _ => rows.push((l.y_min, squash(&l.text))),
            }
        }
        let printed: Vec<String> = rows
            .into_iter()
            .map(|(_, t)| t)
            .filter(|t| !imprint(t))
            .collect();
        assert_eq!(previewed, printed, "page {}", page + 1);
    }
    let last = |lines: Vec<String>| lines.iter().any(|t| t.starts_with("抄送"));
    assert!(last(
        preview
            .pages
            .last()
            .unwrap()
            .lines
            .iter()
            .map(|l| squash(&l.text))
            .collect()
    ));
    assert!(last(
        printed
            .last()
            .unwrap()
            .iter()
            .map(|l| squash(&l.text))
            .collect()
    ));
}
