//! The 15 statutory document types (文种) of the 党政机关公文处理工作条例 (2012),
//! 第八条.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One of the 15 文种. Serialised as its Chinese name, so stored documents
/// and the command line read the way a civil servant writes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "&'static str")]
#[ts(type = "string")]
pub enum DocKind {
    Resolution,
    Decision,
    Order,
    Communique,
    Announcement,
    PublicNotice,
    Opinion,
    Notice,
    Bulletin,
    Report,
    Request,
    Reply,
    Motion,
    Letter,
    Minutes,
}

/// Which way a document travels between 机关. It decides, for example,
/// whether the 版头 carries a 签发人 (上行文 only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// 上行文: to a higher 机关.
    Upward,
    /// 平行文: between 机关 with no leadership relation.
    Parallel,
    /// 下行文: to lower 机关.
    Downward,
    /// Used in more than one direction, or addressed to the public.
    Varies,
}

impl DocKind {
    /// All 15 types in the order of 条例 第八条.
    pub const ALL: [DocKind; 15] = [
        DocKind::Resolution,
        DocKind::Decision,
        DocKind::Order,
        DocKind::Communique,
        DocKind::Announcement,
        DocKind::PublicNotice,
        DocKind::Opinion,
        DocKind::Notice,
        DocKind::Bulletin,
        DocKind::Report,
        DocKind::Request,
        DocKind::Reply,
        DocKind::Motion,
        DocKind::Letter,
        DocKind::Minutes,
    ];

    /// The type's name as the 条例 writes it.
    pub fn name(self) -> &'static str {
        match self {
            DocKind::Resolution => "决议",
            DocKind::Decision => "决定",
            DocKind::Order => "命令（令）",
            DocKind::Communique => "公报",
            DocKind::Announcement => "公告",
            DocKind::PublicNotice => "通告",
            DocKind::Opinion => "意见",
            DocKind::Notice => "通知",
            DocKind::Bulletin => "通报",
            DocKind::Report => "报告",
            DocKind::Request => "请示",
            DocKind::Reply => "批复",
            DocKind::Motion => "议案",
            DocKind::Letter => "函",
            DocKind::Minutes => "纪要",
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            DocKind::Report | DocKind::Request | DocKind::Motion => Direction::Upward,
            DocKind::Letter => Direction::Parallel,
            DocKind::Reply | DocKind::Order | DocKind::Decision => Direction::Downward,
            DocKind::Resolution
            | DocKind::Communique
            | DocKind::Announcement
            | DocKind::PublicNotice
            | DocKind::Opinion
            | DocKind::Notice
            | DocKind::Bulletin
            | DocKind::Minutes => Direction::Varies,
        }
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "不是法定文种：{0}（应为决议、决定、命令（令）、公报、公告、通告、意见、通知、通报、报告、请示、批复、议案、函、纪要之一）"
)]
pub struct UnknownDocKind(pub String);

impl FromStr for DocKind {
    type Err = UnknownDocKind;

    /// Accepts the 条例's name, and 命令 / 令 alone, since titles end with
    /// either (……命令, ……令).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s == "命令" || s == "令" {
            return Ok(DocKind::Order);
        }
        DocKind::ALL
            .into_iter()
            .find(|kind| kind.name() == s)
            .ok_or_else(|| UnknownDocKind(s.to_owned()))
    }
}

impl TryFrom<String> for DocKind {
    type Error = UnknownDocKind;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<DocKind> for &'static str {
    fn from(kind: DocKind) -> Self {
        kind.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifteen_distinct_names_round_trip() {
        let mut names: Vec<_> = DocKind::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 15);
        for kind in DocKind::ALL {
            assert_eq!(kind.name().parse::<DocKind>(), Ok(kind));
        }
    }

    #[test]
    fn order_accepts_short_forms() {
        assert_eq!("命令".parse::<DocKind>(), Ok(DocKind::Order));
        assert_eq!("令".parse::<DocKind>(), Ok(DocKind::Order));
        assert_eq!(" 通知 ".parse::<DocKind>(), Ok(DocKind::Notice));
    }

    #[test]
    fn non_statutory_types_are_rejected() {
        // 简报 and 总结 are common in offices but are not 法定文种.
        for s in ["简报", "总结", "", "通知书"] {
            let err = s.parse::<DocKind>().unwrap_err();
            assert!(err.to_string().contains("不是法定文种"), "{err}");
        }
    }

    #[test]
    fn serde_uses_chinese_names() {
        let json = serde_json::to_string(&DocKind::Request).unwrap();
        assert_eq!(json, "\"请示\"");
        let back: DocKind = serde_json::from_str(&json).unwrap();
        assert_eq!(back, DocKind::Request);
        assert!(serde_json::from_str::<DocKind>("\"简报\"").is_err());
    }

    #[test]
    fn upward_documents() {
        let upward: Vec<_> = DocKind::ALL
            .into_iter()
            .filter(|k| k.direction() == Direction::Upward)
            .map(DocKind::name)
            .collect();
        assert_eq!(upward, ["报告", "请示", "议案"]);
    }
}
