//! N cold workers, each with its own provider (as N processes would have), ask for a token at
//! the same moment: `fleet_load TOKEN_URL PROJECT KEY SECRET N [REDIS_URL]`. With a Redis URL
//! they share it. Prints the seconds until the last worker was done. Used by `make bench`
//! with the local server's gateway bucket on (30 burst, 10/s) to count token requests; also
//! prints how many workers ended without a token.

use sinch_auth::token::TokenProvider;
use sinch_auth::ProjectCredentials;
use std::sync::{Arc, Barrier};
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let (token_url, project, key, secret, n, redis) = match &a[..] {
        [t, p, k, s, n] => (t, p, k, s, n, None),
        [t, p, k, s, n, r] => (t, p, k, s, n, Some(r.clone())),
        _ => {
            eprintln!("usage: fleet_load TOKEN_URL PROJECT KEY SECRET N [REDIS_URL]");
            std::process::exit(2);
        }
    };
    let n: usize = n.parse().unwrap();
    let workers: Vec<TokenProvider> = (0..n)
        .map(|_| {
            let creds = ProjectCredentials::new(project, key, secret.as_str()).unwrap();
            let mut b = TokenProvider::builder(creds).token_url(token_url);
            if let Some(r) = &redis {
                b = b.shared_cache(r);
            }
            b.build().unwrap()
        })
        .collect();
    let barrier = Arc::new(Barrier::new(n));
    let start = Instant::now();
    let handles: Vec<_> = workers
        .into_iter()
        .map(|p| {
            let b = barrier.clone();
            std::thread::spawn(move || {
                b.wait();
                p.token().is_ok()
            })
        })
        .collect();
    // Workers still failing after the retries (429s from the bucket) count as failed.
    let failed = handles
        .into_iter()
        .map(|h| h.join().unwrap_or(false))
        .filter(|ok| !ok)
        .count();
    println!("{:.2} {failed}", start.elapsed().as_secs_f64());
}
