//! The Rust core's signing, as a timing service for the Python and Node benches, so the
//! binding overhead is measured against the core in interleaved rounds of one run (the VM's
//! speed drifts between runs). It times `sign_authorization_into` with a reused buffer, the
//! function both bindings' `sign_request` end in (through `with_authorization`).
//! `sign_loop BODY_BYTES`, then one iteration count per stdin line; each answer is the
//! nanoseconds those iterations took. Same inputs as the benches.

use sinch_auth::{sign_authorization_into, ApplicationCredentials, SignRequest};
use std::hint::black_box;
use std::io::{BufRead, Write};
use std::time::Instant;

fn main() {
    let size: usize = match std::env::args().nth(1).map(|a| a.parse()) {
        Some(Ok(n)) => n,
        _ => {
            eprintln!("usage: sign_loop BODY_BYTES  (then iteration counts on stdin)");
            std::process::exit(2);
        }
    };
    let app = ApplicationCredentials::new(
        "669E367E-6BBA-48AB-AF15-266871C28135",
        "BeIukql3pTKJ8RGL5zo0DA==",
    )
    .expect("valid test credentials");
    let body: Vec<u8> = b"{\"a\":1234567890}"
        .iter()
        .copied()
        .cycle()
        .take(size)
        .collect();
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let Ok(n) = line.unwrap_or_default().trim().parse::<u64>() else {
            break;
        };
        let start = Instant::now();
        let mut authorization = String::new();
        for _ in 0..n {
            authorization.clear();
            black_box(
                sign_authorization_into(
                    &app,
                    &SignRequest::new(black_box("POST"), black_box("/calling/v1/callouts"))
                        .body(black_box(&body))
                        .timestamp(black_box("2024-01-19T09:19:28.9372196Z")),
                    &mut authorization,
                )
                .expect("signs"),
            );
            black_box(&authorization);
        }
        let _ = writeln!(out, "{}", start.elapsed().as_nanos());
        let _ = out.flush();
    }
}
