//! The one duration syntax of every flag, variable and profile key that takes a duration
//! (`-t/--timeout`, `exporter --refresh`, `OBSSL_NONCE_CACHE_TTL`): a bare number is seconds
//! (`5`, `2.5`), or numbers with units `ms`, `s`, `m`, `h` (`500ms`, `30s`, `5m`, `1h30m`).

use std::time::Duration;

/// The syntax, as error messages and help texts give it.
pub const SYNTAX: &str = "seconds (30, 2.5) or a number with a unit: 500ms, 30s, 5m, 1h, 1h30m";

/// `text` as a duration within `min..=max`; the error is a sentence naming the value and
/// what to give instead.
pub fn parse_duration_in(text: &str, min: Duration, max: Duration) -> Result<Duration, String> {
    let duration =
        parse(text).ok_or_else(|| format!("`{text}` is not a duration: give {SYNTAX}"))?;
    if duration < min || duration > max {
        return Err(format!(
            "`{text}` is out of range: give {} to {}",
            if min.is_zero() {
                "0".to_owned()
            } else {
                describe(min)
            },
            describe(max)
        ));
    }
    Ok(duration)
}

/// `12s`, `5m`, `168h`, `500ms`: a bound as a user would type it.
fn describe(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(3_600_000) {
        format!("{}h", ms / 3_600_000)
    } else if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

fn parse(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    // A bare number: seconds.
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return seconds(text, 1.0);
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let (number, tail) = rest.split_at(number_len);
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let scale = match unit {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total = total.checked_add(seconds(number, scale)?)?;
        rest = tail;
    }
    Some(total)
}

/// `number` (digits, at most one `.`, a digit on each side of it) times `scale` seconds.
fn seconds(number: &str, scale: f64) -> Option<Duration> {
    let valid = !number.is_empty()
        && number.split('.').count() <= 2
        && number.split('.').all(|part| !part.is_empty());
    if !valid {
        return None;
    }
    let value = number.parse::<f64>().ok()? * scale;
    // Beyond a century is out of any range and of Duration's comfort.
    (value.is_finite() && value <= 3.2e9).then(|| Duration::from_secs_f64(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEEK: Duration = Duration::from_secs(7 * 86_400);

    fn secs(text: &str) -> Result<f64, String> {
        parse_duration_in(text, Duration::ZERO, WEEK).map(|d| d.as_secs_f64())
    }

    #[test]
    fn a_bare_number_is_seconds_and_units_add_up() {
        assert_eq!(secs("5"), Ok(5.0));
        assert_eq!(secs("2.5"), Ok(2.5));
        assert_eq!(secs(" 30s "), Ok(30.0));
        assert_eq!(secs("500ms"), Ok(0.5));
        assert_eq!(secs("5m"), Ok(300.0));
        assert_eq!(secs("1h"), Ok(3600.0));
        assert_eq!(secs("1h30m"), Ok(5400.0));
        assert_eq!(secs("1.5m"), Ok(90.0));
        assert_eq!(secs("0"), Ok(0.0));
    }

    #[test]
    fn anything_else_is_refused_naming_the_value_and_the_syntax() {
        for bad in [
            "",
            "x",
            "5x",
            "m",
            "-5",
            "-5m",
            "5 m",
            "1..5",
            ".5",
            "5.",
            "1e3",
            "5mm",
            "inf",
            "99999999999999999999h",
        ] {
            let e = secs(bad).unwrap_err();
            assert!(e.contains(&format!("`{bad}`")), "{bad}: {e}");
            assert!(e.contains("500ms, 30s, 5m, 1h"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_range_is_told_in_units() {
        let refresh = |t: &str| parse_duration_in(t, Duration::from_secs(1), WEEK);
        assert_eq!(refresh("300"), Ok(Duration::from_secs(300)));
        assert_eq!(
            refresh("0s").unwrap_err(),
            "`0s` is out of range: give 1s to 168h"
        );
        assert_eq!(
            refresh("169h").unwrap_err(),
            "`169h` is out of range: give 1s to 168h"
        );
        assert_eq!(
            parse_duration_in("0", Duration::from_millis(1), Duration::from_secs(86_400))
                .unwrap_err(),
            "`0` is out of range: give 1ms to 24h"
        );
    }
}
