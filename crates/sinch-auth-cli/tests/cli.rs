//! Every subcommand, and every doctor failure class, against the local server.

use assert_cmd::Command;
use sinch_auth_server::{Fault, LocalServer, ServerConfig, TestKeys};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;

fn cmd() -> Command {
    let mut c = Command::cargo_bin("sinch-auth").unwrap();
    c.env_clear();
    c
}

fn out(c: &mut Command) -> (i32, String, String) {
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Env for every credential set, pointing at `server`.
fn server_env(c: &mut Command, server: &LocalServer) {
    for line in server.export_lines().lines() {
        let (k, v) = line.trim_start_matches("export ").split_once('=').unwrap();
        c.env(k, v);
    }
}

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

fn case(file: &str, id: &str) -> serde_json::Value {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(vectors().join(file)).unwrap()).unwrap();
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
        .clone()
}

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sinch-auth-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn headers_file(name: &str, c: &serde_json::Value) -> PathBuf {
    let text: String = c["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}: {}\n", p[0].as_str().unwrap(), p[1].as_str().unwrap()))
        .collect();
    temp(name, text.as_bytes())
}

#[test]
fn which_explains_a_product() {
    let (code, o, _) = out(cmd().args(["which", "voice"]));
    assert_eq!(code, 0);
    for want in [
        "application",
        "SINCH_APP_KEY",
        "Voice > Apps",
        "calling-euc1",
        "never project Access Keys",
    ] {
        assert!(o.contains(want), "{want}: {o}");
    }
    let (code, o, _) = out(cmd().args(["which", "conversation", "--json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&o).unwrap();
    assert_eq!(v["auth_model"], "project");
    assert_eq!(v["models"][0]["base_urls"].as_array().unwrap().len(), 3);
    assert!(v["gotchas"][0].as_str().unwrap().contains("region"));
    let (code, o, _) = out(cmd().args(["which", "sms", "--json"]));
    assert_eq!(code, 0);
    assert!(o.contains("service-plan") && o.contains("SINCH_SMS_API_TOKEN"));
    let (code, _, e) = out(cmd().args(["which", "pager"]));
    assert_eq!(code, 2);
    assert!(e.contains("valid products") && e.contains("mailgun"), "{e}");
}

#[test]
fn token_prints_a_token_or_the_header() {
    let server = LocalServer::start_default().unwrap();
    let mut c = cmd();
    server_env(&mut c, &server);
    let (code, o, _) = out(c.arg("token"));
    assert_eq!(code, 0);
    assert_eq!(o.trim().split('.').count(), 3, "{o}");
    let mut c = cmd();
    server_env(&mut c, &server);
    let (code, o, _) = out(c.args(["token", "--header"]));
    assert_eq!(code, 0);
    assert!(o.starts_with("Authorization: Bearer ey"), "{o}");
    let (code, _, e) = out(cmd().arg("token"));
    assert_eq!(code, 2);
    assert!(
        e.contains("SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET"),
        "{e}"
    );
}

#[test]
fn sign_reproduces_the_sdk_vector() {
    let a1 = case("application_signing.json", "A1");
    let body = temp("a1.json", a1["body"].as_str().unwrap().as_bytes());
    let run = |body_arg: &str, stdin: Option<&str>| {
        let mut c = cmd();
        c.env("SINCH_APP_KEY", a1["app_key"].as_str().unwrap())
            .env("SINCH_APP_SECRET", a1["app_secret"].as_str().unwrap())
            .args([
                "sign",
                "--method",
                "post",
                "--path",
                a1["path"].as_str().unwrap(),
            ])
            .args(["--content-type", a1["content_type"].as_str().unwrap()])
            .args([
                "--timestamp",
                a1["timestamp"].as_str().unwrap(),
                "--body",
                body_arg,
            ]);
        if let Some(s) = stdin {
            c.write_stdin(s);
        }
        out(&mut c)
    };
    let want = format!(
        "Authorization: {}\nx-timestamp: {}\n",
        a1["expected"]["authorization"].as_str().unwrap(),
        a1["timestamp"].as_str().unwrap()
    );
    let (code, o, _) = run(&format!("@{}", body.display()), None);
    assert_eq!((code, o.as_str()), (0, want.as_str()));
    let (code, o, _) = run("-", a1["body"].as_str());
    assert_eq!((code, o.as_str()), (0, want.as_str()));
    let (code, _, e) = out(cmd()
        .env("SINCH_APP_KEY", "k")
        .env("SINCH_APP_SECRET", "not base64!")
        .args(["sign", "--method", "GET", "--path", "/x"]));
    assert_eq!(code, 2);
    assert!(
        e.contains("not valid Base64") && !e.contains("not base64!"),
        "{e}"
    );
}

#[test]
fn verify_says_why_a_saved_callback_fails() {
    // Conversation (C1), valid then tampered.
    let c1 = case("conversation_webhooks.json", "C1");
    let h = headers_file("c1.headers", &c1);
    let b = temp("c1.body", c1["body"].as_str().unwrap().as_bytes());
    let now = c1["now"].to_string();
    let run = |body: &PathBuf| {
        out(cmd()
            .env("SINCH_WEBHOOK_SECRET", c1["secret"].as_str().unwrap())
            .args([
                "verify",
                "conversation",
                "--headers",
                h.to_str().unwrap(),
                "--body",
                body.to_str().unwrap(),
                "--now",
                &now,
            ]))
    };
    let (code, o, _) = run(&b);
    assert_eq!((code, o.trim()), (0, "✓ valid"));
    let tampered = temp(
        "c1.tampered",
        c1["body"]
            .as_str()
            .unwrap()
            .replace("New Test", "New Best")
            .as_bytes(),
    );
    let (code, o, _) = run(&tampered);
    assert_eq!(code, 1);
    assert!(o.contains("bad_signature") && o.contains("raw body"), "{o}");
    // Stale without --now.
    let (code, o, _) = out(cmd()
        .env("SINCH_WEBHOOK_SECRET", c1["secret"].as_str().unwrap())
        .args([
            "verify",
            "sms",
            "--headers",
            h.to_str().unwrap(),
            "--body",
            b.to_str().unwrap(),
        ]));
    assert_eq!(code, 1);
    assert!(o.contains("stale_timestamp"), "{o}");
    // Numbers (D1) with the secret as a flag: works, with a warning.
    let d1 = case("numbers_callbacks.json", "D1");
    let (code, o, e) = out(cmd().args([
        "verify",
        "numbers",
        "--secret",
        d1["secret"].as_str().unwrap(),
        "--headers",
        headers_file("d1.headers", &d1).to_str().unwrap(),
        "--body",
        temp("d1.body", d1["body"].as_str().unwrap().as_bytes())
            .to_str()
            .unwrap(),
    ]));
    assert_eq!((code, o.trim()), (0, "✓ valid"));
    assert!(e.contains("shell history"), "{e}");
    // Application (B5).
    let b5 = case("application_callbacks.json", "B5");
    let (code, o, _) = out(cmd()
        .env("SINCH_APP_KEY", b5["app_key"].as_str().unwrap())
        .env("SINCH_APP_SECRET", b5["app_secret"].as_str().unwrap())
        .args([
            "verify",
            "application",
            "--path",
            "/sinch/callback/ace",
            "--now",
            &b5["now"].to_string(),
        ])
        .args([
            "--headers",
            headers_file("b5.headers", &b5).to_str().unwrap(),
        ])
        .args([
            "--body",
            temp("b5.body", b5["body"].as_str().unwrap().as_bytes())
                .to_str()
                .unwrap(),
        ]));
    assert_eq!((code, o.trim()), (0, "✓ valid"), "{o}");
    let (code, o, _) = out(cmd()
        .env("SINCH_APP_KEY", b5["app_key"].as_str().unwrap())
        .env("SINCH_APP_SECRET", b5["app_secret"].as_str().unwrap())
        .args([
            "verify",
            "application",
            "--path",
            "/other",
            "--no-freshness",
        ])
        .args([
            "--headers",
            headers_file("b5.headers", &b5).to_str().unwrap(),
        ])
        .args([
            "--body",
            temp("b5.body", b5["body"].as_str().unwrap().as_bytes())
                .to_str()
                .unwrap(),
        ]));
    assert_eq!(code, 1);
    assert!(o.contains("bad_signature"), "{o}");
    // Mailgun.
    let mg = case("mailgun_webhooks.json", "G-mailgun");
    let body = serde_json::json!({"signature": {"timestamp": mg["timestamp"], "token": mg["token"], "signature": mg["signature"]}, "event-data": {}});
    let (code, o, _) = out(cmd()
        .env(
            "MAILGUN_WEBHOOK_SIGNING_KEY",
            mg["signing_key"].as_str().unwrap(),
        )
        .args([
            "verify",
            "mailgun",
            "--now",
            &mg["now"].to_string(),
            "--body",
            "-",
        ])
        .write_stdin(body.to_string()));
    assert_eq!((code, o.trim()), (0, "✓ valid"), "{o}");
    // No secret configured: a usage error naming the variable.
    let (code, _, e) = out(cmd().args(["verify", "numbers", "--body", b.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(e.contains("SINCH_WEBHOOK_SECRET"), "{e}");
}

#[test]
fn serve_prints_export_lines_serves_and_stops_with_stdin() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sinch-auth"))
        .args(["serve", "--exit-on-stdin-close", "--token-lifetime", "60"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut env = std::collections::HashMap::new();
    for _ in 0..12 {
        let l = lines.next().unwrap().unwrap();
        let (k, v) = l.trim_start_matches("export ").split_once('=').unwrap();
        env.insert(k.to_owned(), v.to_owned());
    }
    let mut c = cmd();
    for (k, v) in &env {
        c.env(k, v);
    }
    let (code, o, _) = out(c.args(["token", "--header"]));
    assert_eq!(code, 0, "{o}");
    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert!(status.success());
}

/// Accepts one HTTP request on `listener`, answers 200, returns its headers and raw body.
fn receive_one(listener: std::net::TcpListener) -> (sinch_auth::Headers, Vec<u8>) {
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        let n = s.read(&mut chunk).unwrap();
        assert!(n > 0, "the sender closed before the headers ended");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let headers = sinch_auth::Headers::from_pairs(
        head.lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.to_owned(), v.trim().to_owned())),
    );
    let len: usize = std::str::from_utf8(headers.one("content-length").unwrap())
        .unwrap()
        .parse()
        .unwrap();
    while buf.len() < end + 4 + len {
        let n = s.read(&mut chunk).unwrap();
        assert!(n > 0, "the sender closed before the body ended");
        buf.extend_from_slice(&chunk[..n]);
    }
    s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .unwrap();
    (headers, buf[end + 4..end + 4 + len].to_vec())
}

#[test]
fn serve_sends_signed_webhooks_of_every_kind_that_the_library_accepts() {
    let keys = TestKeys::default();
    let app =
        sinch_auth::ApplicationCredentials::new(keys.app_key.as_str(), keys.app_secret.as_str())
            .unwrap();
    let opts = sinch_auth::webhook::VerifyOptions::default();
    for kind in ["voice", "verification", "conversation", "sms", "numbers"] {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let path = format!("/hooks/{kind}");
        let url = format!("http://{}{path}", listener.local_addr().unwrap());
        let receiver = std::thread::spawn(move || receive_one(listener));
        let (code, o, e) = out(cmd().args(["serve", "--send-webhook", kind, "--to", &url]));
        assert_eq!(code, 0, "{kind}: {o}{e}");
        let (headers, body) = receiver.join().unwrap();
        let verify = |body: &[u8]| match kind {
            "voice" | "verification" => {
                sinch_auth::verify_application_callback(&app, "POST", &path, &headers, body, &opts)
            }
            "conversation" | "sms" => {
                sinch_auth::verify_conversation_webhook(&keys.webhook_secret, &headers, body, &opts)
            }
            _ => sinch_auth::verify_numbers_callback(&keys.webhook_secret, &headers, body),
        };
        verify(&body).unwrap_or_else(|e| panic!("{kind}: {e}"));
        // And a byte changed in transit is caught.
        let mut tampered = body.clone();
        tampered[0] ^= 1;
        let rejected = verify(&tampered);
        assert!(rejected.is_err(), "{kind}: a tampered body passed");
    }
}

#[test]
fn doctor_happy_paths_for_every_model() {
    let server = LocalServer::start_default().unwrap();
    for product in ["numbers", "voice", "sms", "mailgun", "conversation"] {
        let mut c = cmd();
        server_env(&mut c, &server);
        if product == "conversation" {
            c.args(["doctor", "--product", product, "--region", "eu"]);
        } else {
            c.args(["doctor", "--product", product]);
        }
        let (code, o, e) = out(&mut c);
        assert_eq!(code, 0, "{product}: {o}{e}");
        assert!(!o.contains('✗'), "{o}");
        assert!(
            !o.contains(&server.keys().key_secret) && !o.contains(&server.keys().app_secret),
            "{o}"
        );
    }
    let mut c = cmd();
    server_env(&mut c, &server);
    let (code, o, _) = out(c.arg("doctor"));
    assert_eq!(code, 0, "{o}");
    assert_eq!(o.matches("— ").count(), 4, "all four sets checked: {o}");
}

fn doctor(server: Option<&LocalServer>, vars: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let mut c = cmd();
    if let Some(s) = server {
        server_env(&mut c, s);
    }
    for (k, v) in vars {
        c.env(k, v);
    }
    let (code, o, e) = out(c.arg("doctor").args(args));
    (code, format!("{o}{e}"))
}

#[test]
fn doctor_failure_classes() {
    let server = LocalServer::start_default().unwrap();
    let check = |server: Option<&LocalServer>, vars: &[(&str, &str)], args: &[&str], want: &str| {
        let (code, o) = doctor(server, vars, args);
        assert_eq!(code, 1, "{want}: {o}");
        assert!(
            o.contains('✗') && o.contains(want),
            "wanted {want:?} in:\n{o}"
        );
        o
    };
    // Nothing configured.
    check(None, &[], &[], "no Sinch credentials");
    // A variable missing.
    check(
        None,
        &[("SINCH_PROJECT_ID", "p"), ("SINCH_KEY_ID", "k")],
        &["--product", "numbers", "--offline"],
        "SINCH_KEY_SECRET is not set",
    );
    // Mixed-up sets, both ways, and one pasted into the other.
    check(
        None,
        &[
            ("SINCH_PROJECT_ID", "p"),
            ("SINCH_KEY_ID", "k"),
            ("SINCH_KEY_SECRET", "s"),
        ],
        &["--product", "voice", "--offline"],
        "uses application credentials",
    );
    check(
        None,
        &[("SINCH_APP_KEY", "a"), ("SINCH_APP_SECRET", "YQ==")],
        &["--product", "fax", "--offline"],
        "uses project Access Keys",
    );
    check(
        None,
        &[
            ("SINCH_APP_KEY", "same"),
            ("SINCH_KEY_ID", "same"),
            ("SINCH_APP_SECRET", "YQ=="),
        ],
        &["--product", "voice", "--offline"],
        "pasted into the other",
    );
    // Malformed values.
    check(
        None,
        &[("SINCH_APP_KEY", "a"), ("SINCH_APP_SECRET", "not*base64")],
        &["--product", "voice", "--offline"],
        "not Base64",
    );
    check(
        None,
        &[
            ("SINCH_PROJECT_ID", "\"p\""),
            ("SINCH_KEY_ID", "k"),
            ("SINCH_KEY_SECRET", "s"),
        ],
        &["--product", "numbers", "--offline"],
        "wrapped in quotes",
    );
    check(
        None,
        &[
            ("SINCH_PROJECT_ID", "p "),
            ("SINCH_KEY_ID", "k"),
            ("SINCH_KEY_SECRET", "s"),
        ],
        &["--product", "numbers", "--offline"],
        "white space",
    );
    check(
        None,
        &[],
        &["--product", "conversation", "--region", "ap", "--offline"],
        "valid regions: us, eu, br",
    );
    // Wrong key secret: the token endpoint's 401, explained.
    let o = check(
        Some(&server),
        &[("SINCH_KEY_SECRET", "wrong-marker-secret")],
        &["--product", "numbers"],
        "rejected the access key",
    );
    assert!(!o.contains("wrong-marker-secret"), "{o}");
    // Token endpoint unreachable.
    check(
        Some(&server),
        &[("SINCH_AUTH_URL", "http://127.0.0.1:9/oauth2/token")],
        &["--product", "numbers"],
        "failed",
    );
    // Rate limited.
    server.push_faults(
        Fault::TooManyRequests {
            retry_after: Some("0".into()),
        },
        2,
    );
    check(
        Some(&server),
        &[],
        &["--product", "numbers"],
        "rate limiting",
    );
    server.clear_faults();
    // Right key, wrong project: 403 with the fix.
    check(
        Some(&server),
        &[("SINCH_PROJECT_ID", "someone-elses-project")],
        &["--product", "numbers"],
        "scope",
    );
    // Wrong application secret: Invalid Signature.
    check(
        Some(&server),
        &[("SINCH_APP_SECRET", "d3Jvbmctc2VjcmV0LXh4eA==")],
        &["--product", "voice"],
        "Invalid Signature",
    );
    // Wrong SMS API token, wrong Mailgun key.
    check(
        Some(&server),
        &[("SINCH_SMS_API_TOKEN", "wrong")],
        &["--product", "sms"],
        "401",
    );
    check(
        Some(&server),
        &[("MAILGUN_API_KEY", "key-wrong-wrong-wrong")],
        &["--product", "mailgun"],
        "api",
    );
    // --offline makes no request.
    server.reset_counters();
    let (code, _) = doctor(Some(&server), &[], &["--product", "numbers", "--offline"]);
    assert_eq!(code, 0);
    assert_eq!(server.counters().token_requests, 0);
}

#[test]
fn demo_runs_and_reports() {
    let (code, o, e) = out(cmd().args([
        "demo",
        "--calls",
        "40",
        "--threads",
        "4",
        "--token-lifetime",
        "1",
    ]));
    assert_eq!(code, 0, "{o}{e}");
    for want in [
        "token requests: 1",
        "signature accepted",
        "✓ accepted",
        "bad_signature",
        "everything behaved",
    ] {
        assert!(o.contains(want), "{want}: {o}");
    }
    let keys = TestKeys::default();
    assert!(
        !o.contains(&keys.key_secret)
            && !o.contains(&keys.app_secret)
            && !o.contains(&keys.webhook_secret)
    );
    let _ = ServerConfig::default();
}

#[test]
fn doctor_names_the_base_url_it_called_and_reports_as_json() {
    let server = LocalServer::start_default().unwrap();
    let mut c = cmd();
    server_env(&mut c, &server);
    let (code, o, e) = out(c.args(["doctor", "--product", "numbers"]));
    assert_eq!(code, 0, "{o}{e}");
    let url = server.url();
    assert!(
        o.contains(&format!("base URL {url} (from SINCH_API_BASE_URL")),
        "{o}"
    );
    assert!(o.contains(&format!("at {url}: 200 OK")), "{o}");
    assert!(!o.contains("at https://numbers.api.sinch.com"), "{o}");

    let mut c = cmd();
    server_env(&mut c, &server);
    let (code, o, _) = out(c.args(["doctor", "--json"]));
    assert_eq!(code, 0, "{o}");
    let v: serde_json::Value = serde_json::from_str(&o).unwrap();
    assert_eq!(v["ok"], true);
    let sections = v["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 4, "{o}");
    assert!(sections.iter().all(|s| s["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["status"] != "fail")));
    assert!(!o.contains(&server.keys().key_secret), "{o}");

    // A failing check: exit code 1 and "ok": false, still one JSON document.
    let mut c = cmd();
    server_env(&mut c, &server);
    c.env("SINCH_KEY_SECRET", "wrong");
    let (code, o, _) = out(c.args(["doctor", "--product", "numbers", "--json"]));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&o).unwrap();
    assert_eq!(v["ok"], false);
}

#[test]
fn json_output_of_token_sign_and_verify() {
    let server = LocalServer::start_default().unwrap();
    let mut c = cmd();
    server_env(&mut c, &server);
    let (code, o, _) = out(c.args(["token", "--json"]));
    assert_eq!(code, 0);
    let t: serde_json::Value = serde_json::from_str(&o).unwrap();
    assert_eq!(
        t["authorization"].as_str().unwrap(),
        format!("Bearer {}", t["access_token"].as_str().unwrap())
    );
    assert_eq!(t["token_url"], server.token_url());
    assert!(t["expires_in"].as_u64().unwrap() > 0);

    let v = case("application_signing.json", "A1");
    let mut c = cmd();
    c.env("SINCH_APP_KEY", v["app_key"].as_str().unwrap());
    c.env("SINCH_APP_SECRET", v["app_secret"].as_str().unwrap());
    let body = temp("sign-json.body", v["body"].as_str().unwrap().as_bytes());
    let (code, o, e) = out(c.args([
        "sign",
        "--json",
        "--method",
        v["method"].as_str().unwrap(),
        "--path",
        v["path"].as_str().unwrap(),
        "--content-type",
        v["content_type"].as_str().unwrap(),
        "--timestamp",
        v["timestamp"].as_str().unwrap(),
        "--body",
        &format!("@{}", body.display()),
    ]));
    assert_eq!(code, 0, "{e}");
    let s: serde_json::Value = serde_json::from_str(&o).unwrap();
    assert_eq!(
        s["headers"]["Authorization"],
        v["expected"]["authorization"]
    );
    assert_eq!(s["string_to_sign"], v["expected"]["string_to_sign"]);

    let headers = temp("verify-json.headers", b"x-sinch-webhook-signature: AAAA\n");
    let body = temp("verify-json.body", b"{}");
    let (code, o, _) = out(cmd().env("SINCH_WEBHOOK_SECRET", "s").args([
        "verify",
        "conversation",
        "--json",
        "--headers",
        headers.to_str().unwrap(),
        "--body",
        body.to_str().unwrap(),
    ]));
    assert_eq!(code, 1);
    let r: serde_json::Value = serde_json::from_str(&o).unwrap();
    assert_eq!(r["valid"], false);
    assert_eq!(r["reason"], "missing_header");
}

#[test]
fn help_lists_exit_codes_and_completions_are_generated() {
    let (code, o, _) = out(cmd().arg("--help"));
    assert_eq!(code, 0);
    assert!(
        o.contains("Exit codes:") && o.contains("70  internal error"),
        "{o}"
    );
    for (shell, want) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef sinch-auth"),
        ("fish", "complete -c sinch-auth"),
    ] {
        let (code, o, _) = out(cmd().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}");
        assert!(o.contains(want) && o.contains("doctor"), "{shell}: {o}");
    }
    let (code, _, e) = out(cmd().args(["completions", "tcsh"]));
    assert_eq!(code, 2, "{e}");
}

#[test]
fn serve_json_prints_one_line_with_the_environment() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sinch-auth"))
        .args(["serve", "--json", "--exit-on-stdin-close"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    let url = v["url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    assert_eq!(v["env"]["SINCH_API_BASE_URL"], url);
    assert_eq!(v["env"]["SINCH_AUTH_URL"], v["token_url"]);
    assert_eq!(v["env"].as_object().unwrap().len(), 17);
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
}
