//! Backoff for 429 and 5xx from the token endpoint.
//!
//! Sized for the auth gateway's bucket (30 burst, 10/s, no `Retry-After`): with 200 providers
//! starting at once, "equal jitter" (half the ceiling fixed, half random) over 1, 2, 4, 8, 8 s
//! gets every one a token in about 22 s. The Node SDK's full jitter over 1, 4, 16 s with three
//! retries leaves dozens failing.

use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq)]
/// How the provider retries 429, 5xx and transport failures: exponential backoff with jitter,
/// honouring `Retry-After`.
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first wait; each retry doubles it.
    pub base_delay: Duration,
    /// The longest wait between attempts.
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the error is returned instead.
    pub max_retry_after: Duration,
    /// Random extra added to a `Retry-After` wait, so callers told the same time spread out.
    pub retry_after_jitter: Duration,
    /// After a failure retrying cannot fix (401, 400 `invalid_client`, 403), calls get that
    /// error back without a request for this long; zero turns the pause off.
    pub failure_pause: Duration,
    /// Each repeat of such a failure doubles the pause, up to this.
    pub max_failure_pause: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            retry_after_jitter: Duration::from_millis(250),
            failure_pause: Duration::from_secs(1),
            max_failure_pause: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (0-based), given a uniform sample in [0, 1).
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX))
            .min(self.max_delay);
        ceiling / 2 + ceiling.mul_f64(unit.clamp(0.0, 1.0) / 2.0)
    }

    /// The wait for a `Retry-After` of `after`, or `None` if it is too long to wait for.
    pub fn retry_after_wait(&self, after: Duration, unit: f64) -> Option<Duration> {
        (after <= self.max_retry_after)
            .then(|| after + self.retry_after_jitter.mul_f64(unit.clamp(0.0, 1.0)))
    }
}

/// `Retry-After` as delta-seconds or an HTTP-date (RFC 9110); `None` when unusable.
pub(crate) fn parse_retry_after(value: Option<&str>, now: SystemTime) -> Option<Duration> {
    let v = value?.trim();
    if v.is_empty() {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse::<u64>().ok().map(Duration::from_secs);
    }
    let date = httpdate::parse_http_date(v)
        .or_else(|_| httpdate::parse_http_date(&format!("{v} GMT")))
        .ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_values_from_the_python_sdk() {
        let now = SystemTime::now();
        let p = |v: Option<&str>| parse_retry_after(v, now).map(|d| d.as_secs_f64());
        assert_eq!(p(Some("5")), Some(5.0));
        assert_eq!(p(Some("0")), Some(0.0));
        assert_eq!(p(Some("-3")), None);
        assert_eq!(p(Some("abc")), None);
        assert_eq!(p(Some("")), None);
        assert_eq!(p(None), None);
        assert_eq!(p(Some("Wed, 21 Oct 2015 07:28:00 GMT")), Some(0.0));
        assert_eq!(p(Some("Wed, 21 Oct 2015 07:28:00")), Some(0.0));
        let future = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let d = p(Some(&future)).unwrap();
        assert!((28.0..=30.0).contains(&d), "{d}");
    }

    #[test]
    fn backoff_doubles_with_equal_jitter_and_a_cap() {
        let p = RetryPolicy::default();
        let lo: Vec<u64> = (0..6)
            .map(|n| p.backoff(n, 0.0).as_millis() as u64)
            .collect();
        let hi: Vec<u64> = (0..6)
            .map(|n| p.backoff(n, 0.999_999).as_millis() as u64)
            .collect();
        assert_eq!(lo, [500, 1000, 2000, 4000, 4000, 4000]);
        assert_eq!(hi, [999, 1999, 3999, 7999, 7999, 7999]);
        assert_eq!(p.backoff(100, 0.5), Duration::from_secs(6));
    }

    #[test]
    fn retry_after_wait_adds_jitter_and_refuses_long_waits() {
        let p = RetryPolicy::default();
        // The Node SDK's vector: Retry-After 0 with random 0.5 -> 125 ms.
        assert_eq!(
            p.retry_after_wait(Duration::ZERO, 0.5),
            Some(Duration::from_millis(125))
        );
        assert_eq!(p.retry_after_wait(Duration::from_secs(3600), 0.5), None);
    }
}
