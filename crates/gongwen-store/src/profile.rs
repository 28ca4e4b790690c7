//! What the store keeps besides drafts: settings, the unit profile (机关名称,
//! 机关代字, the next 文号 of each year, 常用主送机关), the user's own terms
//! and ignore list for proofreading, and feedback on suggestions.

use gongwen_domain::DocNumber;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::store::append_audit;
use crate::{Store, StoreError};

/// The unit the user drafts for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnitProfile {
    /// 机关名称, e.g. "××市人民政府办公室".
    pub name: String,
    /// 机关代字, e.g. "×政办发".
    pub code: String,
    /// 常用主送机关.
    pub recipients: Vec<String>,
}

/// The proofreader's word lists kept per user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum TermList {
    /// 专用词库: names and terms of the unit that are right as written.
    Custom,
    /// Findings the user chose to ignore for good (the flagged text).
    Ignore,
}

impl TermList {
    fn as_str(self) -> &'static str {
        match self {
            TermList::Custom => "custom",
            TermList::Ignore => "ignore",
        }
    }
}

/// The user's decision on one suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Feedback {
    /// A proofreading rule id, or "model" for the model's suggestions.
    pub source: String,
    pub original: String,
    pub suggestion: String,
    pub accepted: bool,
}

/// Accept/reject counts of one source, to tune rules that cry wolf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedbackCount {
    pub source: String,
    pub accepted: i64,
    pub rejected: i64,
}

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<serde_json::Value>, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    pub fn set_setting(
        &mut self,
        key: &str,
        value: &serde_json::Value,
        now: &str,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value.to_string()],
        )?;
        append_audit(&tx, now, "setting", &format!("设置 {key} = {value}"))?;
        tx.commit()?;
        crate::anchor::advance(&self.conn, &self.anchor);
        Ok(())
    }

    pub fn unit_profile(&self) -> Result<UnitProfile, StoreError> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT name, code, recipients FROM unit_profile WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let Some((name, code, recipients)) = row else {
            return Ok(UnitProfile::default());
        };
        Ok(UnitProfile {
            name,
            code,
            recipients: serde_json::from_str(&recipients)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        })
    }

    pub fn set_unit_profile(&mut self, profile: &UnitProfile, now: &str) -> Result<(), StoreError> {
        let recipients = serde_json::to_string(&profile.recipients)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO unit_profile (id, name, code, recipients) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, code = excluded.code,
                recipients = excluded.recipients",
            params![profile.name, profile.code, recipients],
        )?;
        append_audit(
            &tx,
            now,
            "unit-profile",
            &format!("单位信息：{}（{}）", profile.name, profile.code),
        )?;
        tx.commit()?;
        crate::anchor::advance(&self.conn, &self.anchor);
        Ok(())
    }

    /// Takes the next 文号 of `year` for the unit's 机关代字: numbers start
    /// at 1 each year and are never handed out twice.
    pub fn take_doc_number(&mut self, year: u16, now: &str) -> Result<DocNumber, StoreError> {
        let code = self.unit_profile()?.code;
        if code.is_empty() {
            return Err(StoreError::NoUnitCode);
        }
        let tx = self.conn.transaction()?;
        let serial: u32 = tx.query_row(
            "INSERT INTO doc_numbers (code, year, next) VALUES (?1, ?2, 2)
             ON CONFLICT (code, year) DO UPDATE SET next = next + 1
             RETURNING next - 1",
            params![code, year],
            |row| row.get(0),
        )?;
        let number = DocNumber {
            agency_code: code,
            year,
            serial,
        };
        append_audit(
            &tx,
            now,
            "doc-number",
            &format!("取号 {}", number.to_standard()),
        )?;
        tx.commit()?;
        crate::anchor::advance(&self.conn, &self.anchor);
        Ok(number)
    }

    pub fn terms(&self, list: TermList) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT term FROM terms WHERE list = ?1 ORDER BY term")?;
        let rows = stmt.query_map([list.as_str()], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds a term; adding one that is already there changes nothing.
    pub fn add_term(&mut self, list: TermList, term: &str, now: &str) -> Result<(), StoreError> {
        let term = term.trim();
        if term.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        let added = tx.execute(
            "INSERT OR IGNORE INTO terms (term, list, added_at) VALUES (?1, ?2, ?3)",
            params![term, list.as_str(), now],
        )?;
        if added > 0 {
            append_audit(&tx, now, "term-add", &format!("{}：{term}", list.as_str()))?;
        }
        tx.commit()?;
        crate::anchor::advance(&self.conn, &self.anchor);
        Ok(())
    }

    pub fn remove_term(&mut self, list: TermList, term: &str, now: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let removed = tx.execute(
            "DELETE FROM terms WHERE term = ?1 AND list = ?2",
            params![term, list.as_str()],
        )?;
        if removed > 0 {
            append_audit(
                &tx,
                now,
                "term-remove",
                &format!("{}：{term}", list.as_str()),
            )?;
        }
        tx.commit()?;
        crate::anchor::advance(&self.conn, &self.anchor);
        Ok(())
    }

    /// Records the user's decision on a suggestion; decisions on the
    /// model's suggestions also go to the audit log.
    pub fn record_feedback(&mut self, feedback: &Feedback, now: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO feedback (at, source, original, suggestion, accepted) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                now,
                feedback.source,
                feedback.original,
                feedback.suggestion,
                feedback.accepted
            ],
        )?;
        if feedback.source == "model" {
            let (action, verb) = if feedback.accepted {
                ("ai-accepted", "采纳")
            } else {
                ("ai-rejected", "拒绝")
            };
            append_audit(
                &tx,
                now,
                action,
                &format!(
                    "{verb}模型建议：{} → {}",
                    feedback.original, feedback.suggestion
                ),
            )?;
        }
        tx.commit()?;
        crate::anchor::advance(&self.conn, &self.anchor);
        Ok(())
    }

    pub fn feedback_counts(&self) -> Result<Vec<FeedbackCount>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT source, sum(accepted), sum(1 - accepted) FROM feedback GROUP BY source ORDER BY source",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(FeedbackCount {
                source: row.get(0)?,
                accepted: row.get(1)?,
                rejected: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Key;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db"), &Key::from_bytes([7; 32])).unwrap();
        (dir, store)
    }

    #[test]
    fn settings_and_the_unit_profile_survive_reopening() {
        let (dir, mut store) = store();
        assert_eq!(store.setting("threads").unwrap(), None);
        assert_eq!(store.unit_profile().unwrap(), UnitProfile::default());
        store
            .set_setting("threads", &serde_json::json!(4), "t")
            .unwrap();
        store
            .set_setting("threads", &serde_json::json!(2), "t")
            .unwrap();
        let profile = UnitProfile {
            name: "某市人民政府办公室".into(),
            code: "某政办发".into(),
            recipients: vec!["各区人民政府".into(), "市政府各部门".into()],
        };
        store.set_unit_profile(&profile, "t").unwrap();
        drop(store);
        let store = Store::open(&dir.path().join("t.db"), &Key::from_bytes([7; 32])).unwrap();
        assert_eq!(
            store.setting("threads").unwrap(),
            Some(serde_json::json!(2))
        );
        assert_eq!(store.unit_profile().unwrap(), profile);
        assert_eq!(store.verify_audit().unwrap(), 3);
    }

    #[test]
    fn doc_numbers_count_up_per_year_and_need_a_unit_code() {
        let (_dir, mut store) = store();
        assert_eq!(
            store.take_doc_number(2026, "t").err().unwrap().code(),
            "store-no-unit-code"
        );
        let profile = UnitProfile {
            name: "某局".into(),
            code: "某发".into(),
            recipients: vec![],
        };
        store.set_unit_profile(&profile, "t").unwrap();
        let taken: Vec<String> = [2026, 2026, 2027, 2026]
            .into_iter()
            .map(|y| store.take_doc_number(y, "t").unwrap().to_standard())
            .collect();
        assert_eq!(
            taken,
            [
                "某发〔2026〕1号",
                "某发〔2026〕2号",
                "某发〔2027〕1号",
                "某发〔2026〕3号"
            ]
        );
    }

    #[test]
    fn terms_and_feedback_are_kept_and_model_decisions_audited() {
        let (_dir, mut store) = store();
        store.add_term(TermList::Custom, "河长制", "t").unwrap();
        store.add_term(TermList::Custom, "河长制", "t").unwrap();
        store.add_term(TermList::Custom, "  ", "t").unwrap();
        store.add_term(TermList::Ignore, "三四十", "t").unwrap();
        assert_eq!(store.terms(TermList::Custom).unwrap(), ["河长制"]);
        assert_eq!(store.terms(TermList::Ignore).unwrap(), ["三四十"]);
        store.remove_term(TermList::Ignore, "三四十", "t").unwrap();
        assert!(store.terms(TermList::Ignore).unwrap().is_empty());

        for (source, accepted) in [("model", true), ("model", false), ("punct.doubled", true)] {
            let feedback = Feedback {
                source: source.into(),
                original: "截止".into(),
                suggestion: "截至".into(),
                accepted,
            };
            store.record_feedback(&feedback, "t").unwrap();
        }
        let counts = store.feedback_counts().unwrap();
        assert_eq!(counts.len(), 2);
        assert_eq!((counts[0].accepted, counts[0].rejected), (1, 1));
        let actions: Vec<String> = store
            .audit_log()
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            [
                "term-add",
                "term-add",
                "term-remove",
                "ai-accepted",
                "ai-rejected"
            ]
        );
    }
}
