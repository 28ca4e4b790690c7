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

/// The standard's fonts with what Word and WPS should use where one is not
/// installed (`w:altName`): the GB2312 releases of 仿宋/楷体 ship with older
/// Windows and most 机关 PCs, the plain ones with every Chinese Windows;
/// 方正小标宋 falls back to 宋体. Charset 86 is GB2312.
const FONT_TABLE_ENTRIES: &str = concat!(
    r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋" /><w:charset w:val="86" /><w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>"#,
    r#"<w:font w:name="楷体_GB2312"><w:altName w:val="楷体" /><w:charset w:val="86" /><w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>"#,
    r#"<w:font w:name="黑体"><w:altName w:val="SimHei" /><w:charset w:val="86" /><w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>"#,
    r#"<w:font w:name="方正小标宋简体"><w:altName w:val="宋体" /><w:charset w:val="86" /><w:family w:val="script" /><w:pitch w:val="fixed" /></w:font>"#,
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun" /><w:charset w:val="86" /><w:family w:val="auto" /><w:pitch w:val="variable" /></w:font>"#,
);

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
        if name == "word/fontTable.xml" {
            let text = String::from_utf8_lossy(&bytes)
                .replace("</w:fonts>", &format!("{FONT_TABLE_ENTRIES}</w:fonts>"));
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
