//! Certificate expiry: parsing `validPeriod` and saying how long is left.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// Parses `validPeriod`: RFC 3339 (`2026-12-10T04:11:13Z`) or the sibling
/// API's zone-less `YYYY-MM-DD HH:MM:SS[.f]`, taken as UTC.
pub fn parse_valid_period(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    let civil: DateTime = text.parse().ok()?;
    civil
        .to_zoned_datetime(TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// "in 11 days", "in 5 hours", "expired 3 days ago": the time from `now`
/// to `expiry`. Whether it is expired is decided by comparing the instants,
/// never by a rounded count.
pub fn describe_time_left(expiry: Timestamp, now: Timestamp) -> String {
    let left: SignedDuration = expiry.duration_since(now);
    if left.is_negative() {
        format!("expired {} ago", amount(left.abs()))
    } else {
        format!("in {}", amount(left))
    }
}

/// Whole days, hours or minutes (rounded down), whichever is the largest non-zero unit.
fn amount(d: SignedDuration) -> String {
    let secs = d.as_secs();
    let (n, unit) = if secs >= 86_400 {
        (secs / 86_400, "day")
    } else if secs >= 3_600 {
        (secs / 3_600, "hour")
    } else if secs >= 60 {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn both_date_forms_parse_as_utc() {
        assert_eq!(
            parse_valid_period("2026-12-10T04:11:13Z"),
            Some(ts("2026-12-10T04:11:13Z"))
        );
        assert_eq!(
            parse_valid_period("2024-09-20 07:55:03.0"),
            Some(ts("2024-09-20T07:55:03Z"))
        );
        assert_eq!(
            parse_valid_period("2024-09-20 07:55:03"),
            Some(ts("2024-09-20T07:55:03Z"))
        );
        assert_eq!(
            parse_valid_period("2026-12-10T12:11:13+08:00"),
            Some(ts("2026-12-10T04:11:13Z"))
        );
        for bad in ["", "soon", "2026-13-40T00:00:00Z", "12/10/2026"] {
            assert_eq!(parse_valid_period(bad), None, "{bad}");
        }
    }

    #[test]
    fn time_left_reads_naturally() {
        let now = ts("2026-11-29T00:00:00Z");
        assert_eq!(
            describe_time_left(ts("2026-12-10T04:11:13Z"), now),
            "in 11 days"
        );
        assert_eq!(
            describe_time_left(ts("2026-11-30T00:00:00Z"), now),
            "in 1 day"
        );
        assert_eq!(
            describe_time_left(ts("2026-11-29T05:30:00Z"), now),
            "in 5 hours"
        );
        assert_eq!(
            describe_time_left(ts("2026-11-26T00:00:00Z"), now),
            "expired 3 days ago"
        );
        assert_eq!(
            describe_time_left(ts("2026-11-28T23:00:00Z"), now),
            "expired 1 hour ago",
            "an hour past expiry is expired, not 'in 0 days'"
        );
    }
}
