//! Rewrites the package docx-rs made: every XML part in schema order (see
//! `schema_order`), and settings that keep CJK text on the grid.

use std::io::{Read, Write};

use crate::FormatError;

/// The parts whose properties must come in schema order.
fn needs_reorder(name: &str) -> bool {
    name == "word/document.xml"
        || name == "word/styles.xml"
        || (name.starts_with("word/header") || name.starts_with("word/footer"))
            && name.ends_with(".xml")
}

pub fn put_in_schema_order(package: &[u8]) -> Result<Vec<u8>, FormatError> {
    let write_error = |e: &dyn std::fmt::Display| FormatError::Write(e.to_string());
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(package)).map_err(|e| write_error(&e))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(|e| write_error(&e))?;
        let name = file.name().map_err(|e| write_error(&e))?.into_owned();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(|e| write_error(&e))?;
        if name == "word/document.xml" {
            // No hanging punctuation: a line holds 28 characters, marks
            // included, as the standard counts them.
            let text = String::from_utf8_lossy(&bytes)
                .replace("<w:pPr>", r#"<w:pPr><w:overflowPunct w:val="0" />"#);
            bytes = text.into_bytes();
        }
        if needs_reorder(&name) {
            bytes = super::schema_order::reorder(&bytes).map_err(|e| write_error(&e))?;
        }
        out.start_file(name, options).map_err(|e| write_error(&e))?;
        out.write_all(&bytes).map_err(|e| write_error(&e))?;
    }
    Ok(out.finish().map_err(|e| write_error(&e))?.into_inner())
}
