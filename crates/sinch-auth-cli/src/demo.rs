//! `sinch-auth demo`: the library at work against an in-process local server.

use crate::api::{self, HeaderPairs};
use crate::{CmdResult, Failure};
use sinch_auth::webhook::{Headers, VerifyOptions};
use sinch_auth::*;
use sinch_auth_server::{signed_webhook, LocalServer, ServerConfig, WebhookKind};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Bearer-protected API calls to make.
    #[arg(long, default_value_t = 200)]
    calls: u32,
    /// Threads making them.
    #[arg(long, default_value_t = 8)]
    threads: u32,
    /// Token lifetime on the local server, in seconds (short, so a refresh shows).
    #[arg(long, default_value_t = 2.0)]
    token_lifetime: f64,
}

fn fail(what: &str, e: impl std::fmt::Display) -> Failure {
    Failure::failed(format!("demo step failed: {what}: {e}"))
}

fn api_calls(
    server: &LocalServer,
    provider: &TokenProvider,
    threads: u32,
    per_thread: u32,
) -> Result<(u32, u32), Failure> {
    let url = server.numbers_url();
    let handles: Vec<_> = (0..threads.max(1))
        .map(|_| {
            let (p, url) = (provider.clone(), url.clone());
            std::thread::spawn(move || -> Result<(u32, u32), Error> {
                let (mut ok, mut other) = (0, 0);
                for _ in 0..per_thread {
                    let token = p.token()?;
                    let ans = api::call(
                        "GET",
                        &url,
                        &[("Authorization", token.authorization())],
                        b"",
                    )?;
                    if ans.status == 200 {
                        ok += 1;
                    } else {
                        other += 1;
                        if is_expired_token_challenge(ans.status, ans.header_pairs()) {
                            p.invalidate(&token);
                        }
                    }
                }
                Ok((ok, other))
            })
        })
        .collect();
    let mut total = (0, 0);
    for h in handles {
        let (ok, other) = h
            .join()
            .map_err(|_| fail("API calls", "a thread panicked"))?
            .map_err(|e| fail("API calls", e))?;
        total.0 += ok;
        total.1 += other;
    }
    Ok(total)
}

pub fn run(a: Args) -> CmdResult {
    let started = Instant::now();
    let server = LocalServer::start(ServerConfig {
        token_lifetime: Duration::from_secs_f64(a.token_lifetime.max(0.5)),
        ..ServerConfig::default()
    })
    .map_err(|e| fail("starting the local server", e))?;
    let keys = server.keys();
    println!(
        "sinch-auth demo — against a local Sinch-compatible server at {}",
        server.url()
    );
    println!(
        "(throwaway credentials; tokens live {} s there)\n",
        a.token_lifetime
    );

    // 1. Routing.
    let voice = Product::Voice;
    println!("1. Which credentials?");
    for p in [
        Product::Numbers,
        Product::Conversation,
        voice,
        Product::Mailgun,
    ] {
        println!("   {:<14} -> {}", p.as_str(), p.auth_model());
    }

    // 2. One token for many calls.
    let creds = ProjectCredentials::new(
        keys.project_id.clone(),
        keys.key_id.clone(),
        keys.key_secret.clone(),
    )?;
    let provider = TokenProvider::builder(creds)
        .client("cli")
        .token_url(server.token_url())
        .build()?;
    let per_thread = a.calls.div_ceil(a.threads.max(1));
    let (ok, other) = api_calls(&server, &provider, a.threads, per_thread)?;
    let c = server.counters();
    println!("\n2. OAuth2 token cache");
    println!(
        "   {} threads made {} bearer calls: {ok} answered 200, {other} did not",
        a.threads,
        ok + other
    );
    println!(
        "   token requests: {} (one fetch served every call)",
        c.token_requests
    );

    // 3. Refresh before expiry.
    std::thread::sleep(Duration::from_secs_f64(a.token_lifetime * 0.95));
    let (ok2, other2) = api_calls(&server, &provider, a.threads, per_thread)?;
    let c = server.counters();
    println!("\n3. Refresh ahead of expiry");
    println!("   after waiting out most of the lifetime, {} more calls: {ok2} answered 200, {other2} did not", ok2 + other2);
    println!(
        "   tokens issued so far: {}; calls that met an expired token: {}",
        c.tokens_issued, c.api_expired
    );

    // 4. A signed Voice call.
    let app = ApplicationCredentials::new(keys.app_key.clone(), keys.app_secret.clone())?;
    let body = br#"{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+12025550123"},"text":"Hello from sinch-auth"}}"#;
    let signed = sign_request(
        &app,
        &SignRequest::new("POST", "/calling/v1/callouts").body(body),
    )?;
    let url = format!("{}/calling/v1/callouts", server.url());
    let ans = api::call(
        "POST",
        &url,
        &[
            ("Authorization", &signed.authorization),
            ("x-timestamp", &signed.timestamp),
            ("Content-Type", "application/json"),
        ],
        body,
    )?;
    println!("\n4. Application-signed Voice callout");
    println!(
        "   string to sign:\n      {}",
        signed.string_to_sign.replace('\n', "\\n\n      ")
    );
    println!(
        "   server answered {} ({})",
        ans.status,
        if ans.status == 200 {
            "signature accepted"
        } else {
            "rejected"
        }
    );

    // 5. Webhooks.
    let hook = signed_webhook(
        WebhookKind::Conversation,
        "https://example.test/hook",
        &keys,
    )?;
    let headers = Headers::from_pairs(hook.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let good = verify_conversation_webhook(
        &keys.webhook_secret,
        &headers,
        &hook.body,
        &VerifyOptions::default(),
    );
    let mut tampered = hook.body.clone();
    let last = tampered.len() - 2;
    tampered[last] ^= 1;
    let bad = verify_conversation_webhook(
        &keys.webhook_secret,
        &headers,
        &tampered,
        &VerifyOptions::default(),
    );
    println!("\n5. Conversation webhook verification (raw body, constant-time compare)");
    println!(
        "   genuine webhook:  {}",
        if good.is_ok() {
            "✓ accepted".to_owned()
        } else {
            format!("✗ {good:?}")
        }
    );
    match &bad {
        Err(e) => println!(
            "   one byte changed: ✗ rejected ({})",
            e.reason().map(|r| r.as_str()).unwrap_or("?")
        ),
        Ok(()) => println!("   one byte changed: accepted (unexpected)"),
    }

    // 6. Diagnosis.
    let ans = api::call(
        "GET",
        &server.numbers_url(),
        &[("Authorization", "Bearer not-a-real-token")],
        b"",
    )?;
    let d = diagnose(
        Product::Numbers,
        ans.status,
        ans.header_pairs(),
        &ans.body,
        Some(&server.url()),
    );
    println!("\n6. A failure explained (a made-up token)");
    println!("   {} -> {}\n   fix: {}", ans.status, d.cause, d.fix);

    let c = server.counters();
    let all_good = other == 0
        && other2 == 0
        && c.api_expired == 0
        && c.token_requests <= 4
        && ans.status == 401
        && good.is_ok()
        && bad.is_err();
    println!(
        "\nsummary: {} bearer calls with {} token requests, 0 secrets printed, {:.1} s",
        ok + ok2,
        c.token_requests,
        started.elapsed().as_secs_f64()
    );
    if all_good && c.signed_ok == 1 {
        println!("everything behaved as it should ✓");
        Ok(())
    } else {
        Err(Failure::failed(
            "the demo saw unexpected results (see above)",
        ))
    }
}
