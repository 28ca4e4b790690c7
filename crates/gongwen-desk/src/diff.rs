//! What changed between two revisions, line by line, for the history view.

use similar::{ChangeTag, TextDiff};

/// One piece of a diff: the same shape as a polish suggestion's, so the
/// window draws both with one view.
pub use gongwen_assist::polish::Op as DiffOp;

/// The lines of `old` and `new`, each kept, removed or added.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffOp> {
    // A last line without its newline is still the same line.
    let (old, new) = (format!("{old}\n"), format!("{new}\n"));
    TextDiff::from_lines(&old, &new)
        .iter_all_changes()
        .map(|change| {
            let line = change.value().trim_end_matches('\n').to_owned();
            match change.tag() {
                ChangeTag::Equal => DiffOp::Equal(line),
                ChangeTag::Delete => DiffOp::Delete(line),
                ChangeTag::Insert => DiffOp::Insert(line),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_lines_show_as_removed_and_added() {
        let ops = diff_lines("标题\n第一段\n第二段", "标题\n第一段（改）\n第二段\n第三段");
        assert_eq!(
            ops,
            [
                DiffOp::Equal("标题".into()),
                DiffOp::Delete("第一段".into()),
                DiffOp::Insert("第一段（改）".into()),
                DiffOp::Equal("第二段".into()),
                DiffOp::Insert("第三段".into()),
            ]
        );
    }
}
