//! `sinch-auth sign --method M --path P [--content-type T] [--body @file|-|TEXT]`

use crate::output::print_json;
use crate::{CmdResult, Failure};
use serde_json::json;
use sinch_auth::{sign_request, ApplicationCredentials, SignRequest, SigningScheme};
use std::io::Read;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    method: String,
    /// The request path (a full URL works too; its path is signed).
    #[arg(long)]
    path: String,
    /// Exactly the Content-Type you will send ("" for none).
    #[arg(long, default_value = "application/json")]
    content_type: String,
    /// The body: TEXT, @FILE, or - for stdin.
    #[arg(long)]
    body: Option<String>,
    /// Use this x-timestamp instead of now.
    #[arg(long)]
    timestamp: Option<String>,
    /// Sign path?query instead of the path alone.
    #[arg(long)]
    include_query: bool,
    /// Voice 2.0 `service` scheme.
    #[arg(long)]
    service: bool,
    /// Also print the string that was signed (to stderr).
    #[arg(long, short)]
    verbose: bool,
    /// Machine-readable output: {"headers": {"Authorization", "x-timestamp"}, "string_to_sign"}.
    #[arg(long)]
    json: bool,
}

/// TEXT, @FILE or - (stdin), as raw bytes.
pub fn read_body(spec: Option<&str>) -> Result<Vec<u8>, Failure> {
    match spec {
        None => Ok(Vec::new()),
        Some("-") => {
            let mut b = Vec::new();
            std::io::stdin()
                .read_to_end(&mut b)
                .map_err(|e| Failure::usage(format!("cannot read the body from stdin: {e}")))?;
            Ok(b)
        }
        Some(s) if s.starts_with('@') => std::fs::read(&s[1..])
            .map_err(|e| Failure::usage(format!("cannot read the body file {}: {e}", &s[1..]))),
        Some(s) => Ok(s.as_bytes().to_vec()),
    }
}

pub fn run(a: Args) -> CmdResult {
    let app = ApplicationCredentials::from_env()?;
    let body = read_body(a.body.as_deref())?;
    let mut req = SignRequest::new(&a.method, &a.path)
        .body(&body)
        .content_type(&a.content_type)
        .include_query(a.include_query);
    if let Some(t) = &a.timestamp {
        req = req.timestamp(t);
    }
    if a.service {
        req = req.scheme(SigningScheme::Service);
    }
    let signed = sign_request(&app, &req)?;
    if a.verbose {
        eprintln!("string to sign:\n{}\n", signed.string_to_sign);
    }
    if a.json {
        print_json(&json!({
            "headers": {"Authorization": signed.authorization, "x-timestamp": signed.timestamp},
            "string_to_sign": signed.string_to_sign,
        }));
        return Ok(());
    }
    println!("Authorization: {}", signed.authorization);
    println!("x-timestamp: {}", signed.timestamp);
    Ok(())
}
