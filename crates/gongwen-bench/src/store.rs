//! What encryption costs: saving a revision of a 30,000-character draft in
//! the SQLCipher store vs the same store in a plain SQLite file, same run,
//! same settings (WAL, synchronous = FULL), saves interleaved so both see
//! the same disk.

use std::path::Path;
use std::time::Instant;

use gongwen_domain::{Block, DocKind, Document, to_plain_text};
use gongwen_store::{Key, Store, StoreError};

pub struct StoreFigures {
    pub chars: usize,
    pub encrypted_ms: Vec<f64>,
    pub plain_ms: Vec<f64>,
}

/// The `p`th percentile (0–100) by nearest rank.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return 0.0;
    }
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A draft of about `chars` characters of 公文 prose, varied per save so
/// each revision is new text.
pub fn draft(chars: usize, save: usize) -> Document {
    let mut doc = Document::new(DocKind::Notice);
    doc.title = "关于做好年度重点工作的通知".to_owned();
    let sentence = "各单位要高度重视，加强组织领导，明确责任分工，确保各项任务按时保质完成。";
    let per_paragraph = 10;
    let mut body = Vec::new();
    let mut count = 0;
    while count < chars {
        let text = format!("（第{save}稿）{}", sentence.repeat(per_paragraph));
        count += text.chars().count();
        body.push(Block::Paragraph { text });
    }
    doc.body = body;
    doc
}

pub fn measure(dir: &Path, chars: usize, saves: usize) -> Result<StoreFigures, StoreError> {
    let mut encrypted = Store::open(&dir.join("encrypted.db"), &Key::from_bytes([0x5a; 32]))?;
    let mut plain = Store::open_unencrypted_for_benchmark(&dir.join("plain.db"))?;
    let mut encrypted_ms = Vec::with_capacity(saves);
    let mut plain_ms = Vec::with_capacity(saves);
    let mut ids = (None, None);
    let now = "2026-11-28T00:00:00Z";
    // One warm-up save each: creates the drafts and fills the page caches.
    for (i, doc) in (0..=saves).map(|i| (i, draft(chars, i))) {
        let started = Instant::now();
        ids.0 = Some(encrypted.save(ids.0, &doc, now)?.0);
        let e = started.elapsed().as_secs_f64() * 1000.0;
        let started = Instant::now();
        ids.1 = Some(plain.save(ids.1, &doc, now)?.0);
        let p = started.elapsed().as_secs_f64() * 1000.0;
        if i > 0 {
            encrypted_ms.push(e);
            plain_ms.push(p);
        }
    }
    Ok(StoreFigures {
        chars: to_plain_text(&draft(chars, 0)).chars().count(),
        encrypted_ms,
        plain_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 50.0), 50.0);
        assert_eq!(percentile(&values, 99.0), 99.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }

    #[test]
    fn both_stores_save_every_revision() {
        let dir = tempfile::tempdir().unwrap();
        let figures = measure(dir.path(), 30_000, 3).unwrap();
        assert!(figures.chars >= 30_000, "{}", figures.chars);
        assert_eq!(figures.encrypted_ms.len(), 3);
        assert_eq!(figures.plain_ms.len(), 3);
        let plain = Store::open_unencrypted_for_benchmark(&dir.path().join("plain.db")).unwrap();
        assert_eq!(plain.history(1).unwrap().len(), 4);
    }
}
