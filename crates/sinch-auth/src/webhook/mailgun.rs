//! Mailgun webhooks (spec §3.6): hex(HMAC-SHA256(webhook signing key, timestamp + token)),
//! freshness, and a replay guard on the token.

use super::freshness::VerifyOptions;
use crate::b64;
use crate::crypto::{ct_eq, hmac_sha256};
use crate::error::{Error, Result, SignatureReason};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// The hex HMAC-SHA256 Mailgun sends as `signature` for a `timestamp` and `token`.
pub fn mailgun_signature(signing_key: &str, timestamp: &str, token: &str) -> String {
    b64::hex_lower(&hmac_sha256(
        signing_key.as_bytes(),
        &[timestamp.as_bytes(), token.as_bytes()],
    ))
}

/// Remembers tokens already accepted.
pub trait ReplayGuard: Send + Sync {
    /// Records `token`; false if it was seen before.
    fn check_and_remember(&self, token: &str, now: SystemTime) -> bool;

    /// Forgets `token` (its delivery was accepted but not handled, and will come again).
    fn forget(&self, token: &str) {
        let _ = token;
    }
}

/// A bounded in-memory guard: remembers at most `capacity` tokens, each for `window`.
#[derive(Debug)]
pub struct MemoryReplayGuard {
    capacity: usize,
    window: Duration,
    seen: Mutex<(HashMap<String, SystemTime>, VecDeque<String>)>,
}

impl MemoryReplayGuard {
    /// How many tokens the guard remembers by default.
    pub const DEFAULT_CAPACITY: usize = 100_000;
    /// How long it remembers each one by default (three times the default tolerance).
    pub const DEFAULT_WINDOW: Duration = Duration::from_secs(900);

    /// A guard remembering up to `capacity` tokens for `window` each.
    pub fn new(capacity: usize, window: Duration) -> Self {
        MemoryReplayGuard {
            capacity: capacity.max(1),
            window,
            seen: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }
}

impl Default for MemoryReplayGuard {
    fn default() -> Self {
        MemoryReplayGuard::new(Self::DEFAULT_CAPACITY, Self::DEFAULT_WINDOW)
    }
}

impl ReplayGuard for MemoryReplayGuard {
    fn forget(&self, token: &str) {
        let mut g = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let (map, order) = &mut *g;
        if map.remove(token).is_some() {
            order.retain(|t| t != token);
        }
    }

    fn check_and_remember(&self, token: &str, now: SystemTime) -> bool {
        let mut g = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let (map, order) = &mut *g;
        while let Some(oldest) = order.front() {
            let expired = map
                .get(oldest)
                .is_none_or(|t| now.duration_since(*t).unwrap_or_default() > self.window);
            if expired || map.len() >= self.capacity {
                let k = order.pop_front().expect("front exists");
                map.remove(&k);
            } else {
                break;
            }
        }
        if map.contains_key(token) {
            return false;
        }
        map.insert(token.to_owned(), now);
        order.push_back(token.to_owned());
        true
    }
}

/// Verifies the `signature` object of a Mailgun webhook. The key is the HTTP webhook
/// signing key (not the API key). A `replay` guard, when given, rejects a token seen before.
pub fn verify_mailgun_webhook(
    signing_key: &str,
    timestamp: &str,
    token: &str,
    signature: &str,
    opts: &VerifyOptions,
    replay: Option<&dyn ReplayGuard>,
) -> Result<()> {
    if signing_key.is_empty() {
        return Err(Error::config(
            "the Mailgun webhook signing key is empty: copy the HTTP webhook signing key from Mailgun > Webhooks",
        ));
    }
    let ts = timestamp.trim();
    if ts.is_empty() || ts.len() > 18 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::signature(
            SignatureReason::MalformedHeader,
            "the Mailgun timestamp is not Unix seconds",
        ));
    }
    if token.is_empty() {
        return Err(Error::signature(
            SignatureReason::MissingHeader,
            "the Mailgun token is empty",
        ));
    }
    let got = b64::hex_decode(signature.trim().as_bytes()).ok_or_else(|| {
        Error::signature(
            SignatureReason::MalformedHeader,
            "the Mailgun signature is not hex",
        )
    })?;
    let expected = hmac_sha256(signing_key.as_bytes(), &[ts.as_bytes(), token.as_bytes()]);
    if !ct_eq(&expected, &got) {
        return Err(Error::signature(
            SignatureReason::BadSignature,
            "the Mailgun signature does not match: use the HTTP webhook signing key (not the API key)",
        ));
    }
    let secs: i64 = ts.parse().unwrap_or(i64::MAX);
    opts.check(secs as f64, "Mailgun timestamp")?;
    if let Some(guard) = replay {
        let now = opts.now.unwrap_or_else(SystemTime::now);
        if !guard.check_and_remember(token, now) {
            return Err(Error::signature(
                SignatureReason::Replayed,
                "this Mailgun token was already accepted: a replayed webhook",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_is_bounded_and_forgets_after_the_window() {
        let g = MemoryReplayGuard::new(2, Duration::from_secs(10));
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        assert!(g.check_and_remember("a", t0));
        assert!(!g.check_and_remember("a", t0));
        assert!(g.check_and_remember("b", t0));
        assert!(g.check_and_remember("c", t0)); // evicts "a"
        assert!(g.check_and_remember("a", t0));
        assert!(g.check_and_remember("c", t0 + Duration::from_secs(11)));
    }
}
