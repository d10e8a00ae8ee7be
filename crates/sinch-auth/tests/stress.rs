//! 64 threads × 10,000 token()/sign calls with one-second tokens against the local server:
//! no deadlock, every token valid when returned, token requests close to the refreshes needed.

use sinch_auth::{
    sign_request, ApplicationCredentials, ProjectCredentials, SignRequest, TokenProvider,
};
use sinch_auth_server::{LocalServer, ServerConfig};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn sixty_four_threads_ten_thousand_calls_each() {
    let server = LocalServer::start(ServerConfig {
        token_lifetime: Duration::from_secs(1),
        ..ServerConfig::default()
    })
    .unwrap();
    let k = server.keys();
    let provider = TokenProvider::builder(
        ProjectCredentials::new(k.project_id, k.key_id, k.key_secret).unwrap(),
    )
    .token_url(server.token_url())
    .build()
    .unwrap();
    let app = ApplicationCredentials::new(k.app_key, k.app_secret).unwrap();
    let expired_when_returned = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..64)
        .map(|i| {
            let (p, app, bad) = (provider.clone(), app.clone(), expired_when_returned.clone());
            std::thread::spawn(move || {
                let body = format!("{{\"thread\":{i}}}");
                let mut last = String::new();
                for n in 0..10_000 {
                    if n % 2 == 0 {
                        let t = p.token().unwrap();
                        if t.expires_in().is_zero() {
                            bad.fetch_add(1, Ordering::Relaxed);
                        }
                        if t.secret() != last {
                            last = t.secret().to_owned();
                        }
                    } else {
                        sign_request(
                            &app,
                            &SignRequest::new("POST", "/calling/v1/callouts").body(body.as_bytes()),
                        )
                        .unwrap();
                    }
                }
            })
        })
        .collect();
    // A watchdog: the whole run must finish, not deadlock.
    let deadline = Instant::now() + Duration::from_secs(120);
    for h in handles {
        while !h.is_finished() {
            assert!(
                Instant::now() < deadline,
                "deadlock: threads still running after 120 s"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        h.join().unwrap();
    }
    let elapsed = start.elapsed();
    assert_eq!(expired_when_returned.load(Ordering::Relaxed), 0);
    let c = server.counters();
    // One-second tokens refreshed 25-37.5% early: about one request per 0.625-0.75 s.
    let needed = (elapsed.as_secs_f64() / 0.625).ceil() as u64 + 1;
    assert!(
        c.token_requests <= needed + 2,
        "{} requests for {elapsed:?} ({needed} needed)",
        c.token_requests
    );
    assert!(c.token_requests >= 1);
    eprintln!(
        "640,000 calls in {elapsed:?}; {} token requests",
        c.token_requests
    );
}
