//! The Redis backend: one lazily opened connection per process behind a mutex (with the
//! in-process cache in front, a fleet sends a few commands per process per token lifetime,
//! so a pool would only add threads and fork hazards), short timeouts, reopened after any
//! error or in a forked child. Compare-and-delete and compare-and-expire are Lua scripts.

use super::store::SharedStore;
use crate::error::{Error, Result};
use crate::token::redact_url;
use redis::ConnectionLike;
use std::fmt;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// A Redis (or Valkey) server as the fleet's shared store: `redis://`, `rediss://` (TLS),
/// user and password in the URL, a database number as the path; a Redis Cluster as
/// `redis+cluster://[user:password@]host:port,host:port…` (or `rediss+cluster://`), any
/// reachable nodes as seeds. Every key of one token carries the same hash tag, so its lock
/// and its value live on one node and the Lua scripts run there.
pub struct RedisStore {
    client: Client,
    /// The connection and the process that opened it (a forked child opens its own).
    conn: Mutex<Option<(u32, Box<dyn ConnectionLike + Send>)>>,
    timeout: Duration,
    shown: String,
}

enum Client {
    Single(redis::Client),
    Cluster(redis::cluster::ClusterClient),
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.shown)
            .field("timeout", &self.timeout)
            .finish()
    }
}

// A script rather than a pipeline: the sync cluster connection does not pipeline, and a
// script reads both in one round trip on the node that holds the key.
const GET_WITH_PTTL: &str = "return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}";
const DELETE_IF_EQUAL: &str =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const EXPIRE_IF_EQUAL: &str =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

impl RedisStore {
    /// Parses `url`; connects on first use. `timeout` bounds connecting and each command.
    /// A `rediss://` server's certificate is checked against the CA bundle named by
    /// `SINCH_AUTH_CA_BUNDLE` (else `SSL_CERT_FILE`), else the bundled web PKI roots.
    pub fn open(url: &str, timeout: Duration) -> Result<Self> {
        let ca_bundle = crate::transport::CA_BUNDLE_ENV
            .iter()
            .find_map(|name| std::env::var_os(name).filter(|v| !v.is_empty()))
            .map(std::path::PathBuf::from);
        Self::open_with_ca_bundle(url, timeout, ca_bundle.as_deref())
    }

    /// As [`RedisStore::open`], with the CA bundle (a PEM file) given: `None` trusts the
    /// bundled web PKI roots.
    pub fn open_with_ca_bundle(
        url: &str,
        timeout: Duration,
        ca_bundle: Option<&Path>,
    ) -> Result<Self> {
        let shown = redact_url(url).into_owned();
        let unusable = |why: String| {
            Error::config(format!(
                "{shown:?} is not a usable Redis URL ({why}): expected redis://[user:password@]host[:port][/db], rediss://…, or redis+cluster://[user:password@]host:port,host:port…"
            ))
        };
        let tls = url.starts_with("rediss");
        let certs = match ca_bundle.filter(|_| tls) {
            Some(path) => Some(redis::TlsCertificates {
                client_tls: None,
                root_cert: Some(std::fs::read(path).map_err(|e| {
                    Error::config(format!(
                        "cannot read the CA bundle {} for {shown}: {}. Set SINCH_AUTH_CA_BUNDLE to a readable PEM file",
                        path.display(),
                        e.kind()
                    ))
                })?),
            }),
            None => None,
        };
        let client = match cluster_seeds(url) {
            Some(seeds) => {
                let seeds = seeds.map_err(unusable)?;
                let mut b = redis::cluster::ClusterClient::builder(seeds)
                    .connection_timeout(timeout)
                    .response_timeout(timeout)
                    .retries(1);
                if let Some(certs) = certs {
                    b = b.certs(certs);
                }
                Client::Cluster(b.build().map_err(|e| unusable(e.category().to_owned()))?)
            }
            None => {
                let client = match certs {
                    Some(certs) => redis::Client::build_with_tls(url, certs),
                    None => redis::Client::open(url),
                };
                Client::Single(client.map_err(|e| unusable(e.category().to_owned()))?)
            }
        };
        Ok(RedisStore {
            client,
            conn: Mutex::new(None),
            timeout,
            shown,
        })
    }

    fn connect(&self) -> redis::RedisResult<Box<dyn ConnectionLike + Send>> {
        Ok(match &self.client {
            Client::Single(c) => {
                let conn = c.get_connection_with_timeout(self.timeout)?;
                conn.set_read_timeout(Some(self.timeout))?;
                conn.set_write_timeout(Some(self.timeout))?;
                Box::new(conn)
            }
            Client::Cluster(c) => Box::new(c.get_connection()?),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut dyn ConnectionLike) -> redis::RedisResult<T>,
    ) -> Result<T> {
        let mut slot = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let pid = std::process::id();
        if slot.as_ref().is_none_or(|(owner, _)| *owner != pid) {
            *slot = None;
            let conn = self.connect().map_err(|e| self.error(&e))?;
            *slot = Some((pid, conn));
        }
        let (_, conn) = slot.as_mut().expect("a connection was just opened");
        f(conn.as_mut()).map_err(|e| {
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
        } else if e.kind() == redis::ErrorKind::Io && e.to_string().contains("certificate") {
            // rustls's reason (an I/O error's text never holds a command's arguments).
            format!(
                "TLS handshake refused ({e}): if a private CA signed the server's certificate, set SINCH_AUTH_CA_BUNDLE to a PEM file holding it"
            )
        } else {
            match e.code() {
                Some(code) => format!("{} ({code})", e.category()),
                None => e.category().to_owned(),
            }
        };
        Error::transport(format!("shared cache {}: {what}", self.shown))
    }
}

/// `redis+cluster://[userinfo@]h1:p1,h2:p2[/]` → one `redis://[userinfo@]h:p` seed per node
/// (`rediss` likewise); `None` when the URL does not name a cluster. The `redis` crate
/// takes a cluster as a list of node URLs; this is the one-string form a setting can hold.
fn cluster_seeds(url: &str) -> Option<std::result::Result<Vec<String>, String>> {
    let (scheme, rest) = url.split_once("+cluster://")?;
    if scheme != "redis" && scheme != "rediss" {
        return Some(Err(format!("unknown scheme {scheme}+cluster")));
    }
    let rest = rest.trim_end_matches('/');
    let (userinfo, hosts) = match rest.rsplit_once('@') {
        Some((u, h)) => (format!("{u}@"), h),
        None => (String::new(), rest),
    };
    let seeds: Vec<String> = hosts
        .split(',')
        .filter(|h| !h.trim().is_empty())
        .map(|h| format!("{scheme}://{userinfo}{}", h.trim()))
        .collect();
    if seeds.is_empty() || hosts.contains('/') {
        return Some(Err(
            "a cluster URL lists host:port pairs, comma-separated, and no database".to_owned(),
        ));
    }
    Some(Ok(seeds))
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
            self.with(|c| redis::Script::new(GET_WITH_PTTL).key(key).invoke(c))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_url_becomes_one_seed_per_node_with_its_credentials() {
        assert_eq!(
            cluster_seeds("redis+cluster://u:p@a:7000,b:7001/").unwrap(),
            Ok(vec![
                "redis://u:p@a:7000".to_owned(),
                "redis://u:p@b:7001".to_owned()
            ])
        );
        assert_eq!(
            cluster_seeds("rediss+cluster://a:1").unwrap(),
            Ok(vec!["rediss://a:1".to_owned()])
        );
        assert!(cluster_seeds("redis://a:1").is_none());
        assert!(cluster_seeds("redis+cluster://a:1/0").unwrap().is_err());
        assert!(cluster_seeds("http+cluster://a:1").unwrap().is_err());
        assert!(cluster_seeds("redis+cluster://").unwrap().is_err());
    }

    #[test]
    fn an_unusable_url_names_the_forms_and_hides_the_password() {
        for url in [
            "redis+cluster://u:PW-x@",
            "bogus://u:PW-x@h",
            "ftp+cluster://u:PW-x@h:1",
        ] {
            let e =
                RedisStore::open_with_ca_bundle(url, Duration::from_millis(10), None).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Config, "{url}");
            assert!(e.message().contains("redis+cluster://"), "{}", e.message());
            assert!(!e.message().contains("PW-x"), "{}", e.message());
        }
        let shown = RedisStore::open_with_ca_bundle(
            "redis+cluster://u:PW-x@a:1,b:2",
            Duration::from_millis(10),
            None,
        )
        .unwrap()
        .describe();
        assert_eq!(shown, "redis+cluster://a:1,b:2");
    }

    #[test]
    fn a_missing_ca_bundle_is_a_config_error_for_tls_only() {
        let missing = Path::new("/nonexistent/ca.pem");
        let e = RedisStore::open_with_ca_bundle(
            "rediss://h:1",
            Duration::from_millis(10),
            Some(missing),
        )
        .unwrap_err();
        assert!(
            e.message().contains("cannot read the CA bundle"),
            "{}",
            e.message()
        );
        assert!(RedisStore::open_with_ca_bundle(
            "redis://h:1",
            Duration::from_millis(10),
            Some(missing)
        )
        .is_ok());
    }
}
