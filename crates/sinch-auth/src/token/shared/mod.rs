//! One token for a whole fleet: the provider's in-process cache (L1) stays in front, and on
//! an L1 miss or in the refresh window it asks a store the fleet shares (L2, Redis) before
//! the token endpoint, with a cross-process lock so one process fetches for all. The
//! algorithm is here, once, above [`SharedStore`]; the backends only store.
//!
//! Store trouble never breaks auth: every store error is a miss plus a local fetch (unless
//! `strict`), and a circuit breaker skips the store for a while after a failure, then lets
//! one call probe it.

#[cfg(feature = "redis")]
mod redis;
mod seal;
mod store;

#[cfg(feature = "redis")]
pub use self::redis::RedisStore;
pub use store::{MemoryStore, SharedStore};

use super::events::{emit, Event, EventListener};
use crate::credentials::ProjectCredentials;
use crate::error::{Error, Result};
use seal::Sealer;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The environment variable naming the shared cache (`redis://…`), read when the builder
/// was not given one.
pub const SHARED_CACHE_ENV: &str = "SINCH_AUTH_SHARED_CACHE";

/// How the provider uses its shared store.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedCacheOptions {
    /// Prefix of every key name (default `sinch-auth`).
    pub prefix: String,
    /// Fail instead of fetching locally when the store is unusable.
    pub strict: bool,
    /// How long the lock is held before it lapses (renewed while a fetch runs).
    pub lease: Duration,
    /// How long the store is skipped after a failure before one call probes it.
    pub open_for: Duration,
    /// Connect and command timeout of the Redis backend.
    pub timeout: Duration,
}

impl Default for SharedCacheOptions {
    fn default() -> Self {
        SharedCacheOptions {
            prefix: "sinch-auth".to_owned(),
            strict: false,
            lease: Duration::from_secs(15),
            open_for: Duration::from_secs(30),
            timeout: Duration::from_millis(250),
        }
    }
}

/// What the shared cache has done, for `shared_cache_status()` in every language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedCacheStatus {
    /// `available`, `unavailable` (skipped after a failure) or `probing`.
    pub state: &'static str,
    /// The store, without credentials (`redis://host:6379/0`).
    pub store: String,
    /// The last failure's message, if the store has failed.
    pub last_error: Option<String>,
    /// Tokens found in the store.
    pub hits: u64,
    /// Reads that found nothing usable.
    pub misses: u64,
    /// Store operations that failed.
    pub errors: u64,
    /// Fetches this process made for the fleet (it held the lock).
    pub lock_won: u64,
    /// Times this process waited for another one's fetch.
    pub lock_waited: u64,
    /// Operations skipped while the store was unavailable.
    pub skipped: u64,
}

#[derive(Default)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    errors: AtomicU64,
    lock_won: AtomicU64,
    lock_waited: AtomicU64,
    skipped: AtomicU64,
}

enum Breaker {
    Closed,
    Open { until: Instant },
    Probing,
}

/// A token as the fleet stores it (sealed): enough to rebuild the provider's cache entry.
pub(crate) struct Entry {
    pub(crate) token: String,
    pub(crate) token_type: String,
    /// The lifetime the endpoint granted.
    pub(crate) lifetime: Duration,
    /// What is left of it, by the store's clock.
    pub(crate) remaining: Duration,
    /// The sealed bytes, to delete exactly this entry after a 401.
    pub(crate) sealed: Vec<u8>,
}

pub(crate) struct SharedCache {
    store: Arc<dyn SharedStore>,
    shown: String,
    sealer: Sealer,
    tok: String,
    lock: String,
    cooldown: String,
    owner: Vec<u8>,
    pub(crate) options: SharedCacheOptions,
    breaker: Mutex<(Breaker, Option<String>)>,
    counters: Counters,
    listener: Option<EventListener>,
    key_id: String,
}

/// The store was skipped or failed; the message says which.
pub(crate) struct Unavailable(pub(crate) Error);

type Outcome<T> = std::result::Result<T, Unavailable>;

impl SharedCache {
    pub(crate) fn new(
        store: Arc<dyn SharedStore>,
        shown: String,
        creds: &ProjectCredentials,
        token_url: &str,
        options: SharedCacheOptions,
        listener: Option<EventListener>,
    ) -> Self {
        let sealer = Sealer::new(creds, token_url, &options.prefix);
        let owner = format!(
            "{}:{:016x}",
            std::process::id(),
            (super::random::uniform() * u64::MAX as f64) as u64
        )
        .into_bytes();
        SharedCache {
            tok: sealer.key("tok"),
            lock: sealer.key("lock"),
            cooldown: sealer.key("cooldown"),
            sealer,
            store,
            shown,
            owner,
            options,
            breaker: Mutex::new((Breaker::Closed, None)),
            counters: Counters::default(),
            listener,
            key_id: creds.key_id().to_owned(),
        }
    }

    /// Runs one store operation through the breaker.
    fn op<T>(&self, f: impl FnOnce(&dyn SharedStore) -> Result<T>) -> Outcome<T> {
        {
            let mut b = self.breaker.lock().unwrap_or_else(|p| p.into_inner());
            match b.0 {
                Breaker::Open { until } if Instant::now() < until => {
                    self.counters.skipped.fetch_add(1, Ordering::Relaxed);
                    return Err(Unavailable(Error::transport(format!(
                        "shared cache {} skipped after a failure ({})",
                        self.shown,
                        b.1.as_deref().unwrap_or("unknown")
                    ))));
                }
                Breaker::Open { .. } => b.0 = Breaker::Probing,
                _ => {}
            }
        }
        let result = f(self.store.as_ref());
        let mut b = self.breaker.lock().unwrap_or_else(|p| p.into_inner());
        match result {
            Ok(v) => {
                let recovered = !matches!(b.0, Breaker::Closed);
                b.0 = Breaker::Closed;
                drop(b);
                if recovered {
                    emit(
                        self.listener.as_ref(),
                        Event::SharedCacheUp {
                            key_id: &self.key_id,
                        },
                    );
                }
                Ok(v)
            }
            Err(e) => {
                self.counters.errors.fetch_add(1, Ordering::Relaxed);
                let jitter = 0.8 + 0.4 * super::random::uniform();
                let open_for = self.options.open_for.mul_f64(jitter);
                let was_closed = matches!(b.0, Breaker::Closed);
                b.0 = Breaker::Open {
                    until: Instant::now() + open_for,
                };
                b.1 = Some(e.message().to_owned());
                drop(b);
                if was_closed {
                    emit(
                        self.listener.as_ref(),
                        Event::SharedCacheDown {
                            key_id: &self.key_id,
                            open_for,
                        },
                    );
                }
                Err(Unavailable(e))
            }
        }
    }

    /// The fleet's token, if one is stored and opens.
    pub(crate) fn read(&self) -> Outcome<Option<Entry>> {
        let got = self.op(|s| s.get(&self.tok))?;
        let entry = got.and_then(|(sealed, remaining)| {
            let plain = self.sealer.open(&self.tok, &sealed)?;
            let v: serde_json::Value = serde_json::from_slice(&plain).ok()?;
            Some(Entry {
                token: v.get("access_token")?.as_str()?.to_owned(),
                token_type: v.get("token_type")?.as_str()?.to_owned(),
                lifetime: Duration::from_secs_f64(v.get("lifetime")?.as_f64()?.clamp(0.0, 1e7)),
                // The store's TTL runs `margin` short of the token's own expiry.
                remaining: remaining
                    + Duration::from_secs_f64(v.get("margin")?.as_f64()?.clamp(0.0, 1e7)),
                sealed,
            })
        });
        let counter = if entry.is_some() {
            &self.counters.hits
        } else {
            &self.counters.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        Ok(entry)
    }

    /// Stores a token the fleet can use for `lifetime` from now; the sealed bytes.
    pub(crate) fn write(
        &self,
        token: &str,
        token_type: &str,
        lifetime: Duration,
    ) -> Option<Vec<u8>> {
        // The store forgets it a little before it expires: min(60 s, a tenth of its life).
        let margin = Duration::from_secs(60).min(lifetime / 10);
        let plain = zeroize::Zeroizing::new(
            serde_json::json!({
                "access_token": token,
                "token_type": token_type,
                "lifetime": lifetime.as_secs_f64(),
                "margin": margin.as_secs_f64(),
            })
            .to_string(),
        );
        let sealed = self.sealer.seal(&self.tok, plain.as_bytes())?;
        self.op(|s| s.set(&self.tok, &sealed, lifetime - margin))
            .ok()
            .map(|()| sealed)
    }

    /// Whether this process now holds the fetch lock.
    pub(crate) fn try_lock(&self) -> Outcome<bool> {
        let won = self.op(|s| s.set_if_absent(&self.lock, &self.owner, self.options.lease))?;
        if won {
            self.counters.lock_won.fetch_add(1, Ordering::Relaxed);
        }
        Ok(won)
    }

    /// Keeps the lock while a fetch outlives part of its lease.
    pub(crate) fn renew(&self) {
        let _ = self.op(|s| s.expire_if_equal(&self.lock, &self.owner, self.options.lease));
    }

    pub(crate) fn unlock(&self) {
        let _ = self.op(|s| s.delete_if_equal(&self.lock, &self.owner));
    }

    pub(crate) fn waited(&self) {
        self.counters.lock_waited.fetch_add(1, Ordering::Relaxed);
    }

    /// How long the fleet still backs off after a 429/5xx, if it does.
    pub(crate) fn cooldown_left(&self) -> Outcome<Option<Duration>> {
        Ok(self.op(|s| s.get(&self.cooldown))?.map(|(_, left)| left))
    }

    pub(crate) fn start_cooldown(&self, d: Duration) {
        let _ = self.op(|s| s.set(&self.cooldown, b"1", d));
    }

    /// After a 401: deletes the fleet's entry only if it is still the one that failed.
    pub(crate) fn invalidate(&self, sealed: &[u8]) {
        let _ = self.op(|s| s.delete_if_equal(&self.tok, sealed));
    }

    pub(crate) fn status(&self) -> SharedCacheStatus {
        let b = self.breaker.lock().unwrap_or_else(|p| p.into_inner());
        let state = match b.0 {
            Breaker::Closed => "available",
            Breaker::Open { until } if Instant::now() < until => "unavailable",
            _ => "probing",
        };
        let c = &self.counters;
        SharedCacheStatus {
            state,
            store: self.shown.clone(),
            last_error: b.1.clone(),
            hits: c.hits.load(Ordering::Relaxed),
            misses: c.misses.load(Ordering::Relaxed),
            errors: c.errors.load(Ordering::Relaxed),
            lock_won: c.lock_won.load(Ordering::Relaxed),
            lock_waited: c.lock_waited.load(Ordering::Relaxed),
            skipped: c.skipped.load(Ordering::Relaxed),
        }
    }
}
