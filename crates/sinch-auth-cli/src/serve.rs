//! `sinch-auth serve`: the local Sinch-compatible server in the foreground.

use crate::{CmdResult, Failure};
use sinch_auth_server::{
    send_sequence, send_webhook, Expect, Fault, LocalServer, ServerConfig, TestKeys, WebhookKind,
};
use std::io::{Read, Write};
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Token lifetime in seconds.
    #[arg(long, default_value_t = 3600.0)]
    token_lifetime: f64,
    /// Emulate the auth gateway's bucket (30 burst, 10/s, 429 without Retry-After).
    #[arg(long)]
    rate_limit: bool,
    /// Queue a fault for the token endpoint (repeatable): 500, 503, 429, 429:retry-after=2,
    /// slow:MS, slow-body:MS, malformed, html, empty, drop, reset, redirect, oversized,
    /// missing-token, negative-expiry.
    #[arg(long)]
    fault: Vec<String>,
    /// Send one signed test webhook (conversation, sms, numbers, voice, verification,
    /// mailgun) to --to and exit, instead of serving.
    #[arg(long, requires = "to")]
    send_webhook: Option<String>,
    /// With --send-webhook: a self-test of the receiver. Sends a genuine delivery, a replay,
    /// a tampered body, a wrong secret, stale and future timestamps and an unsigned one, and
    /// says which the receiver accepted or refused wrongly (exit 1 if any).
    #[arg(long, requires = "send_webhook")]
    sequence: bool,
    /// With --sequence: also a delivery signed with the previous secret
    /// (SINCH_WEBHOOK_PREVIOUS_SECRET, SINCH_APP_PREVIOUS_SECRET,
    /// MAILGUN_WEBHOOK_PREVIOUS_SIGNING_KEY), which a receiver mid-rotation must accept.
    #[arg(long, requires = "sequence")]
    rotation: bool,
    /// Where to send the test webhook.
    #[arg(long)]
    to: Option<String>,
    /// Stop when standard input closes (for test fixtures that spawn the server).
    #[arg(long)]
    exit_on_stdin_close: bool,
    /// Print one JSON line instead of the export lines: {"url", "token_url", "env": {NAME:
    /// value}} (what the Python and Node testing helpers read).
    #[arg(long)]
    json: bool,
}

/// `--send-webhook KIND --to URL --sequence`: every delivery, its answer, and the verdict.
fn self_test(kind: WebhookKind, to: &str, rotation: bool) -> CmdResult {
    let steps = send_sequence(kind, to, &TestKeys::default(), rotation)?;
    println!("self-test of {to} ({kind:?}, signed with the local server's test secrets):");
    let mut wrong = 0;
    for s in &steps {
        let accepted = (200..300).contains(&s.status);
        let answer = if accepted { "accepted" } else { "refused" };
        let (mark, note) = match (s.ok(), s.expect) {
            (false, _) => {
                wrong += 1;
                ("✗", format!("{answer} wrongly: {}", s.advice))
            }
            (true, Expect::Report) if accepted => ("!", format!("{answer}: {}", s.advice)),
            (true, _) => ("✓", answer.to_owned()),
        };
        println!("  {mark} {:<28} {}  {note}", s.name, s.status);
    }
    if wrong == 0 {
        println!("every delivery was answered as it should be");
        Ok(())
    } else {
        Err(Failure::failed(format!(
            "{wrong} of {} deliveries answered wrongly",
            steps.len()
        )))
    }
}

pub fn run(a: Args) -> CmdResult {
    if let (Some(kind), Some(to)) = (&a.send_webhook, &a.to) {
        let kind: WebhookKind = kind.parse()?;
        if a.sequence {
            return self_test(kind, to, a.rotation);
        }
        let status = send_webhook(kind, to, &TestKeys::default())?;
        println!("sent a signed {kind:?} webhook to {to}: the receiver answered {status}");
        println!("(signed with the local server's test secrets: SINCH_WEBHOOK_SECRET / SINCH_APP_KEY / SINCH_APP_SECRET from `sinch-auth serve`)");
        return if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(Failure::failed(format!("the receiver answered {status}")))
        };
    }
    if !(a.token_lifetime > 0.0 && a.token_lifetime.is_finite()) {
        return Err(Failure::usage(
            "--token-lifetime must be a positive number of seconds",
        ));
    }
    let faults = a
        .fault
        .iter()
        .map(|f| Fault::parse(f).ok_or_else(|| Failure::usage(format!("unknown fault {f:?}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let server = LocalServer::start(ServerConfig {
        port: a.port,
        token_lifetime: Duration::from_secs_f64(a.token_lifetime),
        rate_limit: a.rate_limit,
        ..ServerConfig::default()
    })
    .map_err(|e| Failure::failed(format!("cannot start the server on port {}: {e}", a.port)))?;
    for f in faults {
        server.push_fault(f);
    }
    if a.json {
        let env: serde_json::Map<String, serde_json::Value> = server
            .env_vars()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into()))
            .collect();
        let line =
            serde_json::json!({"url": server.url(), "token_url": server.token_url(), "env": env});
        println!("{line}");
    } else {
        print!("{}", server.export_lines());
    }
    let _ = std::io::stdout().flush();
    eprintln!(
        "sinch-auth local server on {} (throwaway test credentials above; Ctrl-C to stop)",
        server.url()
    );
    if a.exit_on_stdin_close {
        let mut sink = [0u8; 256];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        return Ok(());
    }
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
