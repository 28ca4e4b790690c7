//! 一键排版 on realistic pasted text.

#![allow(clippy::unwrap_used)] // Test helpers may panic: that is a failed test.

use gongwen_domain::{
    Block, DocKind, Document, KindSource, Layout, SecrecyLevel, Urgency, WrittenDate, structure,
    to_plain_text,
};

const NOTICE: &str = "
000123
秘密★1年
特急
XX市人民政府办公室文件
X政办发〔2026〕7号

关于做好2026年安全生产工作的通知

各区人民政府，市政府各委、办、局：
　　为切实做好今年安全生产工作，经市政府同意，现就有关事项通知如下。
一、提高思想认识
　　各单位要充分认识安全生产工作的重要性。
（一）压实主体责任。企业要落实全员安全生产责任制。
1. 建立风险清单。
（1）每月开展一次排查。
二、加强督促检查
　　市安委办将适时开展督查。
附件：1. 2026年安全生产重点任务分工
2. 安全生产检查表
XX市人民政府办公室
2026年3月5日
（此件公开发布）
抄送：市委办公室，市人大常委会办公室。
XX市人民政府办公室 2026年3月5日印发
";

#[test]
fn a_full_notice_is_recovered() {
    let s = structure(NOTICE, None);
    let d = &s.document;
    assert_eq!(s.kind_source, KindSource::Title);
    assert_eq!(d.kind, DocKind::Notice);
    assert_eq!(d.layout, Layout::Standard);
    assert_eq!(d.copy_number.as_deref(), Some("000123"));
    let classification = d.classification.as_ref().unwrap();
    assert_eq!(classification.level, SecrecyLevel::Secret);
    assert_eq!(classification.period.as_deref(), Some("1年"));
    assert_eq!(d.urgency, Some(Urgency::Extra));
    assert_eq!(d.issuer_marks, ["XX市人民政府办公室文件"]);
    assert_eq!(
        d.doc_number.as_ref().unwrap().to_standard(),
        "X政办发〔2026〕7号"
    );
    assert_eq!(d.title, "关于做好2026年安全生产工作的通知");
    assert_eq!(d.recipients, ["各区人民政府", "市政府各委、办、局"]);
    assert_eq!(
        d.body
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level, number, .. } => Some((*level, number.as_str())),
                Block::Paragraph { .. } => None,
            })
            .collect::<Vec<_>>(),
        [
            (1, "一、"),
            (2, "（一）"),
            (3, "1."),
            (4, "（1）"),
            (1, "二、")
        ]
    );
    assert_eq!(
        d.attachments,
        ["2026年安全生产重点任务分工", "安全生产检查表"]
    );
    assert_eq!(d.signature, ["XX市人民政府办公室"]);
    assert_eq!(
        d.date,
        Some(WrittenDate {
            year: 2026,
            month: 3,
            day: 5
        })
    );
    assert_eq!(d.note.as_deref(), Some("此件公开发布"));
    assert_eq!(d.cc, ["市委办公室", "市人大常委会办公室"]);
    assert_eq!(d.printed_by.as_deref(), Some("XX市人民政府办公室"));
    assert_eq!(
        d.printed_on,
        Some(WrittenDate {
            year: 2026,
            month: 3,
            day: 5
        })
    );
}

#[test]
fn a_request_with_its_signer_and_a_chinese_numeral_date() {
    let text = "XX县教育局文件\nX教〔2026〕12号 签发人：王明\n关于申请修缮第一中学教学楼的请示\n县人民政府：\n\
                我局所属第一中学教学楼建于1985年，现申请专项资金120万元。\n妥否，请批示。\n\
                XX县教育局\n二〇二六年五月二十日\n";
    let d = structure(text, None).document;
    assert_eq!(d.kind, DocKind::Request);
    assert_eq!(d.signers, ["王明"]);
    assert_eq!(d.recipients, ["县人民政府"]);
    assert_eq!(
        d.date,
        Some(WrittenDate {
            year: 2026,
            month: 5,
            day: 20
        })
    );
    assert_eq!(d.signature, ["XX县教育局"]);
    assert_eq!(d.body.len(), 2);
}

#[test]
fn minutes_keep_their_attendance() {
    let text = "第十二次局长办公会议纪要\n2026年6月3日，局长主持召开局长办公会议。\n会议议定以下事项：\n\
                一、同意启动数字档案馆建设。\n出席：张三、李四、王五\n请假：赵六\n列席：钱七\n";
    let d = structure(text, None).document;
    assert_eq!(d.kind, DocKind::Minutes);
    assert_eq!(d.layout, Layout::Minutes);
    let a = d.attendance.unwrap();
    assert_eq!(a.present, ["张三", "李四", "王五"]);
    assert_eq!(a.absent, ["赵六"]);
    assert_eq!(a.observers, ["钱七"]);
}

#[test]
fn the_given_kind_wins_and_an_untitled_text_assumes_notice() {
    let s = structure("关于召开会议的函\n请于周五前回复。", Some(DocKind::Notice));
    assert_eq!(
        (s.document.kind, s.kind_source),
        (DocKind::Notice, KindSource::Given)
    );
    let s = structure("请各单位于本周五前报送材料。", None);
    assert_eq!(s.kind_source, KindSource::Assumed);
    assert!(s.document.title.is_empty());
    assert_eq!(s.document.body_text(), "请各单位于本周五前报送材料。");
}

#[test]
fn a_title_broken_over_two_lines_is_joined() {
    let d = structure(
        "关于进一步加强和改进新形势下全市\n政务服务工作的意见\n各区：\n正文。",
        None,
    )
    .document;
    assert_eq!(
        d.title,
        "关于进一步加强和改进新形势下全市政务服务工作的意见"
    );
    assert_eq!(d.kind, DocKind::Opinion);
}

#[test]
fn wrong_bracket_forms_are_still_understood() {
    for line in [
        "X政发[2026]7号",
        "X政发（2026）7号",
        "X政发〔2026〕第07号",
        "X政发【2026】7号",
    ] {
        let d = structure(&format!("{line}\n关于某事的通知\n正文。"), None).document;
        let number = d.doc_number.unwrap_or_else(|| panic!("{line}"));
        assert_eq!(number.to_standard(), "X政发〔2026〕7号", "{line}");
    }
}

#[test]
fn impossible_dates_stay_in_the_body() {
    let d = structure("关于某事的通知\n正文。\nXX局\n2026年2月30日", None).document;
    assert_eq!(d.date, None);
    assert!(d.body_text().contains("2026年2月30日"));
}

/// Element labels are structure, written once however often the input
/// repeated them; everything else is content.
const LABELS: [&str; 7] = ["签发人", "抄送", "附件", "出席", "请假", "列席", "印发"];

/// Every character of the input's content (whitespace and element labels
/// aside) must be somewhere in the structured document: 一键排版 never
/// drops text.
fn assert_nothing_dropped(input: &str) {
    let d = structure(input, None).document;
    let strip = |text: &str| {
        LABELS
            .iter()
            .fold(text.to_owned(), |t, label| t.replace(label, ""))
    };
    let mut have: Vec<char> = strip(&to_plain_text(&d))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    have.sort_unstable();
    for c in strip(input)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
    {
        // Normalised forms: brackets and separators may be rewritten.
        if "〔〕[]［］【】()（）第0，、,。：:".contains(c) {
            continue;
        }
        match have.binary_search(&c) {
            Ok(i) => {
                have.remove(i);
            }
            Err(_) => panic!("dropped {c:?} from {input:?}\nstructured as {d:#?}"),
        }
    }
}

#[test]
fn nothing_of_the_input_is_ever_dropped() {
    for input in [
        NOTICE,
        "",
        "\n\n\n",
        "一、\n（一）\n1.\n（1）\n附件：\n抄送：\n印发",
        "附件：1. 甲\n2. 乙\n正文在附件后面。",
        "2026年1月1日\n2026年1月2日\n（注）\n（注二）",
        "标题没有文种\n主送：\n正文。\nXX局\nYY局\nZZ局\nWW局\n2026年1月1日",
        "签发人：张三\n签发人：李四\n标题的通知",
        "000001\n000002\n秘密\n机密★5年\n特急\n加急",
    ] {
        assert_nothing_dropped(input);
    }
}

#[test]
fn plain_text_round_trips_through_the_structure() {
    let first = structure(NOTICE, None).document;
    let again = structure(&to_plain_text(&first), None).document;
    assert_eq!(again, first);
}

#[test]
fn json_is_lossless() {
    let d = structure(NOTICE, None).document;
    let json = serde_json::to_string(&d).unwrap();
    let back: Document = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d);
    assert!(json.contains("\"kind\":\"通知\""), "{json}");
}

#[test]
fn every_kind_is_recognised_from_its_title() {
    for kind in DocKind::ALL {
        let name = if kind == DocKind::Order {
            "命令"
        } else {
            kind.name()
        };
        let d = structure(&format!("关于某项工作的{name}\n正文。"), None).document;
        assert_eq!(d.kind, kind, "{name}");
        assert_eq!(d.layout, Layout::usual_for(kind));
    }
    let d = structure("XX市人民政府令\n第5号\n正文。", None).document;
    assert_eq!(d.kind, DocKind::Order);
}

/// The one title finder every reader uses: the 版头 skipped, a title broken
/// over two lines read whole, a stray final mark tolerated, a sentence or a
/// heading never taken for a title.
#[test]
fn the_title_is_found_the_same_way_for_every_reader() {
    use gongwen_domain::structure::find_title;
    let lines = |text: &'static str| -> Vec<&'static str> { text.lines().collect() };

    let two = lines(
        "000123\n机密★1年\nXX市人民政府文件\nX政发〔2026〕12号\n关于加强安全生产\n工作的通知\n各区人民政府：",
    );
    let title = find_title(&two).unwrap();
    assert_eq!(title.lines, 4..6);
    assert_eq!(title.text, "关于加强安全生产工作的通知");
    assert_eq!(title.kind, Some(DocKind::Notice));
    // structure() reads the same title.
    assert_eq!(structure(&two.join("\n"), None).document.title, title.text);

    let marked = find_title(&lines("关于追加防汛经费的请示。\n市人民政府：")).unwrap();
    assert_eq!(
        (marked.text.as_str(), marked.kind),
        ("关于追加防汛经费的请示。", Some(DocKind::Request))
    );
    let named = find_title(&lines("关于印发《规划（2026—2030年），修订稿》的通知")).unwrap();
    assert_eq!(named.kind, Some(DocKind::Notice));

    for not_a_title in [
        "一、总体要求\n坚持稳中求进。",
        "现将有关事项通知如下：\n一、时间",
        "为做好防汛工作，确保安全度汛\n各区：",
        "请各单位按时报送。",
        "2026年3月1日",
    ] {
        assert_eq!(find_title(&lines(not_a_title)), None, "{not_a_title}");
    }
}
