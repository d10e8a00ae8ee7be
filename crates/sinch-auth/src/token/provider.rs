//! The token cache: one per credential set, shared by every thread and every project-scoped
//! product. One request however many callers ask; refresh ahead of expiry in the background
//! while the cached token keeps being served; compare-and-clear invalidation; bounded retries.

use super::access_token::AccessToken;
use super::events::{emit, Event, EventListener};
use super::random::{default_random, Random};
use super::request::{redact_url, token_request, validate_url};
use super::response::parse_token_response;
use super::retry::{parse_retry_after, RetryPolicy};
use super::shared::{
    Entry, SharedCache, SharedCacheOptions, SharedCacheStatus, SharedStore, Unavailable,
    SHARED_CACHE_ENV,
};
use crate::clock::{Clock, SystemClock};
use crate::credentials::ProjectCredentials;
use crate::error::{Error, ErrorKind, Result};
use crate::product::{DEFAULT_TOKEN_URL, TOKEN_URL_ENV};
use crate::timestamp::{from_unix_seconds, unix_seconds};
use crate::transport::{Transport, TransportConfig};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// When to refresh. The skew is `min(margin, lifetime × fraction)`, so an hour-long token is
/// refreshed about a minute early and a two-second token half a second early, not on every
/// call. A quarter of a short lifetime leaves room for the time a caller takes between getting
/// the token and the request reaching the server (measured: 256 busy Python threads needed
/// more than the 10% first tried).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefreshPolicy {
    /// The most a token is refreshed ahead of its expiry.
    pub margin: Duration,
    /// The share of a token's lifetime it is refreshed ahead by, when that is less than `margin`.
    pub fraction: f64,
    /// The refresh point moves earlier by up to `skew × jitter`, so many processes sharing a
    /// key do not refresh in the same instant.
    pub jitter: f64,
    /// After a failed background refresh, wait this long (at most half the time left)
    /// before trying again.
    pub retry_pause: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        RefreshPolicy {
            margin: Duration::from_secs(60),
            fraction: 0.25,
            jitter: 0.5,
            retry_pause: Duration::from_secs(5),
        }
    }
}

/// Counters, for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenStats {
    /// HTTP requests sent to the token endpoint (retries included).
    pub requests: u64,
    /// Tokens obtained.
    pub fetched: u64,
    /// Fetches (after retries) that failed.
    pub failures: u64,
}

struct Cached {
    token: AccessToken,
    /// Start a background refresh from here on.
    refresh_at: Deadline,
    /// Stop handing the token out from here on (a little before it expires, so a request
    /// made with it still reaches the server in time).
    serve_until: Deadline,
    /// The fleet's sealed copy, when it came from or went to the shared cache.
    sealed: Option<Vec<u8>>,
}

/// A token ready for the cache.
struct Fetched {
    token: AccessToken,
    refresh_at: Deadline,
    serve_until: Deadline,
    /// The lifetime the endpoint granted (what the fleet's copy records).
    lifetime: Duration,
    sealed: Option<Vec<u8>>,
}

/// A point in time on both clocks; it has passed when either clock says so. The monotonic
/// clock alone stops while the machine sleeps or a VM is paused (Linux `CLOCK_MONOTONIC`), so
/// after a long sleep a dead token would still look fresh; the wall clock alone can be set
/// back. Together a token lives no longer than either allows.
#[derive(Clone, Copy)]
struct Deadline {
    mono: Instant,
    wall: SystemTime,
}

impl Deadline {
    fn after(now: Now, d: Duration) -> Self {
        Deadline {
            mono: now.mono + d,
            wall: now.wall + d,
        }
    }
    fn passed(&self, now: Now) -> bool {
        now.mono >= self.mono || now.wall >= self.wall
    }
    /// Time left, by the clock that has less.
    fn left(&self, now: Now) -> Duration {
        self.mono
            .saturating_duration_since(now.mono)
            .min(self.wall.duration_since(now.wall).unwrap_or_default())
    }
}

/// Both clocks, read once.
#[derive(Clone, Copy)]
struct Now {
    mono: Instant,
    wall: SystemTime,
}

/// After a failure retrying cannot fix (a wrong or revoked key: 401, 400 `invalid_client`,
/// 403), the error is answered from memory until `until`, without a request; each repeat
/// doubles the pause.
struct Cooldown {
    until: Deadline,
    pause: Duration,
    error: Error,
}

#[derive(Default)]
struct State {
    cached: Option<Cached>,
    refreshing: bool,
    /// Bumped each time a fetch ends; waiters use it to see that "their" fetch ended.
    generation: u64,
    last_error: Option<(u64, Error)>,
    cooldown: Option<Cooldown>,
}

struct Inner {
    creds: ProjectCredentials,
    /// The token URL as configured (it may hold userinfo): used for requests only.
    request_url: String,
    /// `request_url` without userinfo: the form every message and accessor shows.
    token_url_shown: String,
    transport: Arc<dyn Transport>,
    /// Set when `transport` is the default one, so a copy can build its own.
    default_transport: Option<TransportConfig>,
    clock: Arc<dyn Clock>,
    refresh: RefreshPolicy,
    retry: RetryPolicy,
    random: Random,
    background_refresh: bool,
    listener: Option<EventListener>,
    shared: Option<SharedCache>,
    /// What `shared` was built from, so a fresh copy can build its own.
    shared_parts: Option<SharedParts>,
    state: Mutex<State>,
    changed: Condvar,
    requests: AtomicU64,
    fetched: AtomicU64,
    failures: AtomicU64,
}

#[derive(Clone)]
struct SharedParts {
    store: Arc<dyn SharedStore>,
    shown: String,
    options: SharedCacheOptions,
}

impl SharedParts {
    fn build(
        &self,
        creds: &ProjectCredentials,
        token_url: &str,
        listener: Option<EventListener>,
    ) -> SharedCache {
        SharedCache::new(
            self.store.clone(),
            self.shown.clone(),
            creds,
            token_url,
            self.options.clone(),
            listener,
        )
    }
}

/// Cached OAuth2 client-credentials tokens for one access key. Clone it freely: clones share
/// the cache.
///
/// One token request serves every caller, however many threads ask at once; the token is
/// refreshed ahead of its expiry.
///
/// ```
/// use sinch_auth::{ProjectCredentials, TokenProvider};
/// # let server = sinch_auth_server::LocalServer::start_default().unwrap();
/// # let token_url = server.token_url();
/// # let keys = server.keys();
/// # let (project_id, key_id, key_secret) = (keys.project_id, keys.key_id, keys.key_secret);
///
/// // In an application: ProjectCredentials::from_env()? and TokenProvider::new(creds)?.
/// let creds = ProjectCredentials::new(project_id, key_id, key_secret)?;
/// let provider = TokenProvider::builder(creds).token_url(token_url).build()?;
/// let header = provider.authorization()?; // "Bearer eyJ…", cached until it nears expiry
/// assert!(header.starts_with("Bearer "));
///
/// // After a 401 that says the token expired, clear it (only if it is still the cached one).
/// let token = provider.token()?;
/// provider.invalidate(&token);
/// # assert_eq!(server.counters().token_requests, 1);
/// # Ok::<(), sinch_auth::Error>(())
/// ```
#[derive(Clone)]
pub struct TokenProvider {
    inner: Arc<Inner>,
}

/// Configures a [`TokenProvider`]; every setting has a default.
pub struct TokenProviderBuilder {
    creds: ProjectCredentials,
    token_url: Option<String>,
    transport: Option<Arc<dyn Transport>>,
    transport_config: TransportConfig,
    clock: Arc<dyn Clock>,
    refresh: RefreshPolicy,
    retry: RetryPolicy,
    random: Random,
    background_refresh: bool,
    listener: Option<EventListener>,
    shared_url: Option<String>,
    shared_store: Option<Arc<dyn SharedStore>>,
    shared_options: SharedCacheOptions,
}

impl TokenProviderBuilder {
    /// Defaults to `SINCH_AUTH_URL` if set, else `https://auth.sinch.com/oauth2/token`.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }
    /// Sends token requests through `transport` instead of the default one.
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }
    /// Connect timeout of the default transport.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.transport_config.connect_timeout = d;
        self
    }
    /// Whole-request timeout of the default transport (per attempt).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.transport_config.timeout = d;
        self
    }
    /// Reads time from `clock` (tests move a [`ManualClock`](crate::clock::ManualClock)).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
    /// When to refresh ahead of expiry.
    pub fn refresh_policy(mut self, p: RefreshPolicy) -> Self {
        self.refresh = p;
        self
    }
    /// How to retry 429, 5xx and transport failures.
    pub fn retry_policy(mut self, p: RetryPolicy) -> Self {
        self.retry = p;
        self
    }
    /// Source of uniform [0, 1) samples for jitter.
    pub fn random(mut self, r: Random) -> Self {
        self.random = r;
        self
    }
    /// A PEM file of CA certificates the default transport trusts instead of the bundled web
    /// PKI roots (a TLS-inspecting proxy, a private CA). Default: `SINCH_AUTH_CA_BUNDLE`, else
    /// `SSL_CERT_FILE`, else the bundled roots.
    pub fn ca_bundle(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.transport_config.ca_bundle = Some(path.into());
        self
    }
    /// Which library asks, for the default transport's `User-Agent` (`rust` by default; the
    /// bindings set `python` and `node`).
    pub fn client(mut self, name: &'static str) -> Self {
        self.transport_config.client = name;
        self
    }
    /// Shares tokens with every process using the same credentials and this Redis URL
    /// (`redis://[user:password@]host[:port][/db]`, `rediss://` for TLS). Default:
    /// `SINCH_AUTH_SHARED_CACHE`, else no sharing.
    pub fn shared_cache(mut self, url: impl Into<String>) -> Self {
        self.shared_url = Some(url.into());
        self
    }
    /// Shares tokens through `store` (a [`MemoryStore`](super::shared::MemoryStore) shares
    /// them between providers of one process; tests use it).
    pub fn shared_store(mut self, store: Arc<dyn SharedStore>) -> Self {
        self.shared_store = Some(store);
        self
    }
    /// How the shared cache is used (strict mode, lease, timeouts, key prefix).
    pub fn shared_cache_options(mut self, options: SharedCacheOptions) -> Self {
        self.shared_options = options;
        self
    }
    /// Also hands every event (fetches, retries, failures, invalidations; fixed text, never a
    /// secret or token) to `listener`, besides the `log` facade (target `sinch_auth`).
    pub fn on_event(mut self, listener: EventListener) -> Self {
        self.listener = Some(listener);
        self
    }
    /// Refresh ahead of expiry on a background thread (default). When off, the caller that
    /// finds the token due refreshes it inline and falls back to the cached token on failure.
    pub fn background_refresh(mut self, on: bool) -> Self {
        self.background_refresh = on;
        self
    }

    /// Checks the token URL and settings and builds the provider (no request is sent yet).
    pub fn build(self) -> Result<TokenProvider> {
        let token_url = match self.token_url {
            Some(u) => u,
            None => std::env::var(TOKEN_URL_ENV)
                .ok()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_TOKEN_URL.to_owned()),
        };
        let token_url = token_url.trim().to_owned();
        validate_url(&token_url)?;
        if self.transport_config.timeout.is_zero()
            || self.transport_config.connect_timeout.is_zero()
        {
            return Err(Error::config("timeouts must be greater than zero"));
        }
        if !(0.0..=1.0).contains(&self.refresh.fraction)
            || !(0.0..=1.0).contains(&self.refresh.jitter)
        {
            return Err(Error::config(
                "refresh fraction and jitter must be between 0 and 1",
            ));
        }
        let mut shared_options = self.shared_options;
        // The lock must outlive one attempt, or a second process fetches meanwhile.
        shared_options.lease = shared_options
            .lease
            .max(self.transport_config.timeout + Duration::from_secs(5));
        let shared_parts = match (self.shared_store, self.shared_url) {
            (Some(store), _) => Some(SharedParts {
                shown: store.describe(),
                store,
                options: shared_options,
            }),
            (None, url) => match url.or_else(|| {
                std::env::var(SHARED_CACHE_ENV)
                    .ok()
                    .filter(|v| !v.trim().is_empty())
            }) {
                Some(url) => {
                    let ca = self.transport_config.clone().with_env_ca_bundle().ca_bundle;
                    let store = redis_store(url.trim(), shared_options.timeout, ca.as_deref())?;
                    Some(SharedParts {
                        shown: store.describe(),
                        store,
                        options: shared_options,
                    })
                }
                None => None,
            },
        };
        let (transport, default_transport) = match self.transport {
            Some(t) => (t, None),
            None => {
                let config = self.transport_config.with_env_ca_bundle();
                (default_transport_for(config.clone())?, Some(config))
            }
        };
        let token_url_shown = redact_url(&token_url).into_owned();
        let shared = shared_parts
            .as_ref()
            .map(|p| p.build(&self.creds, &token_url_shown, self.listener.clone()));
        Ok(TokenProvider {
            inner: Arc::new(Inner {
                creds: self.creds,
                token_url_shown,
                request_url: token_url,
                transport,
                default_transport,
                clock: self.clock,
                refresh: self.refresh,
                retry: self.retry,
                random: self.random,
                background_refresh: self.background_refresh,
                shared,
                shared_parts,
                listener: self.listener,
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
                requests: AtomicU64::new(0),
                fetched: AtomicU64::new(0),
                failures: AtomicU64::new(0),
            }),
        })
    }
}

impl TokenProvider {
    /// A provider with every default.
    pub fn new(creds: ProjectCredentials) -> Result<Self> {
        Self::builder(creds).build()
    }

    /// A builder to change the defaults.
    pub fn builder(creds: ProjectCredentials) -> TokenProviderBuilder {
        TokenProviderBuilder {
            creds,
            token_url: None,
            transport: None,
            transport_config: TransportConfig::default(),
            clock: Arc::new(SystemClock),
            refresh: RefreshPolicy::default(),
            retry: RetryPolicy::default(),
            random: default_random(),
            background_refresh: true,
            listener: None,
            shared_url: None,
            shared_store: None,
            shared_options: SharedCacheOptions::default(),
        }
    }

    /// The credentials tokens are requested with.
    pub fn credentials(&self) -> &ProjectCredentials {
        &self.inner.creds
    }

    /// The token endpoint in use, without any userinfo (`user:password@`) it was given with.
    pub fn token_url(&self) -> &str {
        &self.inner.token_url_shown
    }

    /// A valid token: the cached one, or a fresh one (one request for all concurrent callers).
    pub fn token(&self) -> Result<AccessToken> {
        let inner = &self.inner;
        let mut st = inner.lock();
        loop {
            let now = inner.now();
            if let Some(c) = &st.cached {
                if !c.refresh_at.passed(now) {
                    return Ok(c.token.clone());
                }
                if !c.serve_until.passed(now) {
                    let token = c.token.clone();
                    if st.refreshing || st.cooldown.as_ref().is_some_and(|c| !c.until.passed(now)) {
                        return Ok(token);
                    }
                    st.refreshing = true;
                    drop(st);
                    return Ok(self.refresh_ahead(token));
                }
            }
            if st.refreshing {
                let gen = st.generation;
                while st.refreshing && st.generation == gen {
                    st = inner.changed.wait(st).unwrap_or_else(|p| p.into_inner());
                }
                let now = inner.now();
                match (&st.cached, &st.last_error) {
                    (Some(c), _) if !c.serve_until.passed(now) => return Ok(c.token.clone()),
                    (_, Some((g, e))) if *g == st.generation => return Err(e.clone()),
                    _ => continue,
                }
            }
            if let Some(c) = st.cooldown.as_ref().filter(|c| !c.until.passed(now)) {
                return Err(c.error.clone().with_note(&format!(
                    "The token endpoint is not asked again before {:.1} s from now (a wrong or revoked key does not become right by retrying); fix the credentials, or call clear() to try at once.",
                    c.until.left(now).as_secs_f64()
                )));
            }
            st.refreshing = true;
            drop(st);
            return inner.fetch_and_store();
        }
    }

    /// The cached token while it is fresh (before its refresh point): no waiting, no network.
    /// `None` when [`TokenProvider::token`] has work to do (a fetch, a refresh, a wait), so a
    /// binding can answer a cached call at once and send only the rest to a worker thread.
    pub fn fresh_token(&self) -> Option<AccessToken> {
        let st = self.inner.lock();
        let now = self.inner.now();
        st.cached
            .as_ref()
            .filter(|c| !c.refresh_at.passed(now))
            .map(|c| c.token.clone())
    }

    /// `Bearer <token>`, ready for the Authorization header.
    pub fn authorization(&self) -> Result<String> {
        Ok(self.token()?.authorization().to_owned())
    }

    /// Forget `token` after the API answered 401 for it: only if it is still the cached one,
    /// so a late 401 never throws away a token another caller already refreshed. Returns
    /// whether the cache was cleared.
    pub fn invalidate(&self, token: &AccessToken) -> bool {
        let mut st = self.inner.lock();
        let hit = st.cached.as_ref().is_some_and(|c| &c.token == token);
        let sealed = if hit {
            st.cached.take().and_then(|c| c.sealed)
        } else {
            None
        };
        drop(st);
        self.inner.invalidated(hit, sealed)
    }

    /// Same as [`invalidate`](Self::invalidate), by the raw token string.
    pub fn invalidate_str(&self, token: &str) -> bool {
        let mut st = self.inner.lock();
        let hit = st
            .cached
            .as_ref()
            .is_some_and(|c| c.token.secret() == token);
        let sealed = if hit {
            st.cached.take().and_then(|c| c.sealed)
        } else {
            None
        };
        drop(st);
        self.inner.invalidated(hit, sealed)
    }

    /// Drop the cached token, any error and any pause after a credentials failure; the next
    /// call fetches.
    pub fn clear(&self) {
        let mut st = self.inner.lock();
        st.cached = None;
        st.last_error = None;
        st.cooldown = None;
    }

    /// What the shared cache has done (`None` without one): its state, last error, counters.
    pub fn shared_cache_status(&self) -> Option<SharedCacheStatus> {
        self.inner.shared.as_ref().map(SharedCache::status)
    }

    /// Counters: token requests sent, tokens fetched, fetches that failed.
    pub fn stats(&self) -> TokenStats {
        TokenStats {
            requests: self.inner.requests.load(Ordering::Relaxed),
            fetched: self.inner.fetched.load(Ordering::Relaxed),
            failures: self.inner.failures.load(Ordering::Relaxed),
        }
    }

    /// True while a fetch is running (tests use it to wait for a background refresh).
    pub fn refresh_in_flight(&self) -> bool {
        self.inner.lock().refreshing
    }

    /// A fresh provider with the same configuration, an empty cache and (for the default
    /// transport) its own connection pool. It takes no lock of this one, so it is safe to call
    /// in a child process after `fork`, whatever the parent's threads were holding.
    pub fn fresh_copy(&self) -> TokenProvider {
        let i = &self.inner;
        let transport = i
            .default_transport
            .as_ref()
            .and_then(|config| default_transport_for(config.clone()).ok())
            .unwrap_or_else(|| i.transport.clone());
        TokenProvider {
            inner: Arc::new(Inner {
                creds: i.creds.clone(),
                request_url: i.request_url.clone(),
                token_url_shown: i.token_url_shown.clone(),
                transport,
                default_transport: i.default_transport.clone(),
                clock: i.clock.clone(),
                refresh: i.refresh,
                retry: i.retry,
                random: i.random.clone(),
                background_refresh: i.background_refresh,
                shared: i
                    .shared_parts
                    .as_ref()
                    .map(|p| p.build(&i.creds, &i.token_url_shown, i.listener.clone())),
                shared_parts: i.shared_parts.clone(),
                listener: i.listener.clone(),
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
                requests: AtomicU64::new(0),
                fetched: AtomicU64::new(0),
                failures: AtomicU64::new(0),
            }),
        }
    }

    /// The cached token is still good but due: refresh without holding the caller.
    fn refresh_ahead(&self, cached: AccessToken) -> AccessToken {
        if self.inner.background_refresh {
            let inner = self.inner.clone();
            let spawned = std::thread::Builder::new()
                .name("sinch-auth-refresh".into())
                .spawn(move || {
                    let _ = inner.fetch_and_store();
                });
            if spawned.is_ok() {
                return cached;
            }
        }
        self.inner.fetch_and_store().unwrap_or(cached)
    }
}

#[cfg(feature = "redis")]
fn redis_store(
    url: &str,
    timeout: Duration,
    ca_bundle: Option<&std::path::Path>,
) -> Result<Arc<dyn SharedStore>> {
    Ok(Arc::new(super::shared::RedisStore::open_with_ca_bundle(
        url, timeout, ca_bundle,
    )?))
}

#[cfg(not(feature = "redis"))]
fn redis_store(_: &str, _: Duration, _: Option<&std::path::Path>) -> Result<Arc<dyn SharedStore>> {
    Err(Error::config(
        "a shared cache URL needs the `redis` feature of sinch-auth (or pass a store with .shared_store(..))",
    ))
}

#[cfg(feature = "ureq")]
fn default_transport_for(config: TransportConfig) -> Result<Arc<dyn Transport>> {
    Ok(Arc::new(crate::transport::UreqTransport::new(config)?))
}

#[cfg(not(feature = "ureq"))]
fn default_transport_for(_: TransportConfig) -> Result<Arc<dyn Transport>> {
    Err(Error::config(
        "no HTTP transport: enable the `ureq` feature of sinch-auth or pass one with .transport(..)",
    ))
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn emit(&self, event: Event<'_>) {
        emit(self.listener.as_ref(), event);
    }

    /// After a 401: tells the log, and deletes the fleet's copy if it is still that token.
    fn invalidated(&self, hit: bool, sealed: Option<Vec<u8>>) -> bool {
        if let (Some(shared), Some(sealed)) = (&self.shared, sealed) {
            shared.invalidate(&sealed);
        }
        if hit {
            self.emit(Event::Invalidated {
                key_id: self.creds.key_id(),
            });
        }
        hit
    }

    fn now(&self) -> Now {
        Now {
            mono: self.clock.monotonic(),
            wall: self.clock.wall(),
        }
    }

    /// Runs one fetch (with retries) and publishes the result. The caller set `refreshing`.
    fn fetch_and_store(&self) -> Result<AccessToken> {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.fetch()))
            .unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::InvalidResponse,
                    "internal error while fetching a token",
                ))
            });
        let mut serving_cached = None;
        let mut paused = None;
        let mut st = self.lock();
        st.refreshing = false;
        st.generation += 1;
        let out = match result {
            Ok(Fetched {
                token,
                refresh_at,
                serve_until,
                sealed,
                ..
            }) => {
                self.fetched.fetch_add(1, Ordering::Relaxed);
                st.cached = Some(Cached {
                    token: token.clone(),
                    refresh_at,
                    serve_until,
                    sealed,
                });
                st.last_error = None;
                st.cooldown = None;
                Ok(token)
            }
            Err(e) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                let now = self.now();
                if let Some(c) = st.cached.as_mut().filter(|c| !c.serve_until.passed(now)) {
                    let left = c.serve_until.left(now);
                    c.refresh_at = Deadline::after(now, self.refresh.retry_pause.min(left / 2));
                    serving_cached = Some(left);
                }
                if matches!(e.kind(), ErrorKind::Credentials | ErrorKind::Forbidden) {
                    let pause = match &st.cooldown {
                        Some(c) => (c.pause * 2).min(self.retry.max_failure_pause),
                        None => self.retry.failure_pause,
                    };
                    st.cooldown = (!pause.is_zero()).then(|| Cooldown {
                        until: Deadline::after(now, pause),
                        pause,
                        error: e.clone(),
                    });
                    paused = Some(pause).filter(|p| !p.is_zero());
                } else {
                    st.cooldown = None;
                }
                st.last_error = Some((st.generation, e.clone()));
                Err(e)
            }
        };
        drop(st);
        self.changed.notify_all();
        if let Err(e) = &out {
            let (key_id, kind) = (self.creds.key_id(), e.kind().as_str());
            if let Some(left) = serving_cached {
                self.emit(Event::RefreshFailedServingCached { key_id, kind, left });
            }
            if let Some(pause) = paused {
                self.emit(Event::Paused {
                    key_id,
                    kind,
                    pause,
                });
            }
        }
        out
    }

    /// A token: from the fleet's shared cache when there is one, else from the endpoint.
    fn fetch(&self) -> Result<Fetched> {
        match &self.shared {
            None => self.fetch_from_endpoint(None),
            Some(shared) => self.fetch_shared(shared),
        }
    }

    /// A stored token, if it is not already due for refresh by this provider's policy.
    fn take_shared(&self, e: Entry) -> Option<Fetched> {
        let now = self.now();
        let f = self.schedule(e.token, e.token_type, e.lifetime, e.remaining, now);
        if f.refresh_at.passed(now) {
            return None;
        }
        self.emit(Event::SharedCacheHit {
            key_id: self.creds.key_id(),
        });
        Some(Fetched {
            sealed: Some(e.sealed),
            ..f
        })
    }

    /// The fleet algorithm: the stored token; else, unless the fleet is backing off, the lock
    /// (whoever holds it fetches for everyone and the others poll the token key); the store
    /// failing or staying locked past the lease means a local fetch.
    fn fetch_shared(&self, shared: &SharedCache) -> Result<Fetched> {
        let unavailable = |u: Unavailable| {
            if shared.options.strict {
                Err(u.0)
            } else {
                self.fetch_from_endpoint(None)
            }
        };
        match shared.read() {
            Ok(Some(e)) => {
                if let Some(f) = self.take_shared(e) {
                    return Ok(f);
                }
            }
            Ok(None) => {}
            Err(u) => return unavailable(u),
        }
        match fleet_cooling(shared) {
            Some(Ok(cooling)) => return Err(cooling),
            Some(Err(u)) => return unavailable(u),
            None => {}
        }
        let deadline = self.clock.monotonic() + shared.options.lease;
        let mut wait = Duration::from_millis(25);
        let mut waiting = false;
        loop {
            match shared.try_lock() {
                Ok(true) => return self.fetch_for_fleet(shared),
                Ok(false) => {}
                Err(u) => return unavailable(u),
            }
            if !waiting {
                shared.waited();
                waiting = true;
            }
            if self.clock.monotonic() >= deadline {
                // The holder neither wrote a token nor let go within its lease.
                return self.fetch_from_endpoint(None);
            }
            let unit = (self.random)().clamp(0.0, 1.0);
            self.clock.sleep(wait.mul_f64(0.5 + unit / 2.0));
            wait = (wait * 2).min(Duration::from_millis(200));
            match shared.read() {
                Ok(Some(e)) => {
                    if let Some(f) = self.take_shared(e) {
                        return Ok(f);
                    }
                }
                Ok(None) => {}
                Err(u) => return unavailable(u),
            }
        }
    }

    /// Holding the lock: check again (another process may have just written), fetch, store,
    /// let go. A 429/5xx after the retries starts a fleet-wide back-off.
    fn fetch_for_fleet(&self, shared: &SharedCache) -> Result<Fetched> {
        if let Ok(Some(e)) = shared.read() {
            if let Some(f) = self.take_shared(e) {
                shared.unlock();
                return Ok(f);
            }
        }
        // The previous holder may have failed and started the fleet's back-off.
        if let Some(Ok(cooling)) = fleet_cooling(shared) {
            shared.unlock();
            return Err(cooling);
        }
        let out = match self.fetch_from_endpoint(Some(shared)) {
            Ok(mut f) => {
                f.sealed = shared.write(f.token.secret(), f.token.token_type(), f.lifetime);
                Ok(f)
            }
            Err(e) => {
                if matches!(e.kind(), ErrorKind::RateLimited | ErrorKind::Server) {
                    shared.start_cooldown(self.retry.max_delay);
                }
                Err(e)
            }
        };
        shared.unlock();
        out
    }

    /// The token endpoint, with retries; `lock`: renew the fleet's lock before each retry.
    fn fetch_from_endpoint(&self, lock: Option<&SharedCache>) -> Result<Fetched> {
        let request = token_request(&self.creds, &self.request_url);
        let mut retry = 0;
        loop {
            if let (Some(shared), true) = (lock, retry > 0) {
                shared.renew();
            }
            let sent_mono = self.clock.monotonic();
            let sent_wall = self.clock.wall();
            self.requests.fetch_add(1, Ordering::Relaxed);
            let key_id = self.creds.key_id();
            let attempt = retry + 1;
            self.emit(Event::FetchStarted { key_id, attempt });
            let failed = |e: &Error| {
                self.emit(Event::FetchFailed {
                    key_id,
                    kind: e.kind().as_str(),
                    status: e.status(),
                    attempt,
                })
            };
            let resp = self.transport.send(&request).inspect_err(failed)?;
            let err = match parse_token_response(&resp, &self.token_url_shown) {
                Ok(t) => {
                    let lifetime = t.expires_in;
                    let scheduled = self.schedule_response(t, sent_mono, sent_wall);
                    self.emit(Event::Fetched {
                        key_id,
                        lifetime,
                        attempt,
                    });
                    return Ok(scheduled);
                }
                Err(e) => e,
            };
            if !matches!(err.kind(), ErrorKind::RateLimited | ErrorKind::Server)
                || retry >= self.retry.max_retries
            {
                failed(&err);
                return Err(err);
            }
            let unit = (self.random)();
            let wait = match parse_retry_after(resp.header("retry-after"), self.clock.wall()) {
                Some(after) => match self.retry.retry_after_wait(after, unit) {
                    Some(w) => w,
                    None => {
                        failed(&err);
                        return Err(err);
                    }
                },
                None => self.retry.backoff(retry, unit),
            };
            self.emit(Event::RetryScheduled {
                key_id,
                status: resp.status,
                wait,
                retry: attempt,
                max_retries: self.retry.max_retries,
            });
            self.clock.sleep(wait);
            retry += 1;
        }
    }

    fn schedule_response(
        &self,
        t: super::response::TokenResponse,
        sent_mono: Instant,
        sent_wall: SystemTime,
    ) -> Fetched {
        let mut lifetime = t.expires_in;
        // Cross-check with the JWT's own expiry. A negative answer means our wall clock is
        // off, not that the fresh token is dead: then trust expires_in.
        if let Some(exp) = super::jwt::jwt_exp(&t.access_token) {
            let left = exp - unix_seconds(sent_wall);
            if left > 0.0 && left < lifetime.as_secs_f64() {
                lifetime = Duration::from_secs_f64(left);
            }
        }
        let sent = Now {
            mono: sent_mono,
            wall: sent_wall,
        };
        self.schedule(t.access_token, t.token_type, lifetime, lifetime, sent)
    }

    /// Deadlines for a token granted for `lifetime` with `remaining` of it left at `at`.
    fn schedule(
        &self,
        token: String,
        token_type: String,
        lifetime: Duration,
        remaining: Duration,
        at: Now,
    ) -> Fetched {
        let skew = self
            .refresh
            .margin
            .min(lifetime.mul_f64(self.refresh.fraction));
        let jitter = skew.mul_f64(self.refresh.jitter * (self.random)().clamp(0.0, 1.0));
        let guard = (skew / 2).min(Duration::from_secs(5));
        let expires_mono = at.mono + remaining;
        let expires_at = from_unix_seconds(unix_seconds(at.wall) + remaining.as_secs_f64());
        let token = AccessToken::new(token, token_type, expires_at, expires_mono);
        Fetched {
            token,
            refresh_at: Deadline::after(at, remaining.saturating_sub(skew + jitter)),
            serve_until: Deadline::after(at, remaining.saturating_sub(guard)),
            lifetime,
            sealed: None,
        }
    }
}

/// `Some` while the fleet backs off after a 429/5xx: the error to return (or the store's
/// failure); `None` when it does not.
fn fleet_cooling(shared: &SharedCache) -> Option<std::result::Result<Error, Unavailable>> {
    match shared.cooldown_left() {
        Ok(Some(left)) => Some(Ok(Error::new(
            ErrorKind::RateLimited,
            format!(
                "the token endpoint answered 429/5xx to a process of this fleet; the fleet waits {:.1} s before asking again",
                left.as_secs_f64()
            ),
        ))),
        Ok(None) => None,
        Err(u) => Some(Err(u)),
    }
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.inner.lock();
        f.debug_struct("TokenProvider")
            .field("key_id", &self.inner.creds.key_id())
            .field("token_url", &self.inner.token_url_shown)
            .field("cached", &st.cached.as_ref().map(|c| c.token.to_string()))
            .finish()
    }
}
