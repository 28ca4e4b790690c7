//! Reasoning models (DeepSeek-R1 and its distillations, QwQ…) think aloud
//! between `<think>` and `</think>` before they answer. That text is never
//! part of a draft, a summary point or a polish result: it is split off as
//! the stream arrives, tags cut across token pieces included. Some chat
//! templates open the block themselves (the answer then starts inside it
//! and only `</think>` shows).

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

/// Splits a stream of pieces into the answer and the thinking.
#[derive(Debug, Default)]
pub struct ThinkSplitter {
    thinking: bool,
    /// Text that may be the start of a tag, held back until it is not.
    held: String,
    /// Everything thought so far.
    pub thought: String,
    /// A think block just closed: the answer's leading blank space is
    /// dropped, however it arrives.
    after_block: bool,
}

impl ThinkSplitter {
    /// `inside`: the prompt already opened a think block.
    pub fn new(inside: bool) -> ThinkSplitter {
        ThinkSplitter {
            thinking: inside,
            ..ThinkSplitter::default()
        }
    }

    /// Takes a piece; returns the part of it that belongs to the answer
    /// and can be shown now.
    pub fn push(&mut self, piece: &str) -> String {
        self.held.push_str(piece);
        let mut answer = String::new();
        loop {
            let tag = if self.thinking { CLOSE } else { OPEN };
            if let Some(at) = self.held.find(tag) {
                let before: String = self.held[..at].to_owned();
                self.emit(&before, &mut answer);
                self.held.drain(..at + tag.len());
                self.thinking = !self.thinking;
                self.after_block = !self.thinking;
                continue;
            }
            // Keep back what could still grow into the tag.
            let keep = partial_suffix(&self.held, tag);
            let ready = self.held.len() - keep;
            let ready_text: String = self.held[..ready].to_owned();
            self.emit(&ready_text, &mut answer);
            self.held.drain(..ready);
            return answer;
        }
    }

    /// The end of the stream: whatever is held is text of its side.
    pub fn finish(&mut self) -> String {
        let held = std::mem::take(&mut self.held);
        let mut answer = String::new();
        self.emit(&held, &mut answer);
        answer
    }

    pub fn is_thinking(&self) -> bool {
        self.thinking
    }

    fn emit(&mut self, text: &str, answer: &mut String) {
        if self.thinking {
            self.thought.push_str(text);
            return;
        }
        let text = if self.after_block {
            let trimmed = text.trim_start();
            self.after_block = trimmed.is_empty();
            trimmed
        } else {
            text
        };
        answer.push_str(text);
    }
}

/// The length of the longest suffix of `text` that is a proper prefix of
/// `tag` (on a character boundary).
fn partial_suffix(text: &str, tag: &str) -> usize {
    (1..tag.len())
        .rev()
        .find(|&n| {
            text.len() >= n && text.is_char_boundary(text.len() - n) && text.ends_with(&tag[..n])
        })
        .unwrap_or(0)
}

/// Splits a whole text at once.
pub fn split(text: &str, inside: bool) -> (String, String) {
    let mut s = ThinkSplitter::new(inside);
    let mut answer = s.push(text);
    answer.push_str(&s.finish());
    (answer, s.thought)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(pieces: &[&str], inside: bool) -> (String, String) {
        let mut s = ThinkSplitter::new(inside);
        let mut answer = String::new();
        for p in pieces {
            answer.push_str(&s.push(p));
        }
        answer.push_str(&s.finish());
        (answer, s.thought)
    }

    #[test]
    fn thinking_never_reaches_the_answer() {
        let (answer, thought) = stream(
            &[
                "<th",
                "ink>用户要一份",
                "请示。</th",
                "ink>\n\n为保障",
                "师生安全",
            ],
            false,
        );
        assert_eq!(answer, "为保障师生安全");
        assert_eq!(thought, "用户要一份请示。");
    }

    #[test]
    fn a_template_may_open_the_block() {
        let (answer, thought) = stream(&["先想一想", "。</think>", "特此通知。"], true);
        assert_eq!(
            (answer.as_str(), thought.as_str()),
            ("特此通知。", "先想一想。")
        );
    }

    #[test]
    fn an_unclosed_block_is_all_thinking() {
        let (answer, thought) = stream(&["前言", "<think>", "没想完"], false);
        assert_eq!((answer.as_str(), thought.as_str()), ("前言", "没想完"));
    }

    #[test]
    fn a_lone_angle_bracket_is_text() {
        let (answer, _) = stream(&["a<", "b", "<t", "x"], false);
        assert_eq!(answer, "a<b<tx");
        assert_eq!(
            split("无思考的回答", false),
            ("无思考的回答".to_owned(), String::new())
        );
    }

    #[test]
    fn pieces_of_every_size_split_alike() {
        let text = "<think>考虑文种和结语。</think>\n现将有关事项通知如下：一、<次要>";
        let want = split(text, false);
        let chars: Vec<char> = text.chars().collect();
        for size in 1..6 {
            let pieces: Vec<String> = chars.chunks(size).map(|c| c.iter().collect()).collect();
            let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
            assert_eq!(stream(&refs, false), want, "{size}");
        }
        assert_eq!(want.0, "现将有关事项通知如下：一、<次要>");
    }
}
