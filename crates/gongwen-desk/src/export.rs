//! Exporting a document as a GB/T 9704 .docx, the same for the window and
//! the command line: the bytes (with tracked changes against a revision if
//! asked), the one way files are written, and what the audit log says.

use std::path::Path;

use gongwen_domain::Document;
use gongwen_formats::{FormatError, Revision, export_docx, export_docx_tracked};

/// Who tracked changes are attributed to in WPS and Word.
const AUTHOR: &str = "公文助手";

/// The .docx of `doc`; with `base` (a revision of the same draft), every
/// change since it is a tracked revision dated `now` that the reader can
/// accept or reject.
pub fn docx_bytes(
    doc: &Document,
    base: Option<&Document>,
    now: &str,
) -> Result<Vec<u8>, FormatError> {
    match base {
        None => export_docx(doc),
        Some(base) => export_docx_tracked(
            base,
            doc,
            &Revision {
                author: AUTHOR.to_owned(),
                date: now.to_owned(),
            },
        ),
    }
}

/// What the audit log records for an export: which draft (if it has been
/// saved), its title, where the file went, and the revision its changes are
/// marked from.
pub fn audit_entry(
    doc: &Document,
    draft: Option<i64>,
    path: &Path,
    tracked_from: Option<i64>,
) -> String {
    let draft = draft.map_or_else(String::new, |id| format!("草稿 {id} "));
    let tracked = tracked_from.map_or_else(String::new, |rev| {
        format!("（标出自修订 {rev} 以来的改动）")
    });
    format!("导出{draft}《{}》到 {}{tracked}", doc.title, path.display())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongwen_domain::{DocKind, structure};

    #[test]
    fn the_audit_says_which_draft_went_where_and_since_when() {
        let doc = Document {
            title: "关于做好防汛工作的通知".into(),
            ..Document::new(DocKind::Notice)
        };
        let path = Path::new("/导出/关于做好防汛工作的通知.docx");
        assert_eq!(
            audit_entry(&doc, Some(3), path, Some(2)),
            "导出草稿 3 《关于做好防汛工作的通知》到 /导出/关于做好防汛工作的通知.docx（标出自修订 2 以来的改动）"
        );
        assert_eq!(
            audit_entry(&doc, None, path, None),
            "导出《关于做好防汛工作的通知》到 /导出/关于做好防汛工作的通知.docx"
        );
    }

    #[test]
    fn a_tracked_export_carries_the_change_as_a_revision() {
        let base = structure("关于做好防汛工作的通知\n各区：\n请于5月1日前报送。", None).document;
        let now = structure("关于做好防汛工作的通知\n各区：\n请于4月30日前报送。", None).document;
        let plain = docx_bytes(&now, None, "2026-05-01T00:00:00Z").unwrap_or_default();
        let tracked = docx_bytes(&now, Some(&base), "2026-05-01T00:00:00Z").unwrap_or_default();
        assert!(!plain.is_empty() && tracked != plain);
    }
}
