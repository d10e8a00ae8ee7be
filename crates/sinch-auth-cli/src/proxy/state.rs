//! What every request of a proxy shares: its configuration, the upstream HTTP agent, the
//! credentials (read from the environment when first needed, so a proxy for one product
//! does not need the others'), and the counters.

use sinch_auth::token::RetryPolicy;
use sinch_auth::{
    ApplicationCredentials, MailgunCredentials, ProjectCredentials, Result, ServicePlanCredentials,
    TokenProvider,
};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The settings a request needs. (No `Debug`: `shared_cache` may hold a Redis password.)
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) max_signed_body: usize,
    /// Sign with this x-timestamp instead of now (tests replaying signing vectors).
    pub(crate) fixed_timestamp: Option<String>,
    pub(crate) shared_cache: Option<String>,
    pub(crate) access_log: bool,
}

pub(crate) const COUNTERS: [&str; 16] = [
    "proxied",
    "injected",
    "signed",
    "retried_after_expiry",
    "rejected_host",
    "rejected_origin",
    "rejected_guard",
    "rejected_token",
    "rejected_upstream",
    "too_large",
    "upstream_5xx",
    "upstream_errors",
    "auth_unavailable",
    "bad_requests",
    "answers_cut_short",
    "connections_refused",
];

pub(crate) struct State {
    pub(crate) config: Config,
    pub(crate) agent: ureq::Agent,
    counters: [AtomicU64; COUNTERS.len()],
    provider: OnceLock<Result<TokenProvider>>,
    // Read from the environment on first use, then kept: the secret is decoded once, not on
    // every request.
    application: OnceLock<Result<ApplicationCredentials>>,
    service_plan: OnceLock<Result<ServicePlanCredentials>>,
    mailgun: OnceLock<Result<MailgunCredentials>>,
    /// Requests being handled (graceful shutdown waits for zero).
    pub(crate) in_flight: AtomicU64,
    /// Caller connections open now (each holds a thread; `--max-connections` caps them).
    pub(crate) open_connections: AtomicU64,
    log: Mutex<()>,
}

impl State {
    pub(crate) fn new(config: Config) -> State {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // An upstream redirect is answered as it is, never followed with the credential.
            .max_redirects(0)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(Duration::from_secs(120)))
            .user_agent(concat!("sinch-auth-proxy/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        State {
            config,
            agent,
            counters: Default::default(),
            provider: OnceLock::new(),
            application: OnceLock::new(),
            service_plan: OnceLock::new(),
            mailgun: OnceLock::new(),
            in_flight: AtomicU64::new(0),
            open_connections: AtomicU64::new(0),
            log: Mutex::new(()),
        }
    }

    pub(crate) fn count(&self, name: &str) {
        if let Some(i) = COUNTERS.iter().position(|c| *c == name) {
            self.counters[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The counters, and the connections open now.
    pub(crate) fn counters(&self) -> BTreeMap<&'static str, u64> {
        let mut all: BTreeMap<_, _> = COUNTERS
            .iter()
            .zip(&self.counters)
            .map(|(n, c)| (*n, c.load(Ordering::Relaxed)))
            .collect();
        all.insert(
            "open_connections",
            self.open_connections.load(Ordering::SeqCst),
        );
        all
    }

    /// The project token provider (one per proxy: every request shares its token).
    pub(crate) fn provider(&self) -> Result<&TokenProvider> {
        self.provider
            .get_or_init(|| {
                // A caller waits behind the fetch: two quick retries (about 1 s), then a 503
                // it can retry itself, rather than the library's default of about 23 s.
                let retry = RetryPolicy {
                    max_retries: 2,
                    base_delay: Duration::from_millis(250),
                    max_delay: Duration::from_secs(1),
                    ..RetryPolicy::default()
                };
                let mut b = TokenProvider::builder(ProjectCredentials::from_env()?)
                    .client("proxy")
                    .retry_policy(retry);
                if let Some(url) = &self.config.shared_cache {
                    b = b.shared_cache(url.clone());
                }
                b.build()
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Whether a credential is valid now. With project credentials that is a valid token:
    /// when there is none, this starts one fetch in the background (so a readiness probe
    /// can turn the proxy ready before any traffic) and answers false meanwhile. Without
    /// them, any other credentials (which need no fetch) make it ready.
    pub(crate) fn ready(&self) -> bool {
        if ProjectCredentials::from_env().is_ok() {
            let Ok(provider) = self.provider() else {
                return false;
            };
            if provider.fresh_token().is_some() {
                return true;
            }
            if !provider.refresh_in_flight() {
                let p = provider.clone();
                let _ = std::thread::Builder::new()
                    .name("sinch-auth-proxy-ready".into())
                    .spawn(move || {
                        let _ = p.token();
                    });
            }
            return false;
        }
        self.application().is_ok() || self.service_plan().is_ok() || self.mailgun().is_ok()
    }

    pub(crate) fn application(&self) -> Result<&ApplicationCredentials> {
        cached(&self.application, ApplicationCredentials::from_env)
    }

    pub(crate) fn service_plan(&self) -> Result<&ServicePlanCredentials> {
        cached(&self.service_plan, ServicePlanCredentials::from_env)
    }

    pub(crate) fn mailgun(&self) -> Result<&MailgunCredentials> {
        cached(&self.mailgun, MailgunCredentials::from_env)
    }

    /// One access-log line: method, host, path (no query), status, bytes, duration. Never a
    /// header, a token, a signature or a body.
    pub(crate) fn access_log(
        &self,
        method: &str,
        host: &str,
        path: &str,
        status: u16,
        bytes: Option<u64>,
        took: Duration,
    ) {
        if !self.config.access_log {
            return;
        }
        let path = path.split('?').next().unwrap_or("");
        let bytes = bytes.map_or_else(|| "cut-short".to_owned(), |b| b.to_string());
        let _g = self.log.lock().unwrap_or_else(|p| p.into_inner());
        eprintln!(
            "proxy: {method} {host} {} {status} {bytes} {}ms",
            path.chars().take(200).collect::<String>(),
            took.as_millis()
        );
    }
}

fn cached<T>(cell: &OnceLock<Result<T>>, read: fn() -> Result<T>) -> Result<&T> {
    cell.get_or_init(read).as_ref().map_err(Clone::clone)
}
