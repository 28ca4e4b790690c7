//! Which elements each 文种 carries: required, optional, or not used. From
//! the 2012 条例 and GB/T 9704-2012 (签发人 only on 上行文; 请示 names a
//! contact in its 附注; 决议, 公报, 公告 and 通告 address no 主送机关;
//! 纪要 carry no 署名). Drives the drafting form and the structure checks.

use serde::Serialize;
use ts_rs::TS;

use crate::{DocKind, Document};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    DocNumber,
    Signers,
    Title,
    Recipients,
    Body,
    Attachments,
    Signature,
    Date,
    Note,
    Cc,
    Attendance,
}

impl Element {
    pub const ALL: [Element; 11] = [
        Element::DocNumber,
        Element::Signers,
        Element::Title,
        Element::Recipients,
        Element::Body,
        Element::Attachments,
        Element::Signature,
        Element::Date,
        Element::Note,
        Element::Cc,
        Element::Attendance,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Element::DocNumber => "发文字号",
            Element::Signers => "签发人",
            Element::Title => "标题",
            Element::Recipients => "主送机关",
            Element::Body => "正文",
            Element::Attachments => "附件说明",
            Element::Signature => "发文机关署名",
            Element::Date => "成文日期",
            Element::Note => "附注",
            Element::Cc => "抄送机关",
            Element::Attendance => "出席、请假、列席人员",
        }
    }

    fn present_in(self, doc: &Document) -> bool {
        match self {
            Element::DocNumber => doc.doc_number.is_some(),
            Element::Signers => !doc.signers.is_empty(),
            Element::Title => !doc.title.trim().is_empty(),
            Element::Recipients => !doc.recipients.is_empty(),
            Element::Body => !doc.body.is_empty(),
            Element::Attachments => !doc.attachments.is_empty(),
            Element::Signature => !doc.signature.is_empty(),
            Element::Date => doc.date.is_some(),
            Element::Note => doc.note.is_some(),
            Element::Cc => !doc.cc.is_empty(),
            Element::Attendance => doc.attendance.is_some(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Required,
    Optional,
    NotUsed,
}

impl DocKind {
    /// Whether documents of this type carry `element`.
    pub fn presence(self, element: Element) -> Presence {
        use DocKind::*;
        use Element as E;
        use Presence::*;
        match element {
            E::Title | E::Body => Required,
            E::Attachments | E::Cc => Optional,
            E::DocNumber => match self {
                Resolution | Communique | Announcement | PublicNotice | Order | Minutes => Optional,
                _ => Required,
            },
            E::Signers => match self {
                Request | Report => Required,
                Motion => Optional,
                _ => NotUsed,
            },
            E::Recipients => match self {
                Resolution | Communique | Announcement | PublicNotice => NotUsed,
                Order | Opinion | Bulletin | Decision | Minutes => Optional,
                _ => Required,
            },
            E::Signature => match self {
                Minutes => NotUsed,
                _ => Required,
            },
            E::Date => match self {
                Minutes | Resolution => Optional,
                _ => Required,
            },
            // 请示应当在附注处注明联系人的姓名和电话.
            E::Note => match self {
                Request => Required,
                _ => Optional,
            },
            E::Attendance => match self {
                Minutes => Optional,
                _ => NotUsed,
            },
        }
    }
}

/// An element missing where the type requires it, or present where the
/// type does not use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ElementIssue {
    pub element: Element,
    pub presence: Presence,
    pub message: String,
}

pub fn check_elements(doc: &Document) -> Vec<ElementIssue> {
    Element::ALL
        .iter()
        .filter_map(|&element| {
            let presence = doc.kind.presence(element);
            let present = element.present_in(doc);
            let message = match (presence, present) {
                (Presence::Required, false) => {
                    format!("{}应当有{}", doc.kind.name(), element.name())
                }
                (Presence::NotUsed, true) => {
                    format!("{}一般不用{}", doc.kind.name(), element.name())
                }
                _ => return None,
            };
            Some(ElementIssue {
                element,
                presence,
                message,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure;

    fn issues(text: &str, kind: DocKind) -> Vec<Element> {
        check_elements(&structure(text, Some(kind)).document)
            .into_iter()
            .map(|i| i.element)
            .collect()
    }

    #[test]
    fn every_type_requires_a_title_and_a_body() {
        for kind in DocKind::ALL {
            assert_eq!(kind.presence(Element::Title), Presence::Required, "{kind}");
            assert_eq!(kind.presence(Element::Body), Presence::Required, "{kind}");
        }
    }

    #[test]
    fn a_request_needs_its_signer_and_contact_note() {
        let text = "某县水利局\n某水发〔2026〕3号\n关于申请防汛物资补助资金的请示\n县人民政府：\n今年汛期以来降雨偏多。\n妥否，请批示。\n某县水利局\n2026年6月1日";
        assert_eq!(
            issues(text, DocKind::Request),
            [Element::Signers, Element::Note]
        );
        let complete = "某县水利局\n某水发〔2026〕3号 签发人：张三\n关于申请防汛物资补助资金的请示\n县人民政府：\n今年汛期以来降雨偏多。\n妥否，请批示。\n某县水利局\n2026年6月1日\n（联系人：李四，电话：12345678）";
        assert_eq!(issues(complete, DocKind::Request), []);
    }

    #[test]
    fn a_public_notice_addresses_nobody_and_a_notice_signs_nothing_upward() {
        let text =
            "关于禁止燃放烟花爆竹的通告\n市民：\n城区禁止燃放烟花爆竹。\n某市公安局\n2026年1月5日";
        assert_eq!(issues(text, DocKind::PublicNotice), [Element::Recipients]);
        let notice = "某政发〔2026〕1号 签发人：王五\n关于开展检查的通知\n各区：\n请做好检查。\n某市人民政府\n2026年1月5日";
        assert_eq!(issues(notice, DocKind::Notice), [Element::Signers]);
    }
}
