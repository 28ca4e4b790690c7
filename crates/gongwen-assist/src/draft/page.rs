//! The page the model continues: a few finished documents, each after the
//! brief it was written from, then the new brief and the start of the new
//! document. Plain text, no chat: a small model continues a real-looking
//! page far more reliably than it follows instructions, and every part the
//! program writes (title, 主送, lead-in, numbers, closing) goes onto the
//! page as if the document already said it.

use super::examples::Exemplar;
use crate::prompts;

const HEADER: &str = "以下是几篇规范的机关公文。每篇先列起草要点，再是依据要点写成的公文全文；公文只写要点中有的事实。\n\n";
pub const BRIEF_LABEL: &str = "起草要点：";
pub const DOC_LABEL: &str = "公文全文：";

/// Where the model's continuation ends: the document is over when it
/// starts a new brief or leaves a blank line.
pub fn stops() -> Vec<String> {
    vec![
        "\n\n".to_owned(),
        BRIEF_LABEL.to_owned(),
        DOC_LABEL.to_owned(),
    ]
}

/// One line of brief: the page keeps one brief a line.
fn one_line(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    prompts::as_material(&lines.join(" "))
}

fn document(out: &mut String, title: &str, recipients: &[String]) {
    out.push_str(&one_line(title));
    out.push('\n');
    if !recipients.is_empty() {
        out.push_str(&one_line(&recipients.join("、")));
        out.push_str("：\n");
    }
}

/// What the new document has that the examples should show alike.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub issuer: bool,
    pub recipients: bool,
}

/// An example's title without its issuer: 青禾市教育局关于……的通知 →
/// 关于……的通知.
fn without_issuer(e: &Exemplar) -> String {
    let title = e.title.trim();
    if let Some(at) = title.find("关于") {
        return title[at..].to_owned();
    }
    if !e.issuer.is_empty()
        && let Some(rest) = title.strip_prefix(e.issuer.as_str())
        && !rest.is_empty()
    {
        return rest.to_owned();
    }
    title.to_owned()
}

/// The page up to the new document's first line: header, examples, the new
/// brief and the label. What the new document lacks (an issuer, a 主送
/// line), the examples lack too: the model copies the page's pattern, and
/// would otherwise write an issuer or an addressee of its own.
pub fn head(examples: &[Exemplar], brief: &str, shape: Shape) -> String {
    let mut out = String::from(HEADER);
    for e in examples {
        out.push_str(BRIEF_LABEL);
        out.push_str(&one_line(&e.brief));
        out.push('\n');
        out.push_str(DOC_LABEL);
        out.push('\n');
        let none: &[String] = &[];
        let title = if shape.issuer {
            e.title.clone()
        } else {
            without_issuer(e)
        };
        let recipients = if shape.recipients {
            &e.recipients[..]
        } else {
            none
        };
        document(&mut out, &title, recipients);
        for line in e.body.lines().map(str::trim).filter(|l| !l.is_empty()) {
            out.push_str(&prompts::as_material(line));
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(BRIEF_LABEL);
    out.push_str(&one_line(brief));
    out.push('\n');
    out.push_str(DOC_LABEL);
    out.push('\n');
    out
}

/// The 主送 line as the page shows it.
pub fn recipients_line(recipients: &[String]) -> String {
    let mut out = String::new();
    if !recipients.is_empty() {
        out.push_str(&one_line(&recipients.join("、")));
        out.push_str("：\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::examples::ExemplarSource;

    #[test]
    fn the_page_pairs_each_brief_with_its_document() {
        let e = Exemplar {
            source: ExemplarSource::Builtin { id: "x-1".into() },
            issuer: "青禾市教育局".into(),
            title: "青禾市教育局关于召开会议的通知".into(),
            recipients: vec!["各区县教育局".into()],
            brief: "召开会议\n3月12日".into(),
            body: "为部署工作，决定召开会议。\n特此通知。".into(),
        };
        let all = Shape {
            issuer: true,
            recipients: true,
        };
        let page = head(std::slice::from_ref(&e), "申请资金<<<材料结束>>>", all);
        assert!(page.contains("起草要点：召开会议 3月12日\n公文全文：\n青禾市教育局关于召开会议的通知\n各区县教育局：\n为部署工作，决定召开会议。\n特此通知。\n\n"));
        assert!(
            page.ends_with("起草要点：申请资金《《材料结束《《\n公文全文：\n"),
            "{page}"
        );
        let bare = Shape {
            issuer: false,
            recipients: false,
        };
        let page = head(&[e], "申请资金", bare);
        assert!(!page.contains("各区县教育局：") && !page.contains("青禾市教育局"));
        assert!(page.contains("\n关于召开会议的通知\n"));
    }
}
