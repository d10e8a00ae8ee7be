//! Fleet-wide token sharing against a real `redis-server` and the local Sinch server: one
//! token request however many cold workers ask, one after a fleet-wide 401, Redis paused,
//! killed and restarted without a failed call, and nothing secret left in Redis.

use sinch_auth::token::shared::{MemoryStore, SharedCacheOptions};
use sinch_auth::token::{RetryPolicy, TokenProvider};
use sinch_auth::{ErrorKind, ProjectCredentials};
use sinch_auth_server::{Fault, LocalServer, RedisCluster, RedisProcess};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

fn creds(server: &LocalServer) -> ProjectCredentials {
    let k = server.keys();
    ProjectCredentials::new(k.project_id, k.key_id, k.key_secret).unwrap()
}

fn options() -> SharedCacheOptions {
    SharedCacheOptions {
        open_for: Duration::from_millis(300),
        ..SharedCacheOptions::default()
    }
}

fn worker(server: &LocalServer, redis: &RedisProcess) -> TokenProvider {
    TokenProvider::builder(creds(server))
        .token_url(server.token_url())
        .shared_cache(redis.url())
        .shared_cache_options(options())
        .build()
        .unwrap()
}

fn together<T: Send + 'static>(n: usize, f: impl Fn(usize) -> T + Send + Sync + 'static) -> Vec<T> {
    let barrier = Arc::new(Barrier::new(n));
    let f = Arc::new(f);
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (b, f) = (barrier.clone(), f.clone());
            std::thread::spawn(move || {
                b.wait();
                f(i)
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

#[test]
fn two_hundred_cold_workers_make_one_token_request() {
    let server = LocalServer::start_default().unwrap();
    let redis = RedisProcess::start().unwrap();
    server.push_fault(Fault::Slow(Duration::from_millis(300)));
    let workers: Vec<_> = (0..200).map(|_| worker(&server, &redis)).collect();
    let workers = Arc::new(workers);
    let w = workers.clone();
    let tokens = together(200, move |i| w[i].token().unwrap().secret().to_owned());
    assert_eq!(
        tokens
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len(),
        1
    );
    assert_eq!(server.counters().token_requests, 1);
    let won: u64 = workers
        .iter()
        .map(|w| w.shared_cache_status().unwrap().lock_won)
        .sum();
    assert_eq!(won, 1);

    // A 401 seen by 100 of them: at most one new request.
    server.expire_tokens();
    let w = workers.clone();
    let fresh = together(100, move |i| {
        let p = &w[i];
        let t = p.token().unwrap();
        p.invalidate(&t);
        p.token().unwrap().secret().to_owned()
    });
    assert_eq!(
        fresh.iter().collect::<std::collections::HashSet<_>>().len(),
        1
    );
    assert_eq!(server.counters().token_requests, 2);

    // Nothing in Redis names the key or holds the secret or a token.
    let k = server.keys();
    for (key, value) in redis.dump().unwrap() {
        for secret in [
            k.key_id.as_str(),
            k.key_secret.as_str(),
            &tokens[0],
            &fresh[0],
            "eyJ",
        ] {
            assert!(
                !key.contains(secret) && !value.contains(secret),
                "{key} = {value:?}"
            );
        }
    }
}

#[test]
fn a_paused_redis_costs_one_timeout_then_nothing() {
    let server = LocalServer::start_default().unwrap();
    let redis = RedisProcess::start().unwrap();
    let warm = worker(&server, &redis);
    warm.token().unwrap();
    redis.pause();
    let p = worker(&server, &redis);
    let t = Instant::now();
    p.token().unwrap();
    let first = t.elapsed();
    let status = p.shared_cache_status().unwrap();
    assert_eq!(status.state, "unavailable", "{status:?}");
    assert!(
        status.last_error.as_deref().unwrap().contains("timed out"),
        "{status:?}"
    );
    // The first call waited for one 250 ms timeout (plus a local fetch); while the circuit is
    // open the store is skipped.
    assert!(first < Duration::from_millis(900), "{first:?}");
    p.clear();
    let t = Instant::now();
    p.token().unwrap();
    let local = t.elapsed();
    assert!(p.shared_cache_status().unwrap().skipped >= 1);
    assert!(local < first, "{local:?} vs {first:?}");
    redis.resume();
    // After the open period one call probes, and sharing resumes.
    std::thread::sleep(Duration::from_millis(400));
    p.clear();
    p.token().unwrap();
    assert_eq!(p.shared_cache_status().unwrap().state, "available");
    assert_eq!(server.counters().token_requests, 3);
}

#[test]
fn a_redis_restart_or_flush_is_a_miss_and_sharing_resumes() {
    let server = LocalServer::start_default().unwrap();
    let mut redis = RedisProcess::start().unwrap();
    worker(&server, &redis).token().unwrap();
    redis.restart().unwrap();
    let a = worker(&server, &redis);
    a.token().unwrap(); // the old connection is gone for this new worker anyway; a miss
    assert_eq!(server.counters().token_requests, 2);
    worker(&server, &redis).token().unwrap();
    assert_eq!(server.counters().token_requests, 2, "shared again");
    redis.command(&["FLUSHALL"]).unwrap();
    worker(&server, &redis).token().unwrap();
    assert_eq!(server.counters().token_requests, 3);
    // Killed outright: a refused connection, a local fetch, no error.
    redis.kill();
    let p = worker(&server, &redis);
    p.token().unwrap();
    assert_eq!(p.shared_cache_status().unwrap().state, "unavailable");
}

#[test]
fn strict_mode_fails_instead_of_fetching_locally() {
    let server = LocalServer::start_default().unwrap();
    let mut redis = RedisProcess::start().unwrap();
    let url = redis.url();
    redis.kill();
    let p = TokenProvider::builder(creds(&server))
        .token_url(server.token_url())
        .shared_cache(url)
        .shared_cache_options(SharedCacheOptions {
            strict: true,
            ..options()
        })
        .build()
        .unwrap();
    let e = p.token().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert!(
        e.message().contains("shared cache redis://127.0.0.1"),
        "{e}"
    );
    assert_eq!(server.counters().token_requests, 0);
}

#[test]
fn the_fleet_backs_off_together_after_429s() {
    let server = LocalServer::start_default().unwrap();
    let redis = RedisProcess::start().unwrap();
    server.push_faults(Fault::TooManyRequests { retry_after: None }, 1000);
    let make = || {
        TokenProvider::builder(creds(&server))
            .token_url(server.token_url())
            .shared_cache(redis.url())
            .retry_policy(RetryPolicy {
                max_retries: 2,
                base_delay: Duration::from_millis(100),
                max_delay: Duration::from_millis(400),
                ..RetryPolicy::default()
            })
            .build()
            .unwrap()
    };
    let workers: Arc<Vec<_>> = Arc::new((0..50).map(|_| make()).collect());
    let w = workers.clone();
    let end = Instant::now() + Duration::from_secs(2);
    let kinds = together(50, move |i| {
        let mut kinds = Vec::new();
        while Instant::now() < end {
            kinds.push(w[i].token().map(|_| ()).map_err(|e| e.kind()));
            std::thread::sleep(Duration::from_millis(20));
        }
        kinds
    });
    assert!(kinds
        .iter()
        .flatten()
        .all(|k| *k == Err(ErrorKind::RateLimited)));
    // 3 attempts (with 2 retries) per round, then 400 ms of fleet-wide cooldown: about 9
    // requests in 2 s, not 50 workers' worth (150 and more). The margin is for a loaded
    // machine, where a Redis command past its 250 ms timeout sends a worker to fetch alone.
    let n = server.counters().token_requests;
    let errors: u64 = workers
        .iter()
        .map(|w| w.shared_cache_status().unwrap().errors)
        .sum();
    assert!(n <= 24, "{n} token requests ({errors} shared-cache errors)");
}

#[test]
fn a_memory_store_shares_between_providers_of_one_process() {
    let server = LocalServer::start_default().unwrap();
    let store = Arc::new(MemoryStore::new());
    let make = || {
        TokenProvider::builder(creds(&server))
            .token_url(server.token_url())
            .shared_store(store.clone())
            .build()
            .unwrap()
    };
    let (a, b) = (make(), make());
    let t = a.token().unwrap();
    assert_eq!(b.token().unwrap(), t);
    assert_eq!(server.counters().token_requests, 1);
    // Another secret for the same key id lands on other keys: it neither sees nor disturbs.
    let k = server.keys();
    let wrong = TokenProvider::builder(
        ProjectCredentials::new(k.project_id, k.key_id, "not-the-secret").unwrap(),
    )
    .token_url(server.token_url())
    .shared_store(store.clone())
    .retry_policy(RetryPolicy::none())
    .build()
    .unwrap();
    assert_eq!(wrong.token().unwrap_err().kind(), ErrorKind::Credentials);
    assert_eq!(make().token().unwrap(), t);
}

#[test]
fn a_mailgun_delivery_accepted_by_one_instance_is_replayed_on_another() {
    use sinch_auth::webhook::{
        mailgun_signature, verify_mailgun_webhook, ReplayStoreFailure, SharedReplayGuard,
        VerifyOptions,
    };
    use sinch_auth::SignatureReason;
    let mut redis = RedisProcess::start().unwrap();
    let window = Duration::from_secs(60);
    let a = SharedReplayGuard::redis(&redis.url(), window, ReplayStoreFailure::Memory).unwrap();
    let b = SharedReplayGuard::redis(&redis.url(), window, ReplayStoreFailure::Memory).unwrap();
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sig = mailgun_signature("signing-key", &ts, "delivery-token-1");
    let opts = VerifyOptions::default();
    let check = |g: &SharedReplayGuard, sig: &str| {
        verify_mailgun_webhook("signing-key", &ts, "delivery-token-1", sig, &opts, Some(g))
    };
    // A bad signature is not recorded: the real delivery still passes afterwards.
    assert!(check(&a, &"0".repeat(64)).is_err());
    check(&a, &sig).unwrap();
    let e = check(&b, &sig).unwrap_err();
    assert_eq!(e.reason(), Some(SignatureReason::Replayed));
    // The token is not stored in the clear.
    assert!(redis
        .dump()
        .unwrap()
        .iter()
        .all(|(k, v)| !k.contains("delivery-token-1") && !v.contains("delivery-token-1")));
    // Redis gone: "memory" falls back to this instance's guard, "reject" refuses.
    redis.kill();
    let sig2 = mailgun_signature("signing-key", &ts, "delivery-token-2");
    let mem = SharedReplayGuard::redis(&redis.url(), window, ReplayStoreFailure::Memory).unwrap();
    let verify2 = |g: &SharedReplayGuard| {
        verify_mailgun_webhook(
            "signing-key",
            &ts,
            "delivery-token-2",
            &sig2,
            &opts,
            Some(g),
        )
    };
    verify2(&mem).unwrap();
    assert_eq!(
        verify2(&mem).unwrap_err().reason(),
        Some(SignatureReason::Replayed)
    );
    let reject =
        SharedReplayGuard::redis(&redis.url(), window, ReplayStoreFailure::Reject).unwrap();
    assert!(verify2(&reject).is_err());
}

/// The total of Redis's `cmdstat_*` call counters (`INFO commandstats`).
fn redis_calls(redis: &RedisProcess) -> u64 {
    let info = redis.command(&["INFO", "commandstats"]).unwrap();
    info.lines()
        .filter(|l| l.starts_with("cmdstat_") && !l.starts_with("cmdstat_info"))
        .filter_map(|l| {
            l.split("calls=")
                .nth(1)?
                .split(',')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum()
}

#[test]
fn a_cached_call_sends_no_command_to_redis() {
    let server = LocalServer::start_default().unwrap();
    let redis = RedisProcess::start().unwrap();
    let p = worker(&server, &redis);
    p.token().unwrap();
    let before = redis_calls(&redis);
    for _ in 0..10_000 {
        p.token().unwrap();
        p.authorization().unwrap();
    }
    assert_eq!(
        redis_calls(&redis),
        before,
        "an in-process hit touched Redis"
    );
}

#[test]
fn a_lock_holder_that_died_mid_fetch_holds_the_fleet_only_until_its_lease_ends() {
    let server = LocalServer::start_default().unwrap();
    let redis = RedisProcess::start().unwrap();
    worker(&server, &redis).token().unwrap();
    // The key names are derived from the secret: learn them from the stored token.
    let tok = redis
        .dump()
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .find(|k| k.ends_with(":tok"))
        .unwrap();
    let lock = tok.replace(":tok", ":lock");
    redis.command(&["FLUSHALL"]).unwrap();
    // A process took the lock and was killed before it stored a token.
    redis
        .command(&["SET", &lock, "dead-process", "PX", "1500"])
        .unwrap();
    let t = Instant::now();
    let p = worker(&server, &redis);
    p.token().unwrap();
    let waited = t.elapsed();
    assert!(
        waited >= Duration::from_millis(1200) && waited < Duration::from_secs(4),
        "{waited:?}"
    );
    assert_eq!(server.counters().token_requests, 2);
    let s = p.shared_cache_status().unwrap();
    assert_eq!((s.lock_waited, s.lock_won), (1, 1), "{s:?}");
}

#[test]
fn a_redis_cluster_shares_one_token_and_one_replay_record() {
    use sinch_auth::webhook::{
        mailgun_signature, verify_mailgun_webhook, ReplayStoreFailure, SharedReplayGuard,
        VerifyOptions,
    };
    let server = LocalServer::start_default().unwrap();
    let cluster = RedisCluster::start(3).unwrap();
    server.push_fault(Fault::Slow(Duration::from_millis(300)));
    let url = cluster.url();
    let workers: Vec<_> = (0..64)
        .map(|_| {
            TokenProvider::builder(creds(&server))
                .token_url(server.token_url())
                .shared_cache(url.clone())
                .shared_cache_options(options())
                .build()
                .unwrap()
        })
        .collect();
    let workers = Arc::new(workers);
    let w = workers.clone();
    let run = std::thread::spawn(move || {
        together(64, move |i| w[i].token().unwrap().secret().to_owned())
    });
    // Where each key of the entry is: the lock while the (slow) fetch runs, then the token.
    let find = |suffix: &str| {
        cluster.nodes().iter().enumerate().find_map(|(i, n)| {
            let keys = n.dump().unwrap();
            keys.into_iter()
                .find(|(k, _)| k.ends_with(suffix))
                .map(|(k, _)| (i, k))
        })
    };
    std::thread::sleep(Duration::from_millis(150));
    let lock = find(":lock");
    let tokens = run.join().unwrap();
    assert_eq!(
        tokens
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len(),
        1
    );
    assert_eq!(server.counters().token_requests, 1);
    let status = workers[0].shared_cache_status().unwrap();
    assert_eq!(status.errors, 0, "{status:?}");
    assert!(status.store.starts_with("redis+cluster://"), "{status:?}");
    // The lock and the token carry one hash tag: one slot, so one node (and the fleet's
    // commands for this key never cross nodes).
    let (lock_node, lock_key) = lock.expect("the lock is held during the fetch");
    let (tok_node, tok_key) = find(":tok").expect("the token is stored");
    let slot = |k: &str| {
        cluster.nodes()[0]
            .command(&["CLUSTER", "KEYSLOT", k])
            .unwrap()
    };
    assert_eq!(slot(&lock_key), slot(&tok_key), "{lock_key} / {tok_key}");
    assert_eq!(lock_node, tok_node);
    // After a 401 everywhere, compare-and-delete (a Lua script) runs on that node: one more.
    server.expire_tokens();
    let w = workers.clone();
    together(32, move |i| {
        let t = w[i].token().unwrap();
        w[i].invalidate(&t);
        w[i].token().unwrap();
    });
    assert_eq!(server.counters().token_requests, 2);

    // The replay guard on the cluster: accepted once, replayed on another instance.
    let window = Duration::from_secs(60);
    let a = SharedReplayGuard::redis(&url, window, ReplayStoreFailure::Reject).unwrap();
    let b = SharedReplayGuard::redis(&url, window, ReplayStoreFailure::Reject).unwrap();
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sig = mailgun_signature("signing-key", &ts, "cluster-token");
    let opts = VerifyOptions::default();
    verify_mailgun_webhook("signing-key", &ts, "cluster-token", &sig, &opts, Some(&a)).unwrap();
    let e = verify_mailgun_webhook("signing-key", &ts, "cluster-token", &sig, &opts, Some(&b))
        .unwrap_err();
    assert_eq!(e.reason(), Some(sinch_auth::SignatureReason::Replayed));
}
