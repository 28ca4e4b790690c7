//! Dates on the Gregorian calendar: validity and weekdays. Pure arithmetic,
//! no clock.

use crate::WrittenDate;

pub fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Whether the date exists (2026年2月30日 does not). Years before 1900 or
/// after 2999 are treated as typos, not history.
pub fn is_valid(date: WrittenDate) -> bool {
    (1900..=2999).contains(&date.year)
        && (1..=12).contains(&date.month)
        && date.day >= 1
        && date.day <= days_in_month(date.year, date.month)
}

/// 0 = Sunday … 6 = Saturday (Sakamoto's method).
pub fn weekday(date: WrittenDate) -> u8 {
    const OFFSETS: [u32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let mut year = u32::from(date.year);
    if date.month < 3 {
        year -= 1;
    }
    let month_offset = OFFSETS[usize::from(date.month.clamp(1, 12) - 1)];
    ((year + year / 4 - year / 100 + year / 400 + month_offset + u32::from(date.day)) % 7) as u8
}

/// 星期日 … 星期六.
pub fn weekday_name(date: WrittenDate) -> &'static str {
    [
        "星期日",
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
    ][usize::from(weekday(date))]
}

/// The civil date (year, month, day) of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u8, day as u8)
}

/// A Unix time as an ISO 8601 UTC timestamp (2026-11-28T15:04:05Z).
/// Callers read the clock; this only formats.
pub fn iso8601_utc(unix_seconds: u64) -> String {
    let secs = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days((unix_seconds / 86_400) as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

/// The date in Beijing time (UTC+8) at a Unix time: the day a 公文 is
/// written on.
pub fn beijing_date(unix_seconds: u64) -> WrittenDate {
    let (year, month, day) = civil_from_days(((unix_seconds + 8 * 3_600) / 86_400) as i64);
    WrittenDate {
        year: u16::try_from(year).unwrap_or(u16::MAX),
        month,
        day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: u16, month: u8, day: u8) -> WrittenDate {
        WrittenDate { year, month, day }
    }

    #[test]
    fn validity() {
        assert!(is_valid(d(2026, 7, 1)));
        assert!(is_valid(d(2024, 2, 29)));
        assert!(!is_valid(d(2026, 2, 29)));
        assert!(!is_valid(d(2026, 2, 30)));
        assert!(!is_valid(d(2026, 4, 31)));
        assert!(!is_valid(d(2026, 13, 1)));
        assert!(!is_valid(d(2026, 0, 1)));
        assert!(is_valid(d(2000, 2, 29)));
        assert!(!is_valid(d(1900, 2, 29)));
    }

    #[test]
    fn unix_times_format_as_iso() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(951_782_400), "2000-02-29T00:00:00Z");
        // 2026-11-28 20:00 UTC is already the 29th in Beijing.
        assert_eq!(beijing_date(1_795_896_000), d(2026, 11, 29));
        assert_eq!(iso8601_utc(1_795_896_000), "2026-11-28T20:00:00Z");
        assert_eq!(iso8601_utc(1_795_878_245), "2026-11-28T15:04:05Z");
    }

    #[test]
    fn weekdays() {
        // 2026-11-28 is a Saturday; 2012-04-16 (the 条例's date) a Monday.
        assert_eq!(weekday_name(d(2026, 11, 28)), "星期六");
        assert_eq!(weekday_name(d(2012, 4, 16)), "星期一");
        assert_eq!(weekday_name(d(2000, 1, 1)), "星期六");
        assert_eq!(weekday_name(d(2024, 2, 29)), "星期四");
    }
}
