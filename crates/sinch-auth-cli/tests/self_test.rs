//! `sinch-auth serve --send-webhook KIND --to URL --sequence`: a receiver built on the core's
//! `WebhookReceiver` passes for every product; one that accepts anything, or that was not
//! given the previous secret during a rotation, is caught, delivery by delivery. The
//! receivers are real HTTP servers on loopback.

use assert_cmd::Command;
use sinch_auth::webhook::{Delivery, Headers, WebhookProduct, WebhookReceiver};
use sinch_auth::ApplicationCredentials;
use sinch_auth_server::TestKeys;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

/// One request: method, path, headers and body (Content-Length framing).
fn read(stream: &mut impl Read) -> Option<(String, String, Headers, Vec<u8>)> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut headers = Headers::new();
    let mut length = 0;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        if n.eq_ignore_ascii_case("content-length") {
            length = v.trim().parse().ok()?;
        }
        headers.insert(n, v.trim());
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((method, path, headers, body))
}

/// Serves `answer(method, path, headers, body) -> status` on loopback; returns the port.
fn receiver(answer: impl Fn(&str, &str, &Headers, &[u8]) -> u16 + Send + Sync + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let answer = answer.clone();
            std::thread::spawn(move || {
                if let Some((m, p, h, b)) = read(&mut stream) {
                    let status = answer(&m, &p, &h, &b);
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                }
            });
        }
    });
    port
}

fn core_receiver(product: WebhookProduct, with_previous: bool) -> WebhookReceiver {
    let k = TestKeys::default();
    let mut b = WebhookReceiver::builder(product);
    let secrets = match product {
        WebhookProduct::Mailgun => [k.mailgun_signing_key, k.previous_mailgun_signing_key],
        WebhookProduct::Voice | WebhookProduct::Verification => {
            [k.app_secret, k.previous_app_secret]
        }
        _ => [k.webhook_secret, k.previous_webhook_secret],
    };
    let n = if with_previous { 2 } else { 1 };
    for s in secrets.into_iter().take(n) {
        b = match product {
            WebhookProduct::Voice | WebhookProduct::Verification => {
                b.application(ApplicationCredentials::new(k.app_key.clone(), s).unwrap())
            }
            _ => b.secret(s),
        };
    }
    b.build().unwrap()
}

fn serve_core(product: WebhookProduct, with_previous: bool) -> u16 {
    let r = core_receiver(product, with_previous);
    receiver(move |method, path, headers, body| {
        let d = Delivery {
            method,
            path,
            headers,
            body,
        };
        match r.verify(&d, None) {
            Ok(_) => 204,
            Err(_) => 401,
        }
    })
}

fn self_test(kind: &str, port: u16, rotation: bool) -> (i32, String) {
    let mut c = Command::cargo_bin("sinch-auth").unwrap();
    c.args(["serve", "--send-webhook", kind, "--sequence"])
        .args(["--to", &format!("http://127.0.0.1:{port}/hooks/{kind}")]);
    if rotation {
        c.arg("--rotation");
    }
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[test]
fn a_correct_receiver_passes_for_every_product() {
    for product in WebhookProduct::ALL {
        let port = serve_core(product, true);
        let (code, out) = self_test(product.as_str(), port, true);
        assert_eq!(code, 0, "{product}: {out}");
        assert!(!out.contains('✗'), "{out}");
        for step in [
            "genuine",
            "replayed",
            "tampered body",
            "wrong secret",
            "no signature",
        ] {
            assert!(out.contains(step), "{product}: {step} missing in {out}");
        }
        let timed = product != WebhookProduct::Numbers;
        assert_eq!(out.contains("stale (10 min old)"), timed, "{out}");
        assert!(out.contains("previous secret (rotation)"), "{out}");
        // Mailgun's guard is on by default: the replay is refused, and must be.
        if product == WebhookProduct::Mailgun {
            assert!(out.contains("✓ replayed"), "{out}");
        } else {
            assert!(out.contains("! replayed"), "{out}");
        }
    }
}

#[test]
fn a_receiver_that_accepts_anything_is_caught_delivery_by_delivery() {
    let port = receiver(|_, _, _, _| 200);
    let (code, out) = self_test("conversation", port, false);
    assert_eq!(code, 1, "{out}");
    for step in [
        "tampered body",
        "wrong secret",
        "stale (10 min old)",
        "future (10 min ahead)",
        "no signature",
    ] {
        let line = out.lines().find(|l| l.contains(step)).unwrap();
        assert!(
            line.contains("✗") && line.contains("accepted wrongly"),
            "{line}"
        );
    }
    assert!(out.contains("5 of 7 deliveries answered wrongly"), "{out}");
}

#[test]
fn a_receiver_not_told_the_previous_secret_fails_the_rotation_step_only() {
    for product in [WebhookProduct::Voice, WebhookProduct::Mailgun] {
        let port = serve_core(product, false);
        let (code, out) = self_test(product.as_str(), port, true);
        assert_eq!(code, 1, "{out}");
        let wrong: Vec<_> = out.lines().filter(|l| l.contains('✗')).collect();
        assert_eq!(wrong.len(), 1, "{out}");
        assert!(
            wrong[0].contains("previous secret (rotation)") && wrong[0].contains("refused wrongly")
        );
        assert!(
            wrong[0].contains("give the receiver both secrets"),
            "{}",
            wrong[0]
        );
    }
}
