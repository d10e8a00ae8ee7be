//! N concurrent callers against a token endpoint and a bearer-protected API for a while:
//! `token_load TOKEN_URL API_URL PROJECT KEY SECRET N SECONDS`. Used by `make bench` to count
//! token requests and expired-token 401s; prints the number of API calls made.

use sinch_auth::transport::{HttpRequest, Transport, TransportConfig, UreqTransport};
use sinch_auth::{is_expired_token_challenge, ProjectCredentials, TokenProvider};
use std::time::{Duration, Instant};

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let [token_url, api, project, key, secret, n, secs] = &a[..] else {
        eprintln!("usage: token_load TOKEN_URL API_URL PROJECT KEY SECRET N SECONDS");
        std::process::exit(2);
    };
    let creds = ProjectCredentials::new(project.clone(), key.clone(), secret.clone()).unwrap();
    let provider = TokenProvider::builder(creds)
        .token_url(token_url)
        .build()
        .unwrap();
    println!("ready");
    let end = Instant::now() + Duration::from_secs_f64(secs.parse().unwrap());
    let n: usize = n.parse().unwrap();
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (p, api) = (provider.clone(), api.clone());
            std::thread::spawn(move || {
                let http = UreqTransport::new(TransportConfig::default()).unwrap();
                let mut calls = 0u64;
                while Instant::now() < end {
                    let t = p.token().unwrap();
                    let req = HttpRequest {
                        method: "GET".into(),
                        url: api.clone(),
                        headers: vec![("Authorization".into(), t.authorization().into())],
                        body: vec![],
                    };
                    let r = http.send(&req).unwrap();
                    if is_expired_token_challenge(
                        r.status,
                        r.headers.iter().map(|(a, b)| (a.as_str(), b.as_str())),
                    ) {
                        p.invalidate(&t);
                    }
                    calls += 1;
                    std::thread::sleep(Duration::from_millis(20));
                }
                calls
            })
        })
        .collect();
    let calls: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    println!("{calls}");
}
