//! Every event the token provider logs, collected while the fault matrix runs against the
//! local server: each says what happened, and none holds a secret, a token or a URL.

use sinch_auth::token::events::{Level, LOG_TARGET};
use sinch_auth::token::{RetryPolicy, TokenProvider};
use sinch_auth::ProjectCredentials;
use sinch_auth_server::{Fault, LocalServer, ServerConfig};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Collect(Mutex<Vec<(String, Level, String)>>);

impl log::Log for Collect {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, r: &log::Record<'_>) {
        let mut v = self.0.lock().unwrap();
        v.push((r.target().to_owned(), r.level(), r.args().to_string()));
    }
    fn flush(&self) {}
}

static LOGGER: Collect = Collect(Mutex::new(Vec::new()));

#[test]
fn the_fault_matrix_logs_what_happened_and_nothing_secret() {
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let server = LocalServer::start(ServerConfig {
        token_lifetime: Duration::from_secs(2),
        ..ServerConfig::default()
    })
    .unwrap();
    let k = server.keys();
    let creds = |secret: &str| ProjectCredentials::new(&k.project_id, &k.key_id, secret).unwrap();
    let heard = Arc::new(Mutex::new(Vec::new()));
    let listener = {
        let heard = heard.clone();
        Arc::new(move |level: Level, text: &str| {
            heard.lock().unwrap().push((level, text.to_owned()))
        })
    };
    let provider = |secret: &str, retries: u32| {
        TokenProvider::builder(creds(secret))
            .token_url(server.token_url().replace("http://", "http://gw:PW-url@"))
            .retry_policy(RetryPolicy {
                max_retries: retries,
                base_delay: Duration::from_millis(10),
                max_delay: Duration::from_millis(20),
                ..RetryPolicy::default()
            })
            .on_event(listener.clone())
            .build()
            .unwrap()
    };
    let mut tokens = Vec::new();

    // A retry after a 503, then a token; a 401 invalidation.
    server.push_fault(Fault::Status(503));
    let p = provider(&k.key_secret, 2);
    let t = p.token().unwrap();
    tokens.push(t.secret().to_owned());
    assert!(p.invalidate(&t));
    // A background refresh that fails while the cached token is still good.
    let t = p.token().unwrap();
    tokens.push(t.secret().to_owned());
    server.push_faults(Fault::Status(500), 10);
    std::thread::sleep(Duration::from_millis(1600));
    tokens.push(p.token().unwrap().secret().to_owned());
    for _ in 0..100 {
        if !p.refresh_in_flight() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    server.clear_faults();
    // Every other failure: status, 429, malformed, dropped, wrong secret (and its pause).
    for fault in [
        Fault::Status(403),
        Fault::TooManyRequests { retry_after: None },
        Fault::malformed_json(),
        Fault::Drop,
    ] {
        server.push_fault(fault);
        let _ = provider(&k.key_secret, 0).token();
    }
    let wrong = provider("wrong-SECRET-marker", 0);
    let _ = wrong.token();
    let _ = wrong.token();

    let logged = LOGGER.0.lock().unwrap().clone();
    let heard = heard.lock().unwrap().clone();
    let mine: Vec<_> = logged.iter().filter(|(t, ..)| t == LOG_TARGET).collect();
    assert_eq!(
        mine.iter()
            .map(|(_, l, m)| (*l, m.clone()))
            .collect::<Vec<_>>(),
        heard,
        "the listener hears what the log facade gets"
    );
    let text = heard.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>();
    for expected in [
        "token request started",
        "token fetched",
        "retry 1 of 2",
        "token request failed",
        "HTTP 403",
        "invalidated after a 401",
        "background token refresh failed",
        "is not asked again for 1.0 s",
    ] {
        assert!(
            text.iter().any(|m| m.contains(expected)),
            "no event says {expected:?}: {text:#?}"
        );
    }
    for (_, m) in &heard {
        assert!(m.contains(&k.key_id), "{m}");
        for secret in [
            k.key_secret.as_str(),
            "wrong-SECRET-marker",
            "PW-url",
            "Bearer",
            "http",
        ] {
            assert!(!m.contains(secret), "{m:?} contains {secret:?}");
        }
        for t in &tokens {
            assert!(!m.contains(t.as_str()), "{m:?} contains a token");
        }
    }
}
