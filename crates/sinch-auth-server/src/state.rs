//! Server configuration, shared state and counters.

use crate::faults::Fault;
use crate::tokens::TokenStore;
use serde_json::json;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Throwaway credentials the server accepts. Never real ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestKeys {
    pub project_id: String,
    pub key_id: String,
    pub key_secret: String,
    pub app_key: String,
    /// Base64, like the dashboard's.
    pub app_secret: String,
    /// Secret used to sign test webhooks (Conversation, SMS, Numbers).
    pub webhook_secret: String,
    pub service_plan_id: String,
    pub sms_api_token: String,
    pub mailgun_api_key: String,
    pub mailgun_domain: String,
    /// Mailgun's HTTP webhook signing key (not the API key).
    pub mailgun_signing_key: String,
    /// The secrets before a rotation: a receiver given both accepts deliveries signed with
    /// either (`serve --send-webhook KIND --sequence --rotation`).
    pub previous_webhook_secret: String,
    pub previous_app_secret: String,
    pub previous_mailgun_signing_key: String,
}

impl Default for TestKeys {
    fn default() -> Self {
        TestKeys {
            project_id: "local-project".into(),
            key_id: "local-key-id".into(),
            key_secret: "local-key-secret".into(),
            app_key: "local-app-key".into(),
            app_secret: "bG9jYWwtYXBwLXNlY3JldA==".into(),
            webhook_secret: "local-webhook-secret".into(),
            service_plan_id: "local-service-plan".into(),
            sms_api_token: "local-sms-api-token".into(),
            mailgun_api_key: "key-local-mailgun".into(),
            mailgun_domain: "mg.local.test".into(),
            mailgun_signing_key: "local-mailgun-signing-key".into(),
            previous_webhook_secret: "local-webhook-secret-previous".into(),
            previous_app_secret: "bG9jYWwtYXBwLXNlY3JldC1wcmV2aW91cw==".into(),
            previous_mailgun_signing_key: "local-mailgun-signing-key-previous".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub port: u16,
    pub keys: TestKeys,
    pub token_lifetime: Duration,
    /// The auth gateway's token bucket: capacity 30, refill 10/s, 429 without Retry-After.
    pub rate_limit: bool,
    /// Freshness window for application-signed requests.
    pub signature_tolerance: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            port: 0,
            keys: TestKeys::default(),
            token_lifetime: Duration::from_secs(3600),
            rate_limit: false,
            signature_tolerance: Duration::from_secs(600),
        }
    }
}

macro_rules! counters {
    ($($name:ident),* $(,)?) => {
        /// What the server has seen since start (or the last reset).
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct Counters { $(pub $name: u64),* }

        #[derive(Default)]
        pub(crate) struct AtomicCounters { $(pub $name: AtomicU64),* }

        impl AtomicCounters {
            pub fn snapshot(&self) -> Counters {
                Counters { $($name: self.$name.load(Ordering::SeqCst)),* }
            }
            pub fn reset(&self) {
                $(self.$name.store(0, Ordering::SeqCst);)*
            }
        }

        impl Counters {
            pub fn to_json(&self) -> serde_json::Value {
                json!({ $(stringify!($name): self.$name),* })
            }
        }
    };
}

counters!(
    token_requests,
    tokens_issued,
    token_rejected,
    token_rate_limited,
    faults_played,
    api_requests,
    api_ok,
    api_unauthorized,
    api_expired,
    api_forbidden,
    signed_requests,
    signed_ok,
    signed_rejected,
);

struct Bucket {
    tokens: f64,
    last: Instant,
}

pub(crate) struct Shared {
    pub config: ServerConfig,
    pub counters: AtomicCounters,
    pub shutdown: AtomicBool,
    pub tokens: TokenStore,
    /// Bumped by every reset, so a request that outlives one can tell.
    epoch: AtomicU64,
    /// Requests being handled right now.
    in_flight: AtomicUsize,
    faults: Mutex<VecDeque<Fault>>,
    lifetime_ms: AtomicU64,
    rate_limit: AtomicBool,
    bucket: Mutex<Bucket>,
    /// The `User-Agent` of the last token request (`/_admin/last-token-request`).
    pub last_token_user_agent: Mutex<Option<String>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    pub fn new(config: ServerConfig) -> Shared {
        Shared {
            lifetime_ms: AtomicU64::new(config.token_lifetime.as_millis() as u64),
            rate_limit: AtomicBool::new(config.rate_limit),
            config,
            counters: AtomicCounters::default(),
            shutdown: AtomicBool::new(false),
            tokens: TokenStore::default(),
            epoch: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            faults: Mutex::new(VecDeque::new()),
            bucket: Mutex::new(Bucket {
                tokens: 30.0,
                last: Instant::now(),
            }),
            last_token_user_agent: Mutex::new(None),
        }
    }

    pub fn record_user_agent(&self, ua: Option<&str>) {
        *lock(&self.last_token_user_agent) = ua.map(str::to_owned);
    }

    pub fn last_user_agent(&self) -> Option<String> {
        lock(&self.last_token_user_agent).clone()
    }

    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// Zeroes the counters and starts a new epoch, after letting the requests in flight (but
    /// `own`, the caller's) finish for up to half a second: a request still being answered
    /// from the previous test (a background refresh, say) must not land in the next tally.
    /// Slower ones (injected delays) are dropped by their epoch check instead.
    pub fn reset_counters(&self, own: usize) {
        let deadline = Instant::now() + Duration::from_millis(500);
        while self.in_flight.load(Ordering::SeqCst) > own && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.counters.reset();
    }

    /// Counts a request as in flight until the guard is dropped.
    pub fn request_started(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(&self.in_flight)
    }

    pub fn push_fault(&self, f: Fault) {
        lock(&self.faults).push_back(f);
    }

    pub fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    pub fn next_fault(&self) -> Option<Fault> {
        lock(&self.faults).pop_front()
    }

    pub fn lifetime(&self) -> Duration {
        Duration::from_millis(self.lifetime_ms.load(Ordering::SeqCst))
    }

    pub fn set_lifetime(&self, d: Duration) {
        self.lifetime_ms
            .store(d.as_millis().max(1) as u64, Ordering::SeqCst);
    }

    pub fn set_rate_limit(&self, on: bool) {
        if on {
            let mut b = lock(&self.bucket);
            b.tokens = 30.0;
            b.last = Instant::now();
        }
        self.rate_limit.store(on, Ordering::SeqCst);
    }

    /// The gateway bucket: capacity 30, refill 10/s.
    pub fn admit(&self) -> bool {
        if !self.rate_limit.load(Ordering::SeqCst) {
            return true;
        }
        let mut b = lock(&self.bucket);
        let now = Instant::now();
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * 10.0).min(30.0);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

pub(crate) struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
