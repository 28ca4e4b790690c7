//! docx-rs writes the children of `w:rPr`, `w:pPr` and `w:sectPr` in its
//! own order; the WordprocessingML schema fixes one (ECMA-376 Part 1,
//! §17.3.2.28, §17.3.1.26, §17.6.17) and Word is reported to drop or
//! "repair" what is out of order. This pass puts them in schema order.

use quick_xml::events::Event;
use quick_xml::{Reader, Writer};

const RPR: &[&str] = &[
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
    "w:ins",
    "w:del",
    "w:moveFrom",
    "w:moveTo",
    "w:rPrChange",
];

const PPR: &[&str] = &[
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
];

const SECTPR: &[&str] = &[
    "w:headerReference",
    "w:footerReference",
    "w:footnotePr",
    "w:endnotePr",
    "w:type",
    "w:pgSz",
    "w:pgMar",
    "w:paperSrc",
    "w:pgBorders",
    "w:lnNumType",
    "w:pgNumType",
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
];

fn order_of(parent: &[u8]) -> Option<&'static [&'static str]> {
    match parent {
        b"w:rPr" => Some(RPR),
        b"w:pPr" => Some(PPR),
        b"w:sectPr" => Some(SECTPR),
        _ => None,
    }
}

/// One parsed element with everything inside it.
struct Node {
    start: Event<'static>,
    children: Vec<Child>,
    /// Written as `<x/>`.
    empty: bool,
}

enum Child {
    Node(Node),
    Other(Event<'static>),
}

fn name_of(event: &Event<'_>) -> Vec<u8> {
    match event {
        Event::Start(e) | Event::Empty(e) => e.name().as_ref().as_bytes().to_vec(),
        _ => Vec::new(),
    }
}

/// Rewrites `xml` with the children of rPr/pPr/sectPr in schema order.
/// Children the schema list does not know keep their place at the end.
pub fn reorder(xml: &[u8]) -> Result<Vec<u8>, quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    let mut stack: Vec<Node> = vec![Node {
        start: Event::Text(quick_xml::events::BytesText::new("")),
        children: Vec::new(),
        empty: false,
    }];
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf)?.into_owned();
        match event {
            Event::Eof => break,
            Event::Start(_) => stack.push(Node {
                start: event,
                children: Vec::new(),
                empty: false,
            }),
            Event::End(_) => {
                let mut node = stack.pop().ok_or_else(unbalanced)?;
                sort_children(&mut node);
                stack
                    .last_mut()
                    .ok_or_else(unbalanced)?
                    .children
                    .push(Child::Node(node));
            }
            Event::Empty(_) => stack
                .last_mut()
                .ok_or_else(unbalanced)?
                .children
                .push(Child::Node(Node {
                    start: event,
                    children: Vec::new(),
                    empty: true,
                })),
            other => stack
                .last_mut()
                .ok_or_else(unbalanced)?
                .children
                .push(Child::Other(other)),
        }
        buf.clear();
    }
    let root = stack.pop().ok_or_else(unbalanced)?;
    if !stack.is_empty() {
        return Err(unbalanced());
    }
    let mut writer = Writer::new(Vec::with_capacity(xml.len()));
    for child in root.children {
        write_child(&mut writer, child)?;
    }
    Ok(writer.into_inner())
}

fn unbalanced() -> quick_xml::Error {
    quick_xml::Error::Syntax(quick_xml::errors::SyntaxError::UnclosedTag)
}

fn sort_children(node: &mut Node) {
    let Some(order) = order_of(&name_of(&node.start)) else {
        return;
    };
    let rank = |child: &Child| match child {
        Child::Node(n) => {
            let name = name_of(&n.start);
            order
                .iter()
                .position(|o| o.as_bytes() == name.as_slice())
                .unwrap_or(order.len())
        }
        Child::Other(_) => order.len(),
    };
    node.children.sort_by_key(rank);
}

fn write_child(writer: &mut Writer<Vec<u8>>, child: Child) -> Result<(), quick_xml::Error> {
    match child {
        Child::Other(event) => writer.write_event(event)?,
        Child::Node(node) if node.empty => writer.write_event(node.start)?,
        Child::Node(node) => {
            let end = match &node.start {
                Event::Start(e) => e.to_end().into_owned(),
                _ => return Err(unbalanced()),
            };
            writer.write_event(node.start)?;
            for c in node.children {
                write_child(writer, c)?;
            }
            writer.write_event(Event::End(end))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_and_paragraph_properties_come_out_in_schema_order() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?><w:p><w:pPr><w:rPr><w:sz w:val="32"/><w:rFonts w:eastAsia="x"/></w:rPr><w:jc w:val="center"/><w:ind w:firstLine="630"/><w:spacing w:line="579"/></w:pPr><w:r><w:rPr><w:sz w:val="32"/><w:color w:val="FF0000"/><w:rFonts w:eastAsia="x"/><w:spacing w:val="-5"/></w:rPr><w:t>x</w:t></w:r></w:p>"#;
        let out = String::from_utf8(reorder(xml).unwrap()).unwrap();
        assert!(out.contains(r#"<w:pPr><w:spacing w:line="579"/><w:ind w:firstLine="630"/><w:jc w:val="center"/><w:rPr><w:rFonts w:eastAsia="x"/><w:sz w:val="32"/></w:rPr></w:pPr>"#), "{out}");
        assert!(out.contains(r#"<w:rPr><w:rFonts w:eastAsia="x"/><w:color w:val="FF0000"/><w:spacing w:val="-5"/><w:sz w:val="32"/></w:rPr><w:t>x</w:t>"#), "{out}");
        assert!(out.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
    }

    #[test]
    fn malformed_xml_is_an_error_not_a_panic() {
        assert!(reorder(b"<w:p><w:pPr></w:p>").is_err() || reorder(b"<w:p><w:pPr>").is_err());
        assert!(reorder(b"<a>").is_err());
    }
}
