//! Signing, verification and cached tokens, each next to its floor on this machine (the
//! MD5 + SHA-256 of the same bytes): how far sinch-auth is from the physical limit.
//! `make bench` runs this with the Python and Node benches and prints one table.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use md5::Digest;
use sinch_auth::webhook::{
    conversation_signature, mailgun_signature, numbers_signature, Headers, VerifyOptions,
};
use sinch_auth::*;
use sinch_auth_server::LocalServer;
use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

const SIZES: [(&str, usize); 4] = [
    ("empty", 0),
    ("200B", 200),
    ("1KiB", 1024),
    ("64KiB", 65536),
];

fn body(n: usize) -> Vec<u8> {
    (0..n).map(|i| b"{\"a\":1234567890}"[i % 16]).collect()
}

fn signing(c: &mut Criterion) {
    let app = ApplicationCredentials::new(
        "669E367E-6BBA-48AB-AF15-266871C28135",
        "BeIukql3pTKJ8RGL5zo0DA==",
    )
    .unwrap();
    let mut g = c.benchmark_group("sign_request");
    for (name, n) in SIZES {
        let b = body(n);
        g.throughput(Throughput::Bytes(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &b, |bench, b| {
            bench.iter(|| {
                sign_request(
                    &app,
                    &SignRequest::new("POST", "/calling/v1/callouts")
                        .body(black_box(b))
                        .timestamp("2024-01-19T09:19:28.9372196Z"),
                )
                .unwrap()
            })
        });
    }
    g.finish();
    // What the Python and Node bindings call: the header alone, into a reused buffer.
    let mut g = c.benchmark_group("sign_authorization_into");
    for (name, n) in SIZES {
        let b = body(n);
        let mut out = String::new();
        g.throughput(Throughput::Bytes(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &b, |bench, b| {
            bench.iter(|| {
                out.clear();
                sign_authorization_into(
                    &app,
                    &SignRequest::new("POST", "/calling/v1/callouts")
                        .body(black_box(b))
                        .timestamp("2024-01-19T09:19:28.9372196Z"),
                    &mut out,
                )
                .unwrap();
                black_box(&out);
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("floor_md5_sha256");
    for (name, n) in SIZES {
        let b = body(n);
        g.bench_with_input(BenchmarkId::from_parameter(name), &b, |bench, b| {
            bench.iter(|| {
                let m = md5::Md5::digest(black_box(b));
                let s = sha2::Sha256::digest(black_box(b));
                (m, s)
            })
        });
    }
    g.finish();
}

fn verification(c: &mut Criterion) {
    let b = body(1024);
    let now = UNIX_EPOCH + Duration::from_secs(1_705_655_968);
    let opts = VerifyOptions::at(now);
    let mut g = c.benchmark_group("verify_1KiB");

    let app = ApplicationCredentials::new("app-key", "BeIukql3pTKJ8RGL5zo0DA==").unwrap();
    let ts = "2024-01-19T09:19:28.9372196Z";
    let s = sign_request(
        &app,
        &SignRequest::new("POST", "/hook").body(&b).timestamp(ts),
    )
    .unwrap();
    let h = Headers::from_pairs([
        ("Authorization", s.authorization.as_str()),
        ("x-timestamp", ts),
        ("content-type", "application/json"),
    ]);
    g.bench_function("application", |bench| {
        bench.iter(|| {
            verify_application_callback(&app, "POST", "/hook", &h, black_box(&b), &opts).unwrap()
        })
    });

    let sig = conversation_signature("secret", &b, b"01FJA8B4A7BM43YGWSG9GBV067", b"1705655968");
    let h = Headers::from_pairs([
        ("x-sinch-webhook-signature", sig.as_str()),
        (
            "x-sinch-webhook-signature-nonce",
            "01FJA8B4A7BM43YGWSG9GBV067",
        ),
        ("x-sinch-webhook-signature-timestamp", "1705655968"),
    ]);
    g.bench_function("conversation", |bench| {
        bench.iter(|| verify_conversation_webhook("secret", &h, black_box(&b), &opts).unwrap())
    });

    let h = Headers::from_pairs([("X-Sinch-Signature", numbers_signature("secret", &b))]);
    g.bench_function("numbers", |bench| {
        bench.iter(|| verify_numbers_callback("secret", &h, black_box(&b)).unwrap())
    });

    let sig = mailgun_signature(
        "key",
        "1705655968",
        "e0b5477167110d68991efc6b9f89f0a11066af27834600e123",
    );
    g.bench_function("mailgun", |bench| {
        bench.iter(|| {
            webhook::verify_mailgun_webhook(
                "key",
                "1705655968",
                "e0b5477167110d68991efc6b9f89f0a11066af27834600e123",
                black_box(&sig),
                &opts,
                None,
            )
            .unwrap()
        })
    });
    g.finish();
}

fn cached_token(c: &mut Criterion) {
    let server = LocalServer::start_default().unwrap();
    let k = server.keys();
    let p = TokenProvider::builder(
        ProjectCredentials::new(k.project_id, k.key_id, k.key_secret).unwrap(),
    )
    .token_url(server.token_url())
    .build()
    .unwrap();
    p.token().unwrap();
    let mut g = c.benchmark_group("cached_token");
    g.bench_function("token_1_thread", |bench| {
        bench.iter(|| black_box(p.token().unwrap()))
    });
    g.bench_function("authorization_1_thread", |bench| {
        bench.iter(|| black_box(p.authorization().unwrap()))
    });
    // 8 threads at once: time per call, measured on one of them while seven others hammer.
    g.bench_function("token_8_threads", |bench| {
        bench.iter_custom(|iters| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let p = p.clone();
                    std::thread::spawn(move || {
                        let start = std::time::Instant::now();
                        for _ in 0..iters {
                            black_box(p.token().unwrap());
                        }
                        start.elapsed()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap())
                .max()
                .unwrap()
                / 8
        })
    });
    g.finish();
    assert_eq!(server.counters().token_requests, 1);
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500)).sample_size(30);
    targets = signing, verification, cached_token
}
criterion_main!(benches);
