//! Time as the platform stores it (milliseconds since the Unix epoch) and shows it (China time).

use time::{OffsetDateTime, UtcOffset, macros::format_description};

/// Milliseconds since the Unix epoch: portable across both databases and exact enough for
/// exam clocks.
pub fn now_ms() -> i64 {
    let now = OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

const CHINA: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

fn china_time(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .map(|t| t.to_offset(CHINA))
}

/// `2026-11-22 14:05:09`, in China Standard Time, where the users are.
pub fn format_datetime(ms: i64) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    china_time(ms)
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// Parses `2026-11-22` as the start of that day in China time.
pub fn parse_date_start_ms(raw: &str) -> Option<i64> {
    let format = format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(raw.trim(), &format).ok()?;
    let start = date.midnight().assume_offset(CHINA);
    Some((start.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_china_time_and_parses_back() {
        let ms = parse_date_start_ms("2026-11-22").unwrap();
        assert_eq!(format_datetime(ms), "2026-11-22 00:00:00");
        assert_eq!(parse_date_start_ms("2026-13-01"), None);
    }
}
