//! Turning a token stream into text: UTF-8 pieces that split across tokens,
//! stop strings that split across pieces, and loops that never end. Pure.

/// Reassembles UTF-8 from token pieces. A rare character (𠮷) or an emoji
/// can span several tokens; decoding each piece alone would give U+FFFD.
/// One decoder per generation, flushed at the end.
#[derive(Debug, Default)]
pub struct Utf8Stream {
    pending: Vec<u8>,
}

impl Utf8Stream {
    /// Returns the text completed by `bytes`; keeps an incomplete tail.
    pub fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let mut out = String::new();
        loop {
            match std::str::from_utf8(&self.pending) {
                Ok(text) => {
                    out.push_str(text);
                    self.pending.clear();
                    return out;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    // valid_up_to is a char boundary by definition.
                    out.push_str(&String::from_utf8_lossy(&self.pending[..valid]));
                    match e.error_len() {
                        // An incomplete sequence at the end: wait for more.
                        None => {
                            self.pending.drain(..valid);
                            return out;
                        }
                        // Bytes that can never become UTF-8: replace, go on.
                        Some(bad) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            self.pending.drain(..valid + bad);
                        }
                    }
                }
            }
        }
    }

    /// The end of the stream: an incomplete tail becomes U+FFFD.
    pub fn finish(&mut self) -> String {
        let out = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        out
    }
}

/// Holds back text that might be the start of a stop string, so a stop
/// string is never shown even when it arrives in several pieces.
#[derive(Debug)]
pub struct StopMatcher {
    stops: Vec<String>,
    held: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum StopScan {
    /// Text that is safe to show now.
    Continue(String),
    /// A stop string was found: the text before it, to show, and then end.
    Stopped(String),
}

impl StopMatcher {
    pub fn new(stops: &[String]) -> StopMatcher {
        StopMatcher {
            stops: stops.iter().filter(|s| !s.is_empty()).cloned().collect(),
            held: String::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> StopScan {
        self.held.push_str(text);
        let first_stop = self
            .stops
            .iter()
            .filter_map(|stop| self.held.find(stop.as_str()))
            .min();
        if let Some(at) = first_stop {
            let before = self.held[..at].to_owned();
            self.held.clear();
            return StopScan::Stopped(before);
        }
        // Keep the longest tail that is a prefix of some stop string.
        let keep = self
            .stops
            .iter()
            .map(|stop| longest_suffix_prefix(&self.held, stop))
            .max()
            .unwrap_or(0);
        let cut = self.held.len() - keep;
        let ready = self.held[..cut].to_owned();
        self.held.drain(..cut);
        StopScan::Continue(ready)
    }

    /// The end of generation: what was held back is text after all.
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.held)
    }
}

/// Length in bytes of the longest suffix of `text` that is a proper prefix
/// of `stop`, at char boundaries.
fn longest_suffix_prefix(text: &str, stop: &str) -> usize {
    stop.char_indices()
        .skip(1)
        .map(|(i, _)| &stop[..i])
        .filter(|prefix| text.ends_with(prefix))
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// True when the generation has fallen into a loop: the last tokens are the
/// same unit repeated at least `MIN_REPEATS` times, covering at least
/// `MIN_SPAN` tokens. Real 公文 text repeats phrases, but not like this.
pub fn is_looping(tokens: &[i32]) -> bool {
    const MIN_REPEATS: usize = 4;
    const MIN_SPAN: usize = 32;
    const MAX_UNIT: usize = 64;
    (1..=MAX_UNIT).any(|unit| {
        let span = (unit * MIN_REPEATS).max(MIN_SPAN.div_ceil(unit) * unit);
        if span > tokens.len() {
            return false;
        }
        let tail = &tokens[tokens.len() - span..];
        let (first, rest) = tail.split_at(unit);
        rest.chunks(unit).all(|chunk| chunk == first)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_characters_split_across_tokens_are_reassembled() {
        let text = "吉祥𠮷😀龘";
        let bytes = text.as_bytes();
        let mut stream = Utf8Stream::default();
        let mut out = String::new();
        // Feed one byte at a time: the worst split there is.
        for b in bytes {
            out.push_str(&stream.push(std::slice::from_ref(b)));
        }
        out.push_str(&stream.finish());
        assert_eq!(out, text);
        assert!(!out.contains('\u{FFFD}'));
    }

    #[test]
    fn invalid_bytes_become_replacement_characters_without_losing_the_rest() {
        let mut stream = Utf8Stream::default();
        let mut out = stream.push(b"ab\xffcd\xe5");
        out.push_str(&stream.push(b"\x85\xac"));
        out.push_str(&stream.push(b"\xe6"));
        out.push_str(&stream.finish());
        assert_eq!(out, "ab\u{FFFD}cd公\u{FFFD}");
    }

    #[test]
    fn stop_string_across_pieces_is_never_shown() {
        let mut m = StopMatcher::new(&["<|im_end|>".to_owned(), "特此通知。".to_owned()]);
        assert_eq!(
            m.push("请各单位按时报送。<|im"),
            StopScan::Continue("请各单位按时报送。".into())
        );
        assert_eq!(m.push("_en"), StopScan::Continue(String::new()));
        assert_eq!(m.push("d|>多余"), StopScan::Stopped(String::new()));
    }

    #[test]
    fn held_text_that_is_not_a_stop_is_released() {
        let mut m = StopMatcher::new(&["特此通知。".to_owned()]);
        assert_eq!(m.push("特此"), StopScan::Continue(String::new()));
        assert_eq!(
            m.push("说明如下"),
            StopScan::Continue("特此说明如下".into())
        );
        assert_eq!(m.push("特此通"), StopScan::Continue(String::new()));
        assert_eq!(m.finish(), "特此通");
    }

    #[test]
    fn earliest_stop_wins() {
        let mut m = StopMatcher::new(&["乙".to_owned(), "甲".to_owned()]);
        assert_eq!(m.push("一甲二乙"), StopScan::Stopped("一".into()));
    }

    #[test]
    fn loops_are_detected_and_ordinary_text_is_not() {
        let looping: Vec<i32> = (0..40).map(|i| [7, 8, 9][i % 3]).collect();
        assert!(is_looping(&looping));
        let same_token: Vec<i32> = vec![5; 32];
        assert!(is_looping(&same_token));
        assert!(
            !is_looping(&same_token[..31]),
            "too short to call it a loop"
        );
        let ordinary: Vec<i32> = (0..200).collect();
        assert!(!is_looping(&ordinary));
        // A phrase said three times is rhetoric, not a loop.
        let mut rhetoric: Vec<i32> = (100..110).cycle().take(30).collect();
        rhetoric.extend(0..5);
        assert!(!is_looping(&rhetoric));
    }
}
