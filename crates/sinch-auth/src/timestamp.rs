//! ISO-8601 UTC timestamps for `x-timestamp`: formatting (millisecond precision, `Z`) and
//! parsing (0–9 fractional digits, `Z` or a `±HH:MM` / `±HHMM` offset).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

// Days from 1970-01-01 to the civil date (proleptic Gregorian), Howard Hinnant's algorithm.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2023-11-22T09:10:11.999Z`
pub fn format_iso8601(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (y, mo, day) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

fn digits(s: &[u8], n: usize) -> Option<u32> {
    if s.len() < n || !s[..n].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s[..n].iter().fold(0, |a, &c| a * 10 + u32::from(c - b'0')))
}

/// Seconds since the epoch (may be negative), with nanoseconds.
pub fn parse_iso8601(s: &str) -> Option<(i64, u32)> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (digits(b, 4)?, digits(&b[5..], 2)?, digits(&b[8..], 2)?);
    let (h, mi, se) = (
        digits(&b[11..], 2)?,
        digits(&b[14..], 2)?,
        digits(&b[17..], 2)?,
    );
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60
    {
        return None;
    }
    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if let Some((&b'.', frac)) = rest.split_first() {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        nanos = digits(frac, n)? * 10u32.pow(9 - n as u32);
        rest = &frac[n..];
    }
    let offset: i64 = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (oh, om) = match tail {
                [_, _, b':', _, _] => (digits(tail, 2)?, digits(&tail[3..], 2)?),
                [_, _, _, _] => (digits(tail, 2)?, digits(&tail[2..], 2)?),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let o = i64::from(oh * 3600 + om * 60);
            if *sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    let days = days_from_civil(i64::from(y), mo, d);
    let secs = days * 86_400 + i64::from(h * 3600 + mi * 60 + se) - offset;
    Some((secs, nanos))
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

pub fn unix_seconds(t: SystemTime) -> f64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

pub fn from_unix_seconds(secs: f64) -> SystemTime {
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
            "2024-01-19T09:19:28.1234567890Z",
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
    }
}
