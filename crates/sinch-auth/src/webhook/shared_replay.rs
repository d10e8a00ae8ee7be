//! A replay guard a fleet shares: a delivery accepted by one instance is refused by every
//! other one. Each accepted token is recorded with `SET NX EX` in the same store the token
//! cache uses; the key is a SHA-256 of the token, so the store holds no delivery data.

use super::mailgun::{MemoryReplayGuard, ReplayGuard};
#[cfg(feature = "redis")]
use crate::error::Result;
use crate::token::shared::SharedStore;
use sha2::Digest;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// What a [`SharedReplayGuard`] does when its store cannot answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayStoreFailure {
    /// Fall back to an in-memory guard (this instance's deliveries are still checked).
    Memory,
    /// Refuse the delivery (it is retried later by the sender).
    Reject,
}

impl std::str::FromStr for ReplayStoreFailure {
    type Err = crate::Error;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "memory" => Ok(ReplayStoreFailure::Memory),
            "reject" => Ok(ReplayStoreFailure::Reject),
            _ => Err(crate::Error::config(format!(
                "{s:?} is not a replay-store failure policy: use \"memory\" or \"reject\""
            ))),
        }
    }
}

/// A replay guard shared through Redis (or any [`SharedStore`]).
pub struct SharedReplayGuard {
    store: Arc<dyn SharedStore>,
    prefix: String,
    window: Duration,
    on_failure: ReplayStoreFailure,
    fallback: MemoryReplayGuard,
}

impl fmt::Debug for SharedReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedReplayGuard")
            .field("store", &self.store)
            .field("window", &self.window)
            .field("on_failure", &self.on_failure)
            .finish()
    }
}

impl SharedReplayGuard {
    /// A guard on the Redis at `url` remembering each token for `window`.
    #[cfg(feature = "redis")]
    pub fn redis(url: &str, window: Duration, on_failure: ReplayStoreFailure) -> Result<Self> {
        use crate::token::shared::{RedisStore, SharedCacheOptions};
        let store = RedisStore::open(url, SharedCacheOptions::default().timeout)?;
        Ok(Self::new(Arc::new(store), window, on_failure))
    }

    /// A guard on `store`.
    pub fn new(
        store: Arc<dyn SharedStore>,
        window: Duration,
        on_failure: ReplayStoreFailure,
    ) -> Self {
        SharedReplayGuard {
            store,
            prefix: "sinch-auth:v1:replay:".to_owned(),
            window: window.max(Duration::from_secs(1)),
            on_failure,
            fallback: MemoryReplayGuard::new(MemoryReplayGuard::DEFAULT_CAPACITY, window),
        }
    }
}

impl SharedReplayGuard {
    fn key(&self, token: &str) -> String {
        format!(
            "{}{}",
            self.prefix,
            hex::encode(sha2::Sha256::digest(token.as_bytes()))
        )
    }
}

impl ReplayGuard for SharedReplayGuard {
    fn forget(&self, token: &str) {
        let _ = self.store.delete_if_equal(&self.key(token), b"1");
        self.fallback.forget(token);
    }

    fn check_and_remember(&self, token: &str, now: SystemTime) -> bool {
        let key = self.key(token);
        match self.store.set_if_absent(&key, b"1", self.window) {
            Ok(first) => first,
            Err(_) => match self.on_failure {
                ReplayStoreFailure::Memory => self.fallback.check_and_remember(token, now),
                ReplayStoreFailure::Reject => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::shared::MemoryStore;

    #[test]
    fn one_store_two_guards_one_acceptance() {
        let store: Arc<dyn SharedStore> = Arc::new(MemoryStore::new());
        let a = SharedReplayGuard::new(
            store.clone(),
            Duration::from_secs(60),
            ReplayStoreFailure::Memory,
        );
        let b = SharedReplayGuard::new(store, Duration::from_secs(60), ReplayStoreFailure::Memory);
        let now = SystemTime::now();
        assert!(a.check_and_remember("tok", now));
        assert!(!b.check_and_remember("tok", now));
        assert!(b.check_and_remember("other", now));
    }
}
