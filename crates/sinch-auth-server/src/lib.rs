//! A local Sinch-compatible server, on loopback, for tests and the demo.
//!
//! It behaves like Sinch where sinch-auth touches it: `POST /oauth2/token` (Basic key check,
//! JWT-shaped tokens with `exp`, configurable lifetime, the gateway's token bucket),
//! a bearer-protected Numbers endpoint that answers expired tokens the way Sinch does,
//! application-signed Voice and Verification endpoints, fault injection and counters.
//! `/_admin/*` lets other processes (the Python and Node suites) drive it.
//!
//! ```no_run
//! let server = sinch_auth_server::LocalServer::start_default().unwrap();
//! println!("{}", server.token_url());
//! ```
#![forbid(unsafe_code)]

mod faults;
mod http;
mod redis_process;
mod routes;
mod state;
mod tokens;
mod webhooks;

pub use faults::Fault;
pub use redis_process::{RedisCluster, RedisProcess};
pub use state::{Counters, ServerConfig, TestKeys};
pub use webhooks::{
    send_sequence, send_webhook, signed_webhook, Expect, SequenceStep, SignedWebhook, WebhookKind,
};

use state::Shared;
use std::io::{self, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A running server. Stops when dropped.
pub struct LocalServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl LocalServer {
    /// Starts on `127.0.0.1` and the configured port (0: any free port).
    pub fn start(config: ServerConfig) -> io::Result<LocalServer> {
        let listener = TcpListener::bind(("127.0.0.1", config.port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config));
        let s = shared.clone();
        let accept = std::thread::Builder::new()
            .name("sinch-auth-server".into())
            .spawn(move || accept_loop(listener, s))?;
        Ok(LocalServer {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// The default test keys, any free port, one-hour tokens, no rate limit.
    pub fn start_default() -> io::Result<LocalServer> {
        Self::start(ServerConfig::default())
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.url())
    }

    pub fn keys(&self) -> TestKeys {
        self.shared.config.keys.clone()
    }

    /// The bearer-protected Numbers-like endpoint for the configured project.
    pub fn numbers_url(&self) -> String {
        format!(
            "{}/v1/projects/{}/activeNumbers",
            self.url(),
            self.shared.config.keys.project_id
        )
    }

    pub fn counters(&self) -> Counters {
        self.shared.counters.snapshot()
    }

    /// The `User-Agent` the last token request was sent with.
    pub fn last_token_user_agent(&self) -> Option<String> {
        self.shared.last_user_agent()
    }

    /// Zeroes the counters once the requests in flight are answered (up to half a second).
    pub fn reset_counters(&self) {
        self.shared.reset_counters(0);
    }

    /// Queues a fault for the next token request (faults are used in order, one each).
    pub fn push_fault(&self, fault: Fault) {
        self.shared.push_fault(fault);
    }

    pub fn push_faults(&self, fault: Fault, count: usize) {
        for _ in 0..count {
            self.shared.push_fault(fault.clone());
        }
    }

    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.shared.set_lifetime(lifetime);
    }

    /// Every token issued so far expires now: the next API call with one gets the
    /// expired-token 401.
    pub fn expire_tokens(&self) {
        self.shared.tokens.expire_all();
    }

    pub fn set_rate_limit(&self, on: bool) {
        self.shared.set_rate_limit(on);
    }

    /// The environment that points every credential set at this server, in the order
    /// `sinch-auth serve` prints it.
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        let k = &self.shared.config.keys;
        let url = self.url();
        vec![
            ("SINCH_AUTH_URL", format!("{url}/oauth2/token")),
            ("SINCH_API_BASE_URL", url),
            ("SINCH_PROJECT_ID", k.project_id.clone()),
            ("SINCH_KEY_ID", k.key_id.clone()),
            ("SINCH_KEY_SECRET", k.key_secret.clone()),
            ("SINCH_APP_KEY", k.app_key.clone()),
            ("SINCH_APP_SECRET", k.app_secret.clone()),
            ("SINCH_SERVICE_PLAN_ID", k.service_plan_id.clone()),
            ("SINCH_SMS_API_TOKEN", k.sms_api_token.clone()),
            ("SINCH_SMS_REGION", "us".to_owned()),
            ("MAILGUN_API_KEY", k.mailgun_api_key.clone()),
            ("MAILGUN_DOMAIN", k.mailgun_domain.clone()),
            ("SINCH_WEBHOOK_SECRET", k.webhook_secret.clone()),
            (
                "SINCH_WEBHOOK_PREVIOUS_SECRET",
                k.previous_webhook_secret.clone(),
            ),
            ("SINCH_APP_PREVIOUS_SECRET", k.previous_app_secret.clone()),
            ("MAILGUN_WEBHOOK_SIGNING_KEY", k.mailgun_signing_key.clone()),
            (
                "MAILGUN_WEBHOOK_PREVIOUS_SIGNING_KEY",
                k.previous_mailgun_signing_key.clone(),
            ),
        ]
    }

    /// [`LocalServer::env_vars`] as shell `export` lines.
    pub fn export_lines(&self) -> String {
        self.env_vars()
            .into_iter()
            .map(|(k, v)| format!("export {k}={v}\n"))
            .collect()
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let s = shared.clone();
        let _ = std::thread::Builder::new()
            .name("sinch-auth-conn".into())
            .spawn(move || serve_connection(stream, s));
    }
}

fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        if shared.shutdown.load(Ordering::SeqCst) {
            return;
        }
        let req = match http::read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) | Err(http::ReadError::Io) => return,
            Err(http::ReadError::TooLarge) => {
                let _ = http::Response::new(413).write_to(&mut writer, true);
                return;
            }
            Err(http::ReadError::Bad(why)) => {
                let _ = http::Response::new(400)
                    .body(why.as_bytes().to_vec())
                    .write_to(&mut writer, true);
                return;
            }
        };
        let close = req.wants_close();
        let _in_flight = shared.request_started();
        match routes::handle(&shared, &req) {
            routes::Outcome::Respond(resp) => {
                if resp.write_to(&mut writer, close).is_err() || close {
                    return;
                }
            }
            routes::Outcome::Fault(f) => {
                if !faults::play(f, &mut writer) {
                    let _ = writer.shutdown(Shutdown::Both);
                    return;
                }
                let _ = writer.flush();
                if close {
                    return;
                }
            }
        }
    }
}
