//! .docx export and .pdf import, each against an outside program on the
//! same input in the same run: LibreOffice writing the same text as .docx,
//! and poppler's pdftotext reading the same PDFs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use gongwen_domain::{Block, Document, structure};

use crate::{BenchError, median};

const FIXTURE: &str = include_str!("../../../tests/fixtures/notice.txt");

/// The fixture notice with its body repeated until the document runs to
/// about `pages` pages (22 lines of 28 characters each).
pub fn long_document(pages: usize) -> Document {
    let mut doc = structure(FIXTURE, None).document;
    let body = doc.body.clone();
    let chars = |blocks: &[Block]| -> usize {
        blocks
            .iter()
            .map(|b| b.to_text().chars().count().div_ceil(28) * 28)
            .sum()
    };
    while chars(&doc.body) < pages * 22 * 28 {
        doc.body.extend(body.iter().cloned());
    }
    doc
}

pub struct TimedRuns {
    pub ours_ms: Vec<f64>,
    pub reference_ms: Vec<f64>,
}

fn time_ms(f: impl FnOnce()) -> f64 {
    let started = Instant::now();
    f();
    started.elapsed().as_secs_f64() * 1000.0
}

fn run(command: &mut Command) -> Result<std::process::Output, BenchError> {
    let output = command
        .output()
        .map_err(|e| BenchError::Reference(format!("{:?}: {e}", command.get_program())))?;
    if !output.status.success() {
        return Err(BenchError::Reference(format!(
            "{:?}: {}",
            command.get_program(),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(output)
}

/// Our export of `doc` vs LibreOffice (headless, a warm profile) writing
/// the same text as .docx.
pub fn docx_export(doc: &Document, dir: &Path, runs: usize) -> Result<TimedRuns, BenchError> {
    let mut ours_ms = Vec::new();
    for _ in 0..runs {
        let mut result = Ok(Vec::new());
        ours_ms.push(time_ms(|| result = gongwen_formats::export_docx(doc)));
        let bytes = result.map_err(|e| BenchError::Engine(e.to_string()))?;
        std::hint::black_box(bytes);
    }
    let text = dir.join("document.txt");
    std::fs::write(&text, gongwen_domain::to_plain_text(doc)).map_err(|source| BenchError::Io {
        path: text.clone(),
        source,
    })?;
    let profile = format!("-env:UserInstallation=file://{}", dir.join("lo").display());
    let convert = || {
        let mut command = Command::new("soffice");
        command
            .arg(&profile)
            .args([
                "--headless",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
            ])
            .arg(dir)
            .arg(&text);
        command
    };
    // The first start creates LibreOffice's profile: not part of the timing.
    run(&mut convert())?;
    let mut reference_ms = Vec::new();
    for _ in 0..runs {
        let mut result = Ok(());
        reference_ms.push(time_ms(|| result = run(&mut convert()).map(|_| ())));
        result?;
    }
    Ok(TimedRuns {
        ours_ms,
        reference_ms,
    })
}

pub struct PdfFigures {
    pub file: PathBuf,
    pub pages: usize,
    pub ours_ms: f64,
    pub pdftotext_ms: f64,
    pub accuracy: f64,
}

/// Our import of each PDF vs `pdftotext` on it (median of `runs`), and how
/// many characters agree.
pub fn pdf_import(files: &[PathBuf], runs: usize) -> Result<Vec<PdfFigures>, BenchError> {
    let mut out = Vec::new();
    for file in files {
        let bytes = std::fs::read(file).map_err(|source| BenchError::Io {
            path: file.clone(),
            source,
        })?;
        let mut imported = None;
        let mut ours = Vec::new();
        for _ in 0..runs.max(1) {
            let mut result = None;
            ours.push(time_ms(|| {
                result = Some(gongwen_formats::import_pdf(&bytes))
            }));
            imported = result;
        }
        let imported = imported
            .ok_or_else(|| BenchError::Engine("no run".into()))?
            .map_err(|e| BenchError::Engine(format!("{}: {e}", file.display())))?;
        let mut reference = String::new();
        let mut theirs = Vec::new();
        for _ in 0..runs.max(1) {
            let mut result = Ok(String::new());
            theirs.push(time_ms(|| {
                result = run(Command::new("pdftotext").arg(file).arg("-"))
                    .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
            }));
            reference = result?;
        }
        out.push(PdfFigures {
            file: file.clone(),
            pages: imported.pages,
            ours_ms: median(&ours),
            pdftotext_ms: median(&theirs),
            accuracy: gongwen_formats::char_accuracy(&imported.text(), &reference),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_long_document_runs_to_fifty_pages_of_text() {
        let doc = long_document(50);
        // Body lines of 28 characters: at least 50 pages of 22 lines.
        let lines: usize = doc
            .body
            .iter()
            .map(|b| b.to_text().chars().count().div_ceil(28))
            .sum();
        assert!(lines >= 50 * 22, "{lines}");
        assert!(!gongwen_formats::export_docx(&doc).unwrap().is_empty());
    }
}
