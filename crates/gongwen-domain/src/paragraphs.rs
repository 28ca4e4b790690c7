//! One reading of a text's lines for every part of the program: paragraph
//! k of a text is its k-th non-blank line, trimmed of indents (full-width
//! spaces too) and trailing space. Summaries cite paragraphs by that number
//! and the window finds them by it, so structure, proofreading, summaries
//! and the desk must all read lines this way.

/// A non-blank line: its text and the byte offset where that text starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph<'a> {
    pub at: usize,
    pub text: &'a str,
}

impl Paragraph<'_> {
    /// Byte range of the paragraph's text in the whole text.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.at..self.at + self.text.len()
    }
}

/// A line without its indent or trailing space (`char::is_whitespace`
/// covers the full-width space U+3000 and a CR before the line's end).
pub fn trimmed(line: &str) -> &str {
    line.trim_matches(char::is_whitespace)
}

/// Whether a line holds nothing: such lines are no paragraph.
pub fn is_blank(line: &str) -> bool {
    trimmed(line).is_empty()
}

/// The text's paragraphs, in order.
pub fn paragraphs(text: &str) -> Vec<Paragraph<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    for raw in text.split_inclusive('\n') {
        let leading = raw.len() - raw.trim_start_matches(char::is_whitespace).len();
        let content = trimmed(raw);
        if !content.is_empty() {
            out.push(Paragraph {
                at: at + leading,
                text: content,
            });
        }
        at += raw.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_the_non_blank_lines_trimmed_with_their_places() {
        let text = "　　关于做好防汛工作的通知\r\n\n  \u{3000}\n各区县：\n　　一、加强值守。 ";
        let found: Vec<(&str, usize)> = paragraphs(text).iter().map(|p| (p.text, p.at)).collect();
        assert_eq!(
            found,
            [
                ("关于做好防汛工作的通知", 6),
                ("各区县：", text.find("各区县").unwrap_or(0)),
                ("一、加强值守。", text.find("一、").unwrap_or(0)),
            ]
        );
        for p in paragraphs(text) {
            assert_eq!(&text[p.range()], p.text);
        }
        // The same lines as `str::lines` gives, trimmed and without blanks.
        let by_lines: Vec<&str> = text
            .lines()
            .map(trimmed)
            .filter(|l| !l.is_empty())
            .collect();
        let texts: Vec<&str> = paragraphs(text).iter().map(|p| p.text).collect();
        assert_eq!(texts, by_lines);
        assert!(is_blank("\u{3000}\t \r"));
        assert!(!is_blank("　一"));
    }
}
