//! Timestamp freshness, shared by every verifier.

use crate::error::{Error, SignatureReason};
use crate::timestamp::unix_seconds;
use std::time::{Duration, SystemTime};

/// How far a webhook's timestamp may be from now, either way, unless told otherwise.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Epoch seconds above this are taken for milliseconds (it is the year 5138 in seconds, and
/// early 1973 in milliseconds): `now: Date.now()` or `time.time() * 1000` passed by mistake.
const MILLISECONDS_ABOVE: f64 = 1e11;

/// The largest duration a binding accepts from a number of seconds (about 317 years).
const LONGEST_SECONDS: f64 = 1e10;

/// "Now" given as epoch seconds (what Python's `time.time()` and the CLI's `--now` give):
/// finite, and not milliseconds. Every binding converts a user's `now` with this.
pub fn now_from_epoch_seconds(secs: f64) -> Result<SystemTime, Error> {
    if !secs.is_finite() {
        return Err(Error::config(format!(
            "now must be a finite number of epoch seconds, got {secs}"
        )));
    }
    if secs.abs() > MILLISECONDS_ABOVE {
        return Err(Error::config(format!(
            "now = {secs} looks like epoch milliseconds; pass seconds (Date.now() / 1000 in \
             JavaScript, time.time() in Python)"
        )));
    }
    Ok(crate::timestamp::from_unix_seconds(secs))
}

/// A duration given as seconds (a tolerance, a timeout, a window): finite and not negative.
/// `what` names the argument in the error.
pub fn duration_from_seconds(what: &str, secs: f64) -> Result<Duration, Error> {
    if !secs.is_finite() || secs < 0.0 {
        return Err(Error::config(format!(
            "{what} must be a finite, non-negative number of seconds, got {secs}"
        )));
    }
    Ok(Duration::from_secs_f64(secs.min(LONGEST_SECONDS)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// The freshness check applied to signed callbacks: the time to compare with and the tolerance.
pub struct VerifyOptions {
    /// "Now" for the freshness check; `None` is the system clock.
    pub now: Option<SystemTime>,
    /// How far the request's timestamp may be from now, either way; `None` turns the
    /// check off (for replaying saved requests and old vectors).
    pub tolerance: Option<Duration>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            now: None,
            tolerance: Some(DEFAULT_TOLERANCE),
        }
    }
}

impl VerifyOptions {
    /// Options from the values a binding receives: `now` in epoch seconds (`None`: the system
    /// clock) and the tolerance (`Some(None)`: no freshness check, `None`: the default).
    pub fn from_seconds(now: Option<f64>, tolerance: Option<Option<f64>>) -> Result<Self, Error> {
        Ok(VerifyOptions {
            now: now.map(now_from_epoch_seconds).transpose()?,
            tolerance: match tolerance {
                None => Some(DEFAULT_TOLERANCE),
                Some(None) => None,
                Some(Some(t)) => Some(duration_from_seconds("tolerance", t)?),
            },
        })
    }

    /// The default tolerance, with `now` fixed (for replaying a saved request or a test).
    pub fn at(now: SystemTime) -> Self {
        VerifyOptions {
            now: Some(now),
            ..Self::default()
        }
    }

    /// No freshness check at all (signatures are still checked).
    pub fn no_freshness() -> Self {
        VerifyOptions {
            now: None,
            tolerance: None,
        }
    }

    /// Checks `ts` (epoch seconds) against now ± tolerance.
    pub(crate) fn check(&self, ts: f64, header: &str) -> Result<(), Error> {
        let Some(tol) = self.tolerance else {
            return Ok(());
        };
        let now = unix_seconds(self.now.unwrap_or_else(SystemTime::now));
        let tol = tol.as_secs_f64();
        if ts < now - tol {
            return Err(Error::signature(
                SignatureReason::StaleTimestamp,
                format!(
                    "the {header} is {:.0} s old, more than the {tol:.0} s tolerance (a replay, a queued retry, or a wrong clock)",
                    now - ts
                ),
            ));
        }
        if ts > now + tol {
            return Err(Error::signature(
                SignatureReason::FutureTimestamp,
                format!(
                    "the {header} is {:.0} s in the future, more than the {tol:.0} s tolerance (check both clocks)",
                    ts - now
                ),
            ));
        }
        Ok(())
    }
}
