//! format → export → import gives back the same text and structure.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use gongwen_domain::{DocKind, structure, to_plain_text};
use gongwen_formats::{export_docx, import_docx};

fn round_trip(text: &str, kind: Option<DocKind>) {
    let doc = structure(text, kind).document;
    let imported = import_docx(&export_docx(&doc).unwrap()).unwrap();
    let again = structure(&imported.text(), kind).document;
    assert_eq!(again, doc, "imported text:\n{}", imported.text());
    assert_eq!(to_plain_text(&again), to_plain_text(&doc));
}

#[test]
fn a_notice_comes_back_the_same() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/notice.txt");
    round_trip(&std::fs::read_to_string(fixture).unwrap(), None);
}

#[test]
fn other_types_and_layouts_come_back_the_same() {
    round_trip(
        "某某县水利局\n某水发〔2026〕3号 签发人：张三\n关于申请防汛物资补助资金的请示\n县人民政府：\n今年汛期以来，我县降雨偏多。\n妥否，请批示。\n某某县水利局\n2026年6月1日",
        None,
    );
    round_trip(
        "关于商请提供有关数据的函\n市统计局：\n为做好相关工作，请提供2025年有关数据。\n请予函复。\n某某市财政局\n2026年6月1日",
        Some(DocKind::Letter),
    );
    round_trip(
        "关于2026年上半年工作情况的报告\n市人民政府：\n一、主要工作\n（一）抓好重点项目。\n1.项目审批提速。\n（1）简化流程。\n特此报告。\n某某市发展和改革委员会\n2026年7月5日",
        None,
    );
}

/// The font table names what to use where the standard's fonts are missing.
#[test]
fn the_font_table_carries_fallbacks() {
    let doc = structure("关于召开会议的通知\n各单位：\n请参加。", None).document;
    let bytes = export_docx(&doc).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("word/fontTable.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    for (font, alt) in [
        ("仿宋_GB2312", "仿宋"),
        ("楷体_GB2312", "楷体"),
        ("方正小标宋简体", "宋体"),
    ] {
        assert!(
            xml.contains(&format!(
                r#"<w:font w:name="{font}"><w:altName w:val="{alt}" />"#
            )),
            "{xml}"
        );
    }
}
