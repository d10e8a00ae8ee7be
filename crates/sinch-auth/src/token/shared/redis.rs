//! The Redis backend: one lazily opened connection per process behind a mutex (with the
//! in-process cache in front, a fleet sends a few commands per process per token lifetime,
//! so a pool would only add threads and fork hazards), short timeouts, reopened after any
//! error or in a forked child. Compare-and-delete and compare-and-expire are Lua scripts.

use super::store::SharedStore;
use crate::error::{Error, Result};
use crate::token::redact_url;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

/// A Redis (or Valkey) server as the fleet's shared store: `redis://`, `rediss://` (TLS),
/// user and password in the URL, a database number as the path.
pub struct RedisStore {
    client: redis::Client,
    /// The connection and the process that opened it (a forked child opens its own).
    conn: Mutex<Option<(u32, redis::Connection)>>,
    timeout: Duration,
    shown: String,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.shown)
            .field("timeout", &self.timeout)
            .finish()
    }
}

const DELETE_IF_EQUAL: &str =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const EXPIRE_IF_EQUAL: &str =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

impl RedisStore {
    /// Parses `url`; connects on first use. `timeout` bounds connecting and each command.
    pub fn open(url: &str, timeout: Duration) -> Result<Self> {
        let shown = redact_url(url).into_owned();
        let client = redis::Client::open(url).map_err(|e| {
            Error::config(format!(
                "{shown:?} is not a usable Redis URL ({}): expected redis://[user:password@]host[:port][/db] or rediss://…",
                e.category()
            ))
        })?;
        Ok(RedisStore {
            client,
            conn: Mutex::new(None),
            timeout,
            shown,
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> Result<T> {
        let mut slot = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let pid = std::process::id();
        if slot.as_ref().is_none_or(|(owner, _)| *owner != pid) {
            *slot = None;
            let conn = self
                .client
                .get_connection_with_timeout(self.timeout)
                .and_then(|c| {
                    c.set_read_timeout(Some(self.timeout))?;
                    c.set_write_timeout(Some(self.timeout))?;
                    Ok(c)
                })
                .map_err(|e| self.error(&e))?;
            *slot = Some((pid, conn));
        }
        let (_, conn) = slot.as_mut().expect("a connection was just opened");
        f(conn).map_err(|e| {
            *slot = None;
            self.error(&e)
        })
    }

    fn error(&self, e: &redis::RedisError) -> Error {
        // The category and code only: a Redis error's text can echo a command's arguments.
        let what = if e.is_timeout() {
            format!("timed out after {:?}", self.timeout)
        } else if e.is_connection_refusal() {
            "connection refused".to_owned()
        } else {
            match e.code() {
                Some(code) => format!("{} ({code})", e.category()),
                None => e.category().to_owned(),
            }
        };
        Error::transport(format!("shared cache {}: {what}", self.shown))
    }
}

fn millis(d: Duration) -> u64 {
    d.as_millis().clamp(1, u64::MAX as u128) as u64
}

impl SharedStore for RedisStore {
    fn describe(&self) -> String {
        self.shown.clone()
    }
    fn get(&self, key: &str) -> Result<Option<(Vec<u8>, Duration)>> {
        let (value, pttl): (Option<Vec<u8>>, i64) =
            self.with(|c| redis::pipe().get(key).pttl(key).query(c))?;
        Ok(value
            .filter(|_| pttl > 0)
            .map(|v| (v, Duration::from_millis(pttl as u64))))
    }
    fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<()> {
        self.with(|c| {
            redis::cmd("SET")
                .arg(key)
                .arg(value)
                .arg("PX")
                .arg(millis(ttl))
                .query(c)
        })
    }
    fn set_if_absent(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool> {
        let set: Option<String> = self.with(|c| {
            redis::cmd("SET")
                .arg(key)
                .arg(value)
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl))
                .query(c)
        })?;
        Ok(set.is_some())
    }
    fn delete_if_equal(&self, key: &str, value: &[u8]) -> Result<bool> {
        let n: i64 = self.with(|c| {
            redis::Script::new(DELETE_IF_EQUAL)
                .key(key)
                .arg(value)
                .invoke(c)
        })?;
        Ok(n == 1)
    }
    fn expire_if_equal(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool> {
        let n: i64 = self.with(|c| {
            redis::Script::new(EXPIRE_IF_EQUAL)
                .key(key)
                .arg(value)
                .arg(millis(ttl))
                .invoke(c)
        })?;
        Ok(n == 1)
    }
}
