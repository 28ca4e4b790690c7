//! The one place the application reads the clock. Workflows take the time
//! as an argument (`now`, `today`), so tests fix it; the front ends ask
//! here.

use gongwen_domain::{WrittenDate, calendar};

/// Seconds since the Unix epoch; 0 if the system clock is set before it.
fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Now, as the store and the audit log stamp it (UTC, ISO 8601).
pub fn now() -> String {
    calendar::iso8601_utc(unix_seconds())
}

/// Today in Beijing time: the date a 公文 is written on.
pub fn today() -> WrittenDate {
    calendar::beijing_date(unix_seconds())
}

/// A number that differs from one call to the next (a sampling seed).
pub fn fresh_seed() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
}
