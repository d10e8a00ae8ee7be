//! `sinch-auth verify <application|conversation|sms|numbers|mailgun> --headers FILE --body FILE`

use crate::output::print_json;
use crate::sign::read_body;
use crate::{warn_secret_flag, CmdResult, Failure};
use serde_json::{json, Value};
use sinch_auth::webhook::{verify_mailgun_webhook, Headers, VerifyOptions, DEFAULT_TOLERANCE};
use sinch_auth::*;
use std::time::{Duration, UNIX_EPOCH};

#[derive(Clone, Copy, clap::ValueEnum)]
enum Kind {
    Application,
    Conversation,
    Sms,
    Numbers,
    Mailgun,
}

#[derive(clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    kind: Kind,
    /// The received headers, one `Name: value` per line (curl -D / a raw request head).
    #[arg(long)]
    headers: Option<String>,
    /// The raw body as received: @FILE, FILE, or - for stdin.
    #[arg(long)]
    body: Option<String>,
    /// Application callbacks: the request method.
    #[arg(long, default_value = "POST")]
    method: String,
    /// Application callbacks: the path Sinch called.
    #[arg(long)]
    path: Option<String>,
    /// Env var holding the webhook secret (default SINCH_WEBHOOK_SECRET; Mailgun:
    /// MAILGUN_WEBHOOK_SIGNING_KEY).
    #[arg(long)]
    secret_env: Option<String>,
    /// The secret itself (lands in shell history: prefer --secret-env).
    #[arg(long)]
    secret: Option<String>,
    /// "Now" as epoch seconds, to check a saved request as of when it arrived.
    #[arg(long)]
    now: Option<f64>,
    /// Freshness tolerance in seconds (default 300).
    #[arg(long)]
    tolerance: Option<f64>,
    /// Do not check the timestamp's freshness.
    #[arg(long)]
    no_freshness: bool,
    /// Machine-readable output: {"valid": bool, "reason", "message"} (exit code 1 when not
    /// valid, as without --json).
    #[arg(long)]
    json: bool,
}

fn parse_headers(text: &str) -> Headers {
    let mut h = Headers::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        if let Some((n, v)) = line.split_once(':') {
            if !n.contains(' ') {
                h.insert(n.trim(), v.trim());
            }
        }
    }
    h
}

fn secret(a: &Args, default_env: &str) -> Result<String, Failure> {
    if let Some(s) = &a.secret {
        warn_secret_flag("--secret", default_env);
        return Ok(s.clone());
    }
    let var = a.secret_env.as_deref().unwrap_or(default_env);
    std::env::var(var)
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Failure::usage(format!(
                "set {var} to the webhook secret (or name another variable with --secret-env)"
            ))
        })
}

fn body_arg(spec: Option<&str>) -> Result<Vec<u8>, Failure> {
    match spec {
        Some(s) if s != "-" && !s.starts_with('@') => read_body(Some(&format!("@{s}"))),
        other => read_body(other),
    }
}

pub fn run(a: Args) -> CmdResult {
    let headers = match &a.headers {
        Some(f) => parse_headers(
            &std::fs::read_to_string(f)
                .map_err(|e| Failure::usage(format!("cannot read the headers file {f}: {e}")))?,
        ),
        None => Headers::new(),
    };
    let body = body_arg(a.body.as_deref())?;
    let opts = VerifyOptions {
        now: a
            .now
            .map(|n| UNIX_EPOCH + Duration::from_secs_f64(n.max(0.0))),
        tolerance: if a.no_freshness {
            None
        } else {
            Some(
                a.tolerance
                    .map(|t| Duration::from_secs_f64(t.max(0.0)))
                    .unwrap_or(DEFAULT_TOLERANCE),
            )
        },
    };
    let result = match a.kind {
        Kind::Application => {
            let app = ApplicationCredentials::from_env()?;
            let path = a.path.as_deref().ok_or_else(|| {
                Failure::usage("application callbacks need --path (the path Sinch called)")
            })?;
            verify_application_callback(&app, &a.method, path, &headers, &body, &opts)
        }
        Kind::Conversation | Kind::Sms => verify_conversation_webhook(
            &secret(&a, "SINCH_WEBHOOK_SECRET")?,
            &headers,
            &body,
            &opts,
        ),
        Kind::Numbers => {
            verify_numbers_callback(&secret(&a, "SINCH_WEBHOOK_SECRET")?, &headers, &body)
        }
        Kind::Mailgun => {
            let key = secret(&a, "MAILGUN_WEBHOOK_SIGNING_KEY")?;
            let v: Value = serde_json::from_slice(&body)
                .map_err(|_| Failure::usage("the Mailgun body must be the webhook's JSON"))?;
            let sig = v.get("signature").unwrap_or(&v);
            let field = |k: &str| match sig.get(k) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            verify_mailgun_webhook(
                &key,
                &field("timestamp"),
                &field("token"),
                &field("signature"),
                &opts,
                None,
            )
        }
    };
    match result {
        Ok(()) => {
            if a.json {
                print_json(&json!({"valid": true, "reason": null, "message": null}));
            } else {
                println!("✓ valid");
            }
            Ok(())
        }
        Err(e) if e.kind() == ErrorKind::Signature => {
            let reason = e.reason().map(|r| r.as_str()).unwrap_or("signature");
            if a.json {
                print_json(&json!({"valid": false, "reason": reason, "message": e.message()}));
            } else {
                println!("✗ rejected ({reason}): {}", e.message());
            }
            Err(Failure::failed(""))
        }
        Err(e) => Err(e.into()),
    }
}
