//! Timestamp freshness, shared by every verifier.

use crate::error::{Error, SignatureReason};
use crate::timestamp::unix_seconds;
use std::time::{Duration, SystemTime};

pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    pub fn at(now: SystemTime) -> Self {
        VerifyOptions {
            now: Some(now),
            ..Self::default()
        }
    }

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
