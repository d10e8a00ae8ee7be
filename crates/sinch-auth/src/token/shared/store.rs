//! The store a fleet shares, reduced to the five operations the algorithm needs. Backends
//! are dumb: every rule (keys, sealing, locking, back-off) lives in `super`.

use crate::error::Result;
use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A key-value store with expiry, as Redis offers it. Each call is one round trip and may
/// fail (the caller treats a failure as a miss).
pub trait SharedStore: Send + Sync + fmt::Debug {
    /// The value under `key` and its remaining time to live, measured by the store (so the
    /// hosts' clocks do not matter).
    fn get(&self, key: &str) -> Result<Option<(Vec<u8>, Duration)>>;
    /// Sets `key` for `ttl`, replacing any value.
    fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<()>;
    /// Sets `key` for `ttl` only if it does not exist (`SET NX PX`); whether it was set.
    fn set_if_absent(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool>;
    /// Deletes `key` only if it still holds `value`; whether it was deleted.
    fn delete_if_equal(&self, key: &str, value: &[u8]) -> Result<bool>;
    /// Sets a new `ttl` on `key` only if it still holds `value`; whether it did.
    fn expire_if_equal(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool>;
    /// How the store is named in messages and the status (never with a password).
    fn describe(&self) -> String {
        "custom store".to_owned()
    }
}

/// An in-process store with the same semantics, for tests and for sharing between
/// providers of one process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, (Vec<u8>, Instant)>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn live(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Vec<u8>, Instant)>> {
        let mut m = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        m.retain(|_, (_, until)| *until > now);
        m
    }
}

impl SharedStore for MemoryStore {
    fn describe(&self) -> String {
        "in-process memory store".to_owned()
    }
    fn get(&self, key: &str) -> Result<Option<(Vec<u8>, Duration)>> {
        let now = Instant::now();
        Ok(self
            .live()
            .get(key)
            .map(|(v, until)| (v.clone(), until.saturating_duration_since(now))))
    }
    fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<()> {
        self.live()
            .insert(key.to_owned(), (value.to_vec(), Instant::now() + ttl));
        Ok(())
    }
    fn set_if_absent(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool> {
        let mut m = self.live();
        if m.contains_key(key) {
            return Ok(false);
        }
        m.insert(key.to_owned(), (value.to_vec(), Instant::now() + ttl));
        Ok(true)
    }
    fn delete_if_equal(&self, key: &str, value: &[u8]) -> Result<bool> {
        let mut m = self.live();
        if m.get(key).is_some_and(|(v, _)| v == value) {
            m.remove(key);
            return Ok(true);
        }
        Ok(false)
    }
    fn expire_if_equal(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool> {
        let mut m = self.live();
        match m.get_mut(key) {
            Some((v, until)) if v == value => {
                *until = Instant::now() + ttl;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}
