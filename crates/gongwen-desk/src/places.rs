//! Where each paragraph of a document is in the form, so a summary's
//! citation (a paragraph number) can scroll to and highlight its source.

use gongwen_domain::{Part, paragraphs::is_blank, plain_lines};
use serde::Serialize;
use ts_rs::TS;

use crate::{check::fields_of, form::DraftForm};

/// A paragraph's place: the field it is in and, in the body, the editor's
/// line (0-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Place {
    pub field: &'static str,
    pub line: Option<usize>,
}

/// The document's text as a summary reads it (one paragraph a line) and
/// the place of each paragraph, in order.
pub fn paragraphs(form: &DraftForm) -> (String, Vec<Place>) {
    let (doc, _) = form.to_document();
    // The k-th body block is the k-th non-blank line of the editor's text.
    let mut body_lines = form
        .body
        .lines()
        .enumerate()
        .filter(|(_, l)| !is_blank(l))
        .map(|(i, _)| i);
    let mut text = String::new();
    let mut places = Vec::new();
    for line in plain_lines(&doc) {
        if is_blank(&line.text) {
            continue;
        }
        let place = if line.part == Part::Body {
            Place {
                field: "body",
                line: body_lines.next(),
            }
        } else {
            Place {
                field: fields_of(line.part).first().copied().unwrap_or("body"),
                line: None,
            }
        };
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&line.text);
        places.push(place);
    }
    (text, places)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongwen_domain::DocKind;

    #[test]
    fn body_paragraphs_point_at_editor_lines_past_blank_ones() {
        let mut form = DraftForm::new(DocKind::Notice);
        form.title = "关于开展检查的通知".into();
        form.recipients = "各区人民政府".into();
        form.body = "第一段。\n\n　　第二段。\n一、标题\n".into();
        form.date = "2026年11月29日".into();
        let (text, places) = paragraphs(&form);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), places.len());
        assert_eq!(lines[0], "关于开展检查的通知");
        assert_eq!(
            places[0],
            Place {
                field: "title",
                line: None
            }
        );
        assert_eq!(places[1].field, "recipients");
        assert_eq!(lines[3], "第二段。");
        assert_eq!(
            places[3],
            Place {
                field: "body",
                line: Some(2)
            }
        );
        assert_eq!(
            places[4],
            Place {
                field: "body",
                line: Some(3)
            }
        );
        assert_eq!(places[5].field, "date");
    }
}
