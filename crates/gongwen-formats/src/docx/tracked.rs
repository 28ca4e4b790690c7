//! Word revisions (w:ins / w:del) between two versions of a document, so a
//! reviewer sees in WPS or Word what changed since the base revision and
//! can accept or reject each change there.

use docx_rs::{Delete, Insert, Paragraph, Run};
use similar::{Algorithm, DiffTag, capture_diff_slices};

/// Who made the changes and when (ISO 8601), as Word shows them.
#[derive(Debug, Clone)]
pub struct Revision {
    pub author: String,
    pub date: String,
}

/// Adds runs to `p` that turn `old` into `new`: unchanged text as is,
/// removed text in w:del, added text in w:ins. `styled` gives a run its
/// font and size.
pub(super) fn diff_runs(
    mut p: Paragraph,
    old: &str,
    new: &str,
    revision: &Revision,
    styled: &dyn Fn(Run) -> Run,
) -> Paragraph {
    let old: Vec<char> = old.chars().collect();
    let new: Vec<char> = new.chars().collect();
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let removed: String = old[old_range].iter().collect();
        let added: String = new[new_range].iter().collect();
        match tag {
            DiffTag::Equal => p = p.add_run(styled(Run::new().add_text(added))),
            DiffTag::Delete => p = p.add_delete(deleted(&removed, revision, styled)),
            DiffTag::Insert => p = p.add_insert(inserted(&added, revision, styled)),
            DiffTag::Replace => {
                p = p
                    .add_delete(deleted(&removed, revision, styled))
                    .add_insert(inserted(&added, revision, styled));
            }
        }
    }
    p
}

fn deleted(text: &str, revision: &Revision, styled: &dyn Fn(Run) -> Run) -> Delete {
    Delete::new()
        .add_run(styled(Run::new().add_delete_text(text)))
        .author(&revision.author)
        .date(&revision.date)
}

fn inserted(text: &str, revision: &Revision, styled: &dyn Fn(Run) -> Run) -> Insert {
    Insert::new(styled(Run::new().add_text(text)))
        .author(&revision.author)
        .date(&revision.date)
}

/// How the paragraphs of the new version line up with the old: pairs of
/// (old, new) where a side is `None` for a paragraph added or removed.
pub(super) fn align<'a>(
    old: &'a [String],
    new: &'a [String],
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut out = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, old, new) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal | DiffTag::Replace => {
                // Replaced paragraphs pair up in order; the longer side's
                // rest is added or removed whole.
                let (mut o, mut n) = (old_range.into_iter(), new_range.into_iter());
                loop {
                    match (o.next(), n.next()) {
                        (None, None) => break,
                        pair => out.push(pair),
                    }
                }
            }
            DiffTag::Delete => out.extend(old_range.map(|i| (Some(i), None))),
            DiffTag::Insert => out.extend(new_range.map(|i| (None, Some(i)))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_line_up_across_insertions_and_deletions() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let old = s(&["甲", "乙", "丙", "丁"]);
        let new = s(&["甲", "乙改", "丁", "戊"]);
        let pairs = align(&old, &new);
        assert!(pairs.contains(&(Some(0), Some(0))));
        assert!(pairs.contains(&(Some(3), Some(2))));
        assert!(pairs.contains(&(None, Some(3))));
        let olds: Vec<usize> = pairs.iter().filter_map(|p| p.0).collect();
        let news: Vec<usize> = pairs.iter().filter_map(|p| p.1).collect();
        assert_eq!(olds, [0, 1, 2, 3]);
        assert_eq!(news, [0, 1, 2, 3]);
    }
}
