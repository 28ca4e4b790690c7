//! Cutting a sequence of pieces (paragraphs, sentences) into consecutive
//! runs that fit a budget: how a long document is fed to a model.

use std::ops::Range;

/// Consecutive runs of the pieces whose sizes are given, each of at most
/// `max_items` pieces and `max_size` in all; a piece larger than
/// `max_size` is a run of its own. Pieces are never split or reordered.
pub fn runs(
    sizes: impl IntoIterator<Item = usize>,
    max_items: usize,
    max_size: usize,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut size = 0;
    let mut end = 0;
    for (i, n) in sizes.into_iter().enumerate() {
        if i > start && (i - start >= max_items || size + n > max_size) {
            out.push(start..i);
            start = i;
            size = 0;
        }
        size += n;
        end = i + 1;
    }
    if start < end {
        out.push(start..end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::runs;

    #[test]
    fn runs_keep_to_both_limits_and_never_split_a_piece() {
        assert_eq!(runs([60; 6], 4, 200), [0..3, 3..6]);
        assert_eq!(runs([60; 6], 2, 1000), [0..2, 2..4, 4..6]);
        assert_eq!(runs([500, 10, 10], 8, 100), [0..1, 1..3]);
        assert!(runs([], 4, 100).is_empty());
    }
}
