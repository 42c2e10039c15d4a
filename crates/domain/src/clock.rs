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

/// Today's date in China time, as `2026-11-22`.
pub fn today() -> String {
    let format = format_description!("[year]-[month]-[day]");
    china_time(now_ms())
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// This year in China time.
pub fn this_year() -> i32 {
    china_time(now_ms()).map(|t| t.year()).unwrap_or(2026)
}

/// Parses `2026-11-22` as the start of that day in China time.
pub fn parse_date_start_ms(raw: &str) -> Option<i64> {
    let format = format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(raw.trim(), &format).ok()?;
    let start = date.midnight().assume_offset(CHINA);
    Some((start.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// Parses `2026-11-22 09:30` (or `2026-11-22T09:30`, as a date-time field sends it, with
/// optional seconds) as a moment in China time.
pub fn parse_datetime_ms(raw: &str) -> Option<i64> {
    let raw = raw.trim().replacen('T', " ", 1);
    let with_seconds = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let without = format_description!("[year]-[month]-[day] [hour]:[minute]");
    let at = time::PrimitiveDateTime::parse(&raw, &with_seconds)
        .or_else(|_| time::PrimitiveDateTime::parse(&raw, &without))
        .ok()?
        .assume_offset(CHINA);
    Some((at.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// `2026-11-22T09:30`, the value a date-time field shows.
pub fn format_datetime_local(ms: i64) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    china_time(ms)
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_parse_in_china_time() {
        let ms = parse_datetime_ms("2026-11-22T09:30").unwrap();
        assert_eq!(format_datetime(ms), "2026-11-22 09:30:00");
        assert_eq!(parse_datetime_ms("2026-11-22 09:30:15"), Some(ms + 15_000));
        assert_eq!(format_datetime_local(ms), "2026-11-22T09:30");
        assert_eq!(parse_datetime_ms("2026-11-22 25:00"), None);
        assert_eq!(parse_datetime_ms("明天"), None);
    }

    #[test]
    fn formats_in_china_time_and_parses_back() {
        let ms = parse_date_start_ms("2026-11-22").unwrap();
        assert_eq!(format_datetime(ms), "2026-11-22 00:00:00");
        assert_eq!(parse_date_start_ms("2026-13-01"), None);
    }
}
