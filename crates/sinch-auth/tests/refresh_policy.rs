//! Refresh, retry and invalidation policy, on a manual clock and a scripted transport: no
//! sleeps, no network.

use base64::Engine;
use sinch_auth::clock::{Clock, ManualClock};
use sinch_auth::token::{RefreshPolicy, RetryPolicy, TokenProvider};
use sinch_auth::transport::{HttpRequest, HttpResponse, Transport};
use sinch_auth::{Error, ErrorKind, ProjectCredentials};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

type Reply = Box<dyn Fn(u64) -> Result<HttpResponse, Error> + Send + Sync>;

/// Answers from a script, then with `default`; counts requests; may really sleep first.
struct Scripted {
    script: Mutex<VecDeque<Reply>>,
    default: Reply,
    count: AtomicU64,
    delay: Duration,
}

impl std::fmt::Debug for Scripted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scripted")
    }
}

impl Transport for Scripted {
    fn send(&self, _: &HttpRequest) -> Result<HttpResponse, Error> {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        if !self.delay.is_zero() {
            std::thread::sleep(self.delay);
        }
        let next = self.script.lock().unwrap().pop_front();
        match next {
            Some(r) => r(n),
            None => (self.default)(n),
        }
    }
}

fn json(status: u16, body: String) -> Result<HttpResponse, Error> {
    Ok(HttpResponse {
        status,
        headers: vec![],
        body: body.into_bytes(),
    })
}

fn token_reply(expires_in: u64) -> Reply {
    Box::new(move |n| {
        json(
            200,
            format!(
                r#"{{"access_token":"tok-{n}","expires_in":{expires_in},"token_type":"bearer"}}"#
            ),
        )
    })
}

fn status_reply(status: u16, retry_after: Option<&'static str>) -> Reply {
    Box::new(move |_| {
        Ok(HttpResponse {
            status,
            headers: retry_after
                .map(|v| vec![("Retry-After".to_owned(), v.to_owned())])
                .unwrap_or_default(),
            body: br#"{"error":"x"}"#.to_vec(),
        })
    })
}

struct Rig {
    clock: ManualClock,
    transport: Arc<Scripted>,
    provider: TokenProvider,
}

fn rig(default: Reply, script: Vec<Reply>, retry: RetryPolicy, delay: Duration) -> Rig {
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_800_000_000));
    let transport = Arc::new(Scripted {
        script: Mutex::new(script.into()),
        default,
        count: AtomicU64::new(0),
        delay,
    });
    let provider = TokenProvider::builder(ProjectCredentials::new("p", "k", "s").unwrap())
        .token_url("https://auth.test/oauth2/token")
        .transport(transport.clone())
        .clock(Arc::new(clock.clone()))
        .retry_policy(retry)
        .random(Arc::new(|| 0.5))
        .refresh_policy(RefreshPolicy {
            jitter: 0.0,
            ..RefreshPolicy::default()
        })
        .build()
        .unwrap();
    Rig {
        clock,
        transport,
        provider,
    }
}

impl Rig {
    fn requests(&self) -> u64 {
        self.transport.count.load(Ordering::SeqCst)
    }
    fn settle(&self) {
        for _ in 0..500 {
            if !self.provider.refresh_in_flight() {
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        panic!("background refresh never finished");
    }
    fn advance(&self, secs: f64) {
        self.clock.advance(Duration::from_secs_f64(secs));
    }
}

#[test]
fn an_hour_token_is_refreshed_a_minute_early_in_the_background() {
    let r = rig(
        token_reply(3600),
        vec![],
        RetryPolicy::none(),
        Duration::ZERO,
    );
    let t1 = r.provider.token().unwrap();
    assert_eq!(t1.secret(), "tok-1");
    r.advance(3539.0);
    assert_eq!(r.provider.token().unwrap(), t1);
    assert_eq!(r.requests(), 1);
    r.advance(2.0); // 59 s left: inside the 60 s skew
    assert_eq!(r.provider.token().unwrap(), t1, "the caller is not held");
    r.settle();
    assert_eq!(r.requests(), 2);
    assert_eq!(r.provider.token().unwrap().secret(), "tok-2");
}

#[test]
fn a_short_lived_token_is_not_refetched_on_every_call() {
    let r = rig(token_reply(2), vec![], RetryPolicy::none(), Duration::ZERO);
    for _ in 0..15 {
        r.provider.token().unwrap();
        r.advance(0.1);
    }
    assert_eq!(r.requests(), 1, "skew is 25% of 2 s, not the 60 s margin");
    r.advance(0.1); // 1.6 s: due (from 1.5 s)
    r.provider.token().unwrap();
    r.settle();
    assert_eq!(r.requests(), 2);
}

#[test]
fn a_failed_refresh_keeps_serving_the_valid_token_then_fails_after_expiry() {
    let r = rig(
        status_reply(503, None),
        vec![token_reply(100)],
        RetryPolicy::none(),
        Duration::ZERO,
    );
    let t1 = r.provider.token().unwrap();
    // skew = min(60 s, 25% of 100 s) = 25 s: due at 75 s; served until 95 s (guard 5 s).
    r.advance(76.0);
    assert_eq!(r.provider.token().unwrap(), t1);
    r.settle();
    assert_eq!(r.requests(), 2);
    // The next try waits min(5 s, half of the 19 s left) = 5 s: none before that.
    r.advance(4.0);
    assert_eq!(r.provider.token().unwrap(), t1);
    assert_eq!(r.requests(), 2);
    r.advance(1.5);
    assert_eq!(r.provider.token().unwrap(), t1);
    r.settle();
    assert_eq!(r.requests(), 3);
    r.advance(14.0); // 95.5 s: past the serving limit, now the error surfaces
    let e = r.provider.token().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
}

#[test]
fn invalidate_only_clears_the_token_it_names() {
    let r = rig(
        token_reply(3600),
        vec![],
        RetryPolicy::none(),
        Duration::ZERO,
    );
    let t1 = r.provider.token().unwrap();
    assert!(r.provider.invalidate(&t1));
    let t2 = r.provider.token().unwrap();
    assert_ne!(t1, t2);
    assert!(!r.provider.invalidate(&t1), "a late 401 for t1 keeps t2");
    assert_eq!(r.provider.token().unwrap(), t2);
    assert_eq!(r.requests(), 2);
    assert!(!r.provider.invalidate_str("tok-1"));
    assert!(r.provider.invalidate_str("tok-2"));
}

#[test]
fn one_failure_is_shared_by_every_waiting_caller_and_the_next_call_retries() {
    let r = rig(
        token_reply(3600),
        vec![status_reply(401, None)],
        RetryPolicy::none(),
        Duration::from_millis(200),
    );
    let barrier = Arc::new(Barrier::new(5));
    let handles: Vec<_> = (0..5)
        .map(|_| {
            let (p, b) = (r.provider.clone(), barrier.clone());
            std::thread::spawn(move || {
                b.wait();
                p.token()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(
            h.join().unwrap().unwrap_err().kind(),
            ErrorKind::Credentials
        );
    }
    assert_eq!(r.requests(), 1);
    // A rejected key is answered from memory for a second, then asked again.
    let paused = r.provider.token().unwrap_err();
    assert_eq!(paused.kind(), ErrorKind::Credentials);
    assert!(
        paused.message().contains("not asked again before 1.0 s"),
        "{paused}"
    );
    assert_eq!(r.requests(), 1);
    r.clock.advance(Duration::from_secs(1));
    assert_eq!(r.provider.token().unwrap().secret(), "tok-2");
}

#[test]
fn a_rejected_key_is_not_asked_again_until_a_growing_pause_has_passed() {
    let r = rig(
        status_reply(401, None),
        vec![],
        RetryPolicy::default(),
        Duration::ZERO,
    );
    // Tight loop, 5 s of (manual) time in 10 ms steps: 1 + 1 s + 2 s pauses = 3 requests.
    for _ in 0..500 {
        let e = r.provider.token().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Credentials, "{e}");
        r.clock.advance(Duration::from_millis(10));
    }
    assert_eq!(r.requests(), 3);
    // The pause doubles up to its cap, and clear() tries again at once.
    for _ in 0..20 {
        let _ = r.provider.token();
        r.clock.advance(Duration::from_secs(61));
    }
    let _ = r.provider.token();
    let e = r.provider.token().unwrap_err();
    assert!(e.message().contains("not asked again before 60.0 s"), "{e}");
    let before = r.requests();
    r.provider.clear();
    let _ = r.provider.token();
    assert_eq!(r.requests(), before + 1);
}

#[test]
fn a_forbidden_key_pauses_too_but_a_server_error_does_not() {
    let r = rig(
        token_reply(3600),
        vec![
            status_reply(403, None),
            status_reply(503, None),
            status_reply(503, None),
        ],
        RetryPolicy::none(),
        Duration::ZERO,
    );
    assert_eq!(r.provider.token().unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(r.provider.token().unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(r.requests(), 1);
    r.clock.advance(Duration::from_secs(1));
    assert_eq!(r.provider.token().unwrap_err().kind(), ErrorKind::Server);
    assert_eq!(r.provider.token().unwrap_err().kind(), ErrorKind::Server);
    assert_eq!(r.requests(), 3);
    assert_eq!(r.provider.token().unwrap().secret(), "tok-4");
}

#[test]
fn a_token_expires_when_the_wall_clock_says_so_after_a_suspend() {
    let r = rig(
        token_reply(3600),
        vec![],
        RetryPolicy::none(),
        Duration::ZERO,
    );
    let first = r.provider.token().unwrap();
    assert_eq!(r.requests(), 1);
    // Two hours asleep: the monotonic clock stood still, the wall clock moved on.
    r.clock
        .set_wall(UNIX_EPOCH + Duration::from_secs(1_800_000_000 + 7200));
    assert!(r.provider.fresh_token().is_none());
    let after = r.provider.token().unwrap();
    assert_eq!(r.requests(), 2, "the first call after waking fetches");
    assert_ne!(first, after);
}

#[test]
fn a_wall_clock_set_back_never_makes_a_token_live_longer() {
    let r = rig(
        token_reply(3600),
        vec![],
        RetryPolicy::none(),
        Duration::ZERO,
    );
    r.provider.token().unwrap();
    // The wall clock goes back a day while an hour passes on the monotonic clock.
    r.clock
        .set_wall(UNIX_EPOCH + Duration::from_secs(1_800_000_000 - 86_400));
    r.clock.advance_monotonic(Duration::from_secs(3600));
    assert!(r.provider.fresh_token().is_none());
    r.provider.token().unwrap();
    assert_eq!(r.requests(), 2);
}

fn jwt(exp: f64) -> String {
    let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.sig",
        e.encode(br#"{"alg":"none"}"#),
        e.encode(format!(r#"{{"exp":{exp}}}"#))
    )
}

#[test]
fn jwt_exp_shorter_than_expires_in_wins() {
    let now = 1_800_000_000.0;
    let token = jwt(now + 100.0);
    let reply: Reply = Box::new(move |_| {
        json(
            200,
            format!(r#"{{"access_token":"{token}","expires_in":3600}}"#),
        )
    });
    let r = rig(reply, vec![], RetryPolicy::none(), Duration::ZERO);
    r.provider.token().unwrap();
    r.advance(74.0);
    r.provider.token().unwrap();
    assert_eq!(r.requests(), 1);
    r.advance(2.0); // 24 s left of 100: inside min(60, 25) s
    r.provider.token().unwrap();
    r.settle();
    assert_eq!(r.requests(), 2);
}

#[test]
fn a_jwt_exp_in_the_past_means_our_clock_is_off_so_expires_in_is_trusted() {
    let token = jwt(1000.0);
    let reply: Reply = Box::new(move |_| {
        json(
            200,
            format!(r#"{{"access_token":"{token}","expires_in":3600}}"#),
        )
    });
    let r = rig(reply, vec![], RetryPolicy::none(), Duration::ZERO);
    for _ in 0..10 {
        r.provider.token().unwrap();
        r.advance(60.0);
    }
    assert_eq!(r.requests(), 1);
}

#[test]
fn backoff_sleeps_on_the_clock_with_equal_jitter() {
    let r = rig(
        token_reply(3600),
        vec![status_reply(429, None), status_reply(503, None)],
        RetryPolicy::default(),
        Duration::ZERO,
    );
    r.provider.token().unwrap();
    assert_eq!(r.requests(), 3);
    // random = 0.5: 3/4 of the ceilings 1 s and 2 s.
    assert_eq!(
        r.clock.sleeps(),
        vec![Duration::from_millis(750), Duration::from_millis(1500)]
    );
}

#[test]
fn retry_after_zero_waits_only_the_small_jitter() {
    // The Node SDK's vector: Retry-After 0 with random 0.5 -> 125 ms.
    let r = rig(
        token_reply(3600),
        vec![status_reply(429, Some("0"))],
        RetryPolicy::default(),
        Duration::ZERO,
    );
    r.provider.token().unwrap();
    assert_eq!(r.clock.sleeps(), vec![Duration::from_millis(125)]);
}

#[test]
fn retries_are_bounded_and_a_long_retry_after_is_not_waited_for() {
    let r = rig(
        status_reply(429, None),
        vec![],
        RetryPolicy::default(),
        Duration::ZERO,
    );
    let e = r.provider.token().unwrap_err();
    assert_eq!((e.kind(), e.retryable()), (ErrorKind::RateLimited, true));
    assert_eq!(r.requests(), 6, "one attempt and five retries");
    let total: Duration = r.clock.sleeps().iter().sum();
    assert!(total < Duration::from_secs(25), "{total:?}");

    let r = rig(
        status_reply(429, Some("3600")),
        vec![],
        RetryPolicy::default(),
        Duration::ZERO,
    );
    assert_eq!(
        r.provider.token().unwrap_err().kind(),
        ErrorKind::RateLimited
    );
    assert_eq!(r.requests(), 1);
    assert!(r.clock.sleeps().is_empty());
}

#[test]
fn four_hundreds_other_than_429_are_not_retried() {
    for status in [400, 401, 403, 404] {
        let r = rig(
            status_reply(status, None),
            vec![],
            RetryPolicy::default(),
            Duration::ZERO,
        );
        assert!(r.provider.token().is_err());
        assert_eq!(r.requests(), 1, "{status}");
    }
}

#[test]
fn expires_at_follows_the_wall_clock() {
    let r = rig(
        token_reply(3600),
        vec![],
        RetryPolicy::none(),
        Duration::ZERO,
    );
    let t = r.provider.token().unwrap();
    let want = r.clock.wall() + Duration::from_secs(3600);
    let diff = t
        .expires_at()
        .duration_since(want)
        .unwrap_or_else(|e| e.duration());
    assert!(diff < Duration::from_millis(1));
    assert!(t.expires_at() > SystemTime::UNIX_EPOCH);
}

#[test]
fn fresh_token_is_served_until_the_refresh_point_and_never_fetches() {
    let r = rig(
        token_reply(3600),
        vec![],
        RetryPolicy::none(),
        Duration::ZERO,
    );
    assert!(r.provider.fresh_token().is_none(), "cold: nothing cached");
    assert_eq!(r.provider.stats().requests, 0, "fresh_token never fetches");
    let t = r.provider.token().unwrap();
    assert_eq!(r.provider.fresh_token(), Some(t.clone()));
    r.advance(3539.0); // 3600 s less the 60 s skew: the refresh point is at 3540 s
    assert_eq!(r.provider.fresh_token(), Some(t));
    r.advance(2.0);
    assert!(
        r.provider.fresh_token().is_none(),
        "past the refresh point: token() has work"
    );
    assert_eq!(r.provider.stats().requests, 1);
}
