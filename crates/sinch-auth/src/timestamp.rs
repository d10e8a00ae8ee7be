//! ISO-8601 UTC timestamps for `x-timestamp`: formatting (millisecond precision, `Z`) and
//! parsing (0–9 fractional digits, `Z` or a `±HH:MM` / `±HHMM` offset).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `2023-11-22T09:10:11.999Z`: what `new Date().toISOString()` sends, which the official
/// Node SDK signs. The calendar is the `time` crate's; the layout is written out because it
/// is fixed (millisecond precision, `Z`), where a `time` format description would need its
/// `macros` and `formatting` features for one line.
pub(crate) fn format_iso8601(t: SystemTime) -> String {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let d = time::Duration::try_from(since)
        .ok()
        .and_then(|since| time::OffsetDateTime::UNIX_EPOCH.checked_add(since))
        .unwrap_or(time::PrimitiveDateTime::MAX.assume_utc()); // past year 9999
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second(),
        d.millisecond()
    )
}

/// Seconds since the epoch (may be negative), with nanoseconds. RFC 3339 as the `time`
/// crate parses it (`T`/`t`, `Z`/`z` or `±HH:MM`, any number of fraction digits, beyond
/// nanoseconds ignored), plus the ISO-8601 basic offset `±HHMM` that `strftime("%z")` writes.
pub(crate) fn parse_iso8601(s: &str) -> Option<(i64, u32)> {
    use time::format_description::well_known::Rfc3339;
    let with_colon;
    let s = match s.as_bytes() {
        // A valid RFC 3339 string never ends in sign + four digits, so this cannot
        // change the reading of one the parser accepts as is.
        [.., b'+' | b'-', a, b, c, d] if [a, b, c, d].iter().all(|x| x.is_ascii_digit()) => {
            let (head, minutes) = s.split_at(s.len() - 2);
            with_colon = format!("{head}:{minutes}");
            &with_colon
        }
        _ => s,
    };
    let t = time::OffsetDateTime::parse(s, &Rfc3339).ok()?;
    Some((t.unix_timestamp(), t.nanosecond()))
}

pub(crate) fn unix_seconds(t: SystemTime) -> f64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

pub(crate) fn from_unix_seconds(secs: f64) -> SystemTime {
    if secs >= 0.0 {
        UNIX_EPOCH + Duration::from_secs_f64(secs.min(1e12))
    } else {
        UNIX_EPOCH - Duration::from_secs_f64((-secs).min(1e12))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_sdk_format() {
        assert_eq!(
            parse_iso8601("2014-06-04T13:41:58Z"),
            Some((1_401_889_318, 0))
        );
        assert_eq!(
            parse_iso8601("2023-11-22T09:10:11.999Z"),
            Some((1_700_644_211, 999_000_000))
        );
        assert_eq!(
            parse_iso8601("2024-01-19T09:19:28.9372196Z"),
            Some((1_705_655_968, 937_219_600))
        );
        assert_eq!(
            parse_iso8601("2024-01-19T09:19:28.937219+00:00"),
            Some((1_705_655_968, 937_219_000))
        );
        assert_eq!(
            parse_iso8601("2024-01-19T10:19:28+0100"),
            Some((1_705_655_968, 0))
        );
        assert_eq!(
            parse_iso8601("2024-01-19T09:19:28.123456789Z"),
            Some((1_705_655_968, 123_456_789))
        );
        assert_eq!(
            parse_iso8601("2024-01-19T09:19:28.1234567891Z"),
            Some((1_705_655_968, 123_456_789))
        );
        assert_eq!(
            parse_iso8601("2024-01-19T07:49:28-0130"),
            Some((1_705_655_968, 0))
        );
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "",
            "2024-01-19",
            "2024-01-19T09:19:28",
            "2024-13-19T09:19:28Z",
            "2023-02-29T09:19:28Z",
            "2024-01-19T09:19:28.Z",
            "2024-01-19T09:19:28+1",
            "x-timestamp:2024-01-19T09:19:28Z",
            "2024-01-19T09:19:28Zjunk",
        ] {
            assert_eq!(parse_iso8601(s), None, "{s}");
        }
    }

    #[test]
    fn format_round_trips() {
        let t = UNIX_EPOCH + Duration::from_millis(1_700_644_211_999);
        let s = format_iso8601(t);
        assert_eq!(s, "2023-11-22T09:10:11.999Z");
        assert_eq!(parse_iso8601(&s), Some((1_700_644_211, 999_000_000)));
        assert_eq!(format_iso8601(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let far = UNIX_EPOCH + Duration::from_secs(1 << 40);
        assert_eq!(format_iso8601(far), "9999-12-31T23:59:59.999Z");
        assert_eq!(
            format_iso8601(UNIX_EPOCH - Duration::from_secs(9)),
            "1970-01-01T00:00:00.000Z"
        );
    }
}
