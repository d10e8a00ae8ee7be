//! Every token-endpoint fault: the error kind, a bound on the time taken, no panic; and a
//! still-valid cached token keeps being served through an outage.

use sinch_auth::token::{RefreshPolicy, RetryPolicy, TokenProvider};
use sinch_auth::{ErrorKind, ProjectCredentials};
use sinch_auth_server::{Fault, LocalServer, ServerConfig};
use std::time::{Duration, Instant};

fn provider(server: &LocalServer, retry: RetryPolicy, timeout: Duration) -> TokenProvider {
    let k = server.keys();
    TokenProvider::builder(ProjectCredentials::new(k.project_id, k.key_id, k.key_secret).unwrap())
        .token_url(server.token_url())
        .retry_policy(retry)
        .timeout(timeout)
        .build()
        .unwrap()
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

#[test]
fn fault_matrix() {
    let server = LocalServer::start_default().unwrap();
    // (fault, how many times it is played, expected outcome, time bound)
    let f = |s: &str| Fault::parse(s).unwrap();
    let cases: Vec<(Fault, usize, Option<ErrorKind>, u64)> = vec![
        (Fault::Status(500), 3, Some(ErrorKind::Server), 1000),
        (Fault::Status(502), 3, Some(ErrorKind::Server), 1000),
        (Fault::Status(503), 3, Some(ErrorKind::Server), 1000),
        (Fault::Status(503), 1, None, 1000), // then success
        (
            Fault::TooManyRequests { retry_after: None },
            3,
            Some(ErrorKind::RateLimited),
            1000,
        ),
        (
            Fault::TooManyRequests {
                retry_after: Some("0".into()),
            },
            1,
            None,
            1000,
        ),
        (
            Fault::TooManyRequests {
                retry_after: Some("3600".into()),
            },
            1,
            Some(ErrorKind::RateLimited),
            500,
        ),
        (Fault::ResetMidBody, 1, Some(ErrorKind::Transport), 1000),
        (Fault::Drop, 1, Some(ErrorKind::Transport), 1000),
        (
            Fault::Slow(Duration::from_secs(3)),
            1,
            Some(ErrorKind::Transport),
            1500,
        ),
        (
            Fault::SlowBody(Duration::from_secs(3)),
            1,
            Some(ErrorKind::Transport),
            1500,
        ),
        (f("malformed"), 1, Some(ErrorKind::InvalidResponse), 500),
        (Fault::html(), 3, Some(ErrorKind::Server), 1000),
        (f("html"), 1, None, 1000), // a 502 page once, then success
        (Fault::empty(), 1, Some(ErrorKind::InvalidResponse), 500),
        (
            Fault::Oversized(1 << 20),
            1,
            Some(ErrorKind::InvalidResponse),
            1000,
        ),
        (f("missing-token"), 1, Some(ErrorKind::InvalidResponse), 500),
        (f("expires-in:0"), 1, Some(ErrorKind::InvalidResponse), 500),
        (f("expires-in:-5"), 1, Some(ErrorKind::InvalidResponse), 500),
        (
            f("expires-in:\"soon\""),
            1,
            Some(ErrorKind::InvalidResponse),
            500,
        ),
        (f("expires-in:1e300"), 1, None, 500), // clamped to a day, not "forever"
        (f("expires-in:\"120\""), 1, None, 500),
        (
            f("token-type:mac"),
            1,
            Some(ErrorKind::InvalidResponse),
            500,
        ),
        (f("token-type:Bearer"), 1, None, 500),
        (
            Fault::body(400, "application/json", br#"{"error":"invalid_client"}"#),
            1,
            Some(ErrorKind::Credentials),
            500,
        ),
        (Fault::Status(403), 1, Some(ErrorKind::Forbidden), 500),
        (
            Fault::Redirect("https://auth.sinch.com/oauth2/token".into()),
            1,
            Some(ErrorKind::InvalidResponse),
            500,
        ),
    ];
    for (fault, times, want, bound_ms) in cases {
        server.clear_faults();
        server.push_faults(fault.clone(), times);
        let p = provider(&server, fast_retries(), Duration::from_millis(400));
        let start = Instant::now();
        let got = p.token();
        let took = start.elapsed();
        match (want, &got) {
            (None, Ok(t)) => assert!(
                t.expires_in() <= Duration::from_secs(24 * 3600),
                "{fault:?}"
            ),
            (Some(kind), Err(e)) => assert_eq!(e.kind(), kind, "{fault:?}: {e}"),
            _ => panic!("{fault:?}: wanted {want:?}, got {got:?}"),
        }
        assert!(
            took < Duration::from_millis(bound_ms),
            "{fault:?} took {took:?}"
        );
    }
    server.clear_faults();
}

#[test]
fn connection_refused_is_quick() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let p = TokenProvider::builder(ProjectCredentials::new("p", "k", "s").unwrap())
        .token_url(format!("http://127.0.0.1:{port}/oauth2/token"))
        .build()
        .unwrap();
    let start = Instant::now();
    assert_eq!(p.token().unwrap_err().kind(), ErrorKind::Transport);
    assert!(start.elapsed() < Duration::from_secs(1));
}

#[test]
fn a_cached_token_is_served_promptly_through_an_outage() {
    let server = LocalServer::start(ServerConfig {
        token_lifetime: Duration::from_secs(3),
        ..ServerConfig::default()
    })
    .unwrap();
    let k = server.keys();
    let p = TokenProvider::builder(
        ProjectCredentials::new(k.project_id, k.key_id, k.key_secret).unwrap(),
    )
    .token_url(server.token_url())
    .refresh_policy(RefreshPolicy {
        fraction: 0.5, // refresh from 1.5 s on, so the outage spans a long window
        jitter: 0.0,
        retry_pause: Duration::from_millis(200),
        ..RefreshPolicy::default()
    })
    .retry_policy(RetryPolicy::none())
    .build()
    .unwrap();
    let first = p.token().unwrap();
    server.push_faults(Fault::Status(503), 1000);
    let start = Instant::now();
    let mut slowest = Duration::ZERO;
    while start.elapsed() < Duration::from_millis(2200) {
        let t0 = Instant::now();
        let t = p.token().unwrap();
        slowest = slowest.max(t0.elapsed());
        assert_eq!(t, first);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        slowest < Duration::from_millis(200),
        "a caller was held {slowest:?}"
    );
    assert!(
        p.stats().failures >= 2,
        "refreshes were tried: {:?}",
        p.stats()
    );
    std::thread::sleep(Duration::from_millis(1000)); // past expiry
    assert_eq!(p.token().unwrap_err().kind(), ErrorKind::Server);
    server.clear_faults();
    assert_ne!(p.token().unwrap(), first, "recovers when the endpoint does");
}
