//! .pdf → text, one line per paragraph, with lopdf.
//!
//! Text comes through each font's encoding (ToUnicode CMaps, CID fonts). A
//! PDF has no paragraphs, only positioned strings, so this walks the content
//! stream keeping the graphics and text matrices, puts the strings on lines
//! by their baselines, orders lines top to bottom and strings left to right,
//! drops page numbers ("— 1 —"), and joins lines into paragraphs: a line
//! continues the one above it when it starts at the left edge and the one
//! above ran to the right edge, also across a page break.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Document, Encoding, Object};

use crate::ImportError;

/// Bound on each page's decompressed content and each font's CMap.
const MAX_PAGE_CONTENT: usize = 32 * 1024 * 1024;
const MAX_PAGES: usize = 5_000;

/// Bounds on the whole document, whatever its pages share: 5,000 pages may
/// all point at one 32 MB content stream. A real 公文 of 5,000 pages has a
/// few hundred MB of content and well under 20 million characters.
#[derive(Debug, Default)]
struct Budget {
    content: usize,
    operations: usize,
    chars: usize,
}

impl Budget {
    const CONTENT: usize = 512 * 1024 * 1024;
    const OPERATIONS: usize = 50_000_000;
    const CHARS: usize = 20_000_000;

    fn spend(
        &mut self,
        content: usize,
        operations: usize,
        chars: usize,
    ) -> Result<(), ImportError> {
        self.content += content;
        self.operations += operations;
        self.chars += chars;
        let over = if self.content > Self::CONTENT {
            Some("页面内容")
        } else if self.operations > Self::OPERATIONS {
            Some("绘制指令")
        } else if self.chars > Self::CHARS {
            Some("文字")
        } else {
            None
        };
        match over {
            Some(what) => Err(ImportError::PdfTooComplex(what)),
            None => Ok(()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPdf {
    pub paragraphs: Vec<String>,
    pub pages: usize,
}

impl ImportedPdf {
    pub fn text(&self) -> String {
        let mut text = self.paragraphs.join("\n");
        text.push('\n');
        text
    }
}

/// A string as placed on the page: its start and baseline in points (y
/// upwards, as PDF has it) and its font size.
#[derive(Debug, Clone)]
struct Piece {
    x: f64,
    y: f64,
    size: f64,
    text: String,
}

#[derive(Debug, Clone)]
struct Line {
    x: f64,
    y: f64,
    size: f64,
    text: String,
}

impl Line {
    /// Where the line ends, estimated from its characters: CJK one em, ASCII
    /// half (the pieces carry no glyph widths).
    fn right(&self) -> f64 {
        self.x + ems(&self.text) * self.size
    }
}

/// Width of `text` in ems: CJK one, ASCII half.
fn ems(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn numbers(operands: &[Object]) -> Vec<f64> {
    operands
        .iter()
        .filter_map(|o| o.as_float().ok().map(f64::from))
        .collect()
}

fn damaged(e: impl std::fmt::Display) -> ImportError {
    ImportError::Damaged(format!("PDF 无法解析：{e}"))
}

pub fn import_pdf(bytes: &[u8]) -> Result<ImportedPdf, ImportError> {
    // lopdf parses hostile input; should it ever panic on a malformed file,
    // that is a damaged file to the user, not a crash.
    std::panic::catch_unwind(|| import_pdf_unguarded(bytes))
        .unwrap_or_else(|_| Err(ImportError::Damaged("PDF 结构异常，解析中止".into())))
}

fn import_pdf_unguarded(bytes: &[u8]) -> Result<ImportedPdf, ImportError> {
    if !bytes.starts_with(b"%PDF") {
        return Err(ImportError::Damaged("不是 PDF 文件".into()));
    }
    // The page tree's own count first: parsing every object of a PDF with
    // 100,000 pages takes hundreds of MB before the pages could be counted.
    if let Ok(metadata) = Document::load_metadata_mem(bytes)
        && metadata.page_count as usize > MAX_PAGES
    {
        return Err(ImportError::TooManyPages {
            pages: metadata.page_count as usize,
            limit: MAX_PAGES,
        });
    }
    // lopdf opens a PDF encrypted with an empty user password by itself;
    // anything else needs a password we do not have.
    let doc = Document::load_mem(bytes).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => ImportError::EncryptedPdf,
        e => damaged(e),
    })?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err(ImportError::EncryptedPdf);
    }
    let pages = doc.get_pages();
    if pages.len() > MAX_PAGES {
        return Err(ImportError::TooManyPages {
            pages: pages.len(),
            limit: MAX_PAGES,
        });
    }
    let mut all_lines: Vec<Vec<Line>> = Vec::with_capacity(pages.len());
    let mut budget = Budget::default();
    for page_id in pages.values() {
        all_lines.push(page_lines(&doc, *page_id, &mut budget)?);
    }
    if all_lines.iter().all(Vec::is_empty) {
        return Err(ImportError::Scanned);
    }
    Ok(ImportedPdf {
        paragraphs: paragraphs(&all_lines),
        pages: pages.len(),
    })
}

fn page_lines(
    doc: &Document,
    page_id: lopdf::ObjectId,
    budget: &mut Budget,
) -> Result<Vec<Line>, ImportError> {
    let fonts = doc.get_page_fonts(page_id).map_err(damaged)?;
    let encodings: BTreeMap<Vec<u8>, Encoding> = fonts
        .into_iter()
        .filter_map(|(name, font)| {
            font.get_font_encoding_with_limit(doc, MAX_PAGE_CONTENT)
                .ok()
                .map(|e| (name, e))
        })
        .collect();
    let data = doc
        .get_page_content_with_limit(page_id, MAX_PAGE_CONTENT)
        .map_err(damaged)?;
    budget.spend(data.len(), 0, 0)?;
    let content = Content::decode(&data).map_err(damaged)?;
    budget.spend(0, content.operations.len(), 0)?;

    let mut pieces = Vec::new();
    let mut ctm = IDENTITY;
    let mut stack: Vec<Matrix> = Vec::new();
    let mut tm = IDENTITY;
    let mut tlm = IDENTITY;
    let mut leading = 0.0;
    let mut font: Option<&Encoding> = None;
    let mut size = 0.0;
    for op in &content.operations {
        let n = numbers(&op.operands);
        match op.operator.as_str() {
            "q" => stack.push(ctm),
            "Q" => ctm = stack.pop().unwrap_or(IDENTITY),
            "cm" if n.len() == 6 => ctm = multiply(&[n[0], n[1], n[2], n[3], n[4], n[5]], &ctm),
            "BT" => {
                tm = IDENTITY;
                tlm = IDENTITY;
            }
            "Tf" => {
                font = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| encodings.get(name));
                size = n.first().copied().unwrap_or(size);
            }
            "TL" if !n.is_empty() => leading = n[0],
            "Tm" if n.len() == 6 => {
                tm = [n[0], n[1], n[2], n[3], n[4], n[5]];
                tlm = tm;
            }
            "Td" | "TD" if n.len() == 2 => {
                if op.operator == "TD" {
                    leading = -n[1];
                }
                tlm = multiply(&[1.0, 0.0, 0.0, 1.0, n[0], n[1]], &tlm);
                tm = tlm;
            }
            "T*" => {
                tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                tm = tlm;
            }
            "Tj" | "TJ" | "'" | "\"" => {
                if matches!(op.operator.as_str(), "'" | "\"") {
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                    tm = tlm;
                }
                let Some(encoding) = font else { continue };
                let mut text = String::new();
                collect(&mut text, encoding, &op.operands);
                if text.trim().is_empty() {
                    continue;
                }
                budget.spend(0, 0, text.chars().count())?;
                let m = multiply(&tm, &ctm);
                // The rendered size: the font size scaled by the matrices.
                let scale = (m[2] * m[2] + m[3] * m[3]).sqrt();
                pieces.push(Piece {
                    x: m[4],
                    y: m[5],
                    size: (size * scale).abs().max(1.0),
                    text,
                });
            }
            _ => {}
        }
    }
    Ok(lines(pieces))
}

fn collect(out: &mut String, encoding: &Encoding, operands: &[Object]) {
    for operand in operands {
        match operand {
            Object::String(bytes, _) => {
                let _ = encoding.write_to_string(bytes, out);
            }
            Object::Array(items) => collect(out, encoding, items),
            _ => {}
        }
    }
}

/// Pieces on the same baseline (within a fifth of the font size) make a
/// line; lines run top to bottom, pieces left to right.
fn lines(mut pieces: Vec<Piece>) -> Vec<Line> {
    pieces.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut lines: Vec<(Line, Vec<Piece>)> = Vec::new();
    for piece in pieces {
        match lines.last_mut() {
            Some((line, members)) if (line.y - piece.y).abs() <= line.size * 0.2 => {
                line.size = line.size.max(piece.size);
                members.push(piece);
            }
            _ => lines.push((
                Line {
                    x: piece.x,
                    y: piece.y,
                    size: piece.size,
                    text: String::new(),
                },
                vec![piece],
            )),
        }
    }
    lines
        .into_iter()
        .map(|(mut line, mut members)| {
            members.sort_by(|a, b| a.x.total_cmp(&b.x));
            line.x = members.first().map_or(line.x, |p| p.x);
            // A wide gap between pieces (a tab: 印发机关 … 印发日期) is a space.
            let mut text = String::new();
            let mut end = f64::NEG_INFINITY;
            for p in &members {
                if p.x - end > p.size && !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(&p.text);
                end = p.x + ems(&p.text) * p.size;
            }
            line.text = text.trim().to_owned();
            line
        })
        .collect()
}

fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(inner) = t
        .strip_prefix(['—', '-', '－'])
        .and_then(|t| t.strip_suffix(['—', '-', '－']))
    else {
        return false;
    };
    !inner.is_empty() && inner.len() <= 4 && inner.chars().all(|c| c.is_ascii_digit())
}

/// Joins lines into paragraphs. A line continues the paragraph when the
/// line before it reached the right edge of the text (within 1.5 em) and
/// this one starts at the left edge (within half an em), on the same page
/// or the next.
fn paragraphs(pages: &[Vec<Line>]) -> Vec<String> {
    let body: Vec<Vec<&Line>> = pages
        .iter()
        .map(|lines| lines.iter().filter(|l| !is_page_number(&l.text)).collect())
        .collect();
    let left = body
        .iter()
        .flatten()
        .map(|l| l.x)
        .fold(f64::INFINITY, f64::min);
    // The right edge: where most long lines end (a line with a hanging mark
    // or a wide title would overshoot a maximum).
    let mut rights: Vec<f64> = body
        .iter()
        .flatten()
        .filter(|l| l.text.chars().count() >= 10)
        .map(|l| l.right())
        .collect();
    rights.sort_by(f64::total_cmp);
    let right = rights
        .get(rights.len() / 2)
        .copied()
        .unwrap_or(f64::INFINITY);
    // The body's font size: the most common one.
    let mut sizes: BTreeMap<i64, usize> = BTreeMap::new();
    for l in body.iter().flatten() {
        *sizes.entry(l.size.round() as i64).or_default() += l.text.chars().count();
    }
    let body_size = sizes
        .iter()
        .max_by_key(|(_, count)| **count)
        .map_or(0.0, |(size, _)| *size as f64);
    let centre = (left + right) / 2.0;
    let centred = |l: &Line| ((l.x + l.right()) / 2.0 - centre).abs() <= l.size;
    let mut out: Vec<String> = Vec::new();
    let mut previous: Option<&Line> = None;
    for line in body.iter().flatten() {
        let continues = previous.is_some_and(|p| {
            let em = p.size.max(line.size);
            let same_size = (p.size - line.size).abs() < 0.5;
            let wrapped = p.right() >= right - 1.5 * em && (line.x - left).abs() <= 0.5 * em;
            // A title broken over centred lines, in a larger size than the body.
            let title = centred(p) && centred(line) && line.size > body_size + 1.0;
            same_size && (wrapped || title)
        });
        match out.last_mut() {
            Some(paragraph) if continues => paragraph.push_str(&line.text),
            _ => out.push(line.text.clone()),
        }
        previous = Some(line);
    }
    out
}

/// How much of `ours` matches `reference` (e.g. pdftotext's output), as a
/// share of the longer of the two: whitespace ignored, page-number lines
/// left out of both (we drop them on purpose).
pub fn char_accuracy(ours: &str, reference: &str) -> f64 {
    let clean = |s: &str| -> Vec<char> {
        s.lines()
            .filter(|l| !is_page_number(l))
            .flat_map(str::chars)
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let (a, b) = (clean(ours), clean(reference));
    let equal: usize = similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b)
        .iter()
        .filter_map(|op| match op {
            similar::DiffOp::Equal { len, .. } => Some(*len),
            _ => None,
        })
        .sum();
    equal as f64 / a.len().max(b.len()).max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(x: f64, size: f64, text: &str) -> Line {
        Line {
            x,
            y: 0.0,
            size,
            text: text.into(),
        }
    }

    #[test]
    fn full_lines_join_and_indented_lines_start_paragraphs() {
        // 28 characters from the left edge, 26 after a two-character indent.
        let full = "为".repeat(28);
        let first = "做".repeat(26);
        let page1 = vec![
            line(111.0, 16.0, &first),
            line(79.0, 16.0, "财产安全。"),
            line(111.0, 16.0, &first),
            line(79.0, 16.0, &full),
            line(300.0, 14.0, "— 1 —"),
        ];
        let page2 = vec![line(79.0, 16.0, "接续上页。"), line(300.0, 14.0, "— 2 —")];
        let out = paragraphs(&[page1, page2]);
        assert_eq!(
            out,
            [
                format!("{first}财产安全。"),
                format!("{first}{full}接续上页。"),
            ]
        );
    }

    #[test]
    fn accuracy_counts_matching_characters() {
        assert_eq!(char_accuracy("甲乙丙\n— 1 —", "甲 乙 丙\n\n- 1 -"), 1.0);
        assert_eq!(char_accuracy("甲乙", "甲乙丙丁"), 0.5);
        assert_eq!(char_accuracy("", ""), 0.0);
    }

    #[test]
    fn page_numbers_are_recognised() {
        for t in ["— 1 —", "—12—", "- 3 -", "－4－"] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["2026", "一、总体要求", "—", "—一—"] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    /// A page that is only an image, as a scanner makes it.
    #[test]
    fn a_scanned_pdf_is_reported_as_such() {
        use lopdf::{Stream, dictionary};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let image = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            },
            vec![0],
        ));
        let content = doc.add_object(Stream::new(
            dictionary! {},
            b"q 595 0 0 842 0 0 cm /Im1 Do Q".to_vec(),
        ));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => image } },
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        assert_eq!(import_pdf(&bytes).unwrap_err().code(), "import-scanned");
    }

    #[test]
    fn broken_and_foreign_files_get_clear_errors() {
        assert_eq!(import_pdf(b"hello").unwrap_err().code(), "import-damaged");
        assert_eq!(
            import_pdf(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")
                .unwrap_err()
                .code(),
            "import-damaged"
        );
    }
}
