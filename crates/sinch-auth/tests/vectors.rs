//! Every case in tests/vectors/, through the public API.

use serde_json::Value;
use sinch_auth::webhook::{verify_mailgun_webhook, Headers, VerifyOptions};
use sinch_auth::*;
use std::borrow::Cow;
use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

fn cases(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(dir().join(file)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let cases = v["cases"].as_array().unwrap().clone();
    assert!(!cases.is_empty(), "{file} has no cases");
    cases
}

fn s<'a>(c: &'a Value, k: &str) -> &'a str {
    c[k].as_str()
        .unwrap_or_else(|| panic!("{}: {k} is not a string", c["id"]))
}

fn body(c: &Value) -> Vec<u8> {
    match c.get("body_file").and_then(Value::as_str) {
        Some(f) => std::fs::read(dir().join(f)).unwrap(),
        None => s(c, "body").as_bytes().to_vec(),
    }
}

fn headers(c: &Value) -> Headers {
    Headers::from_pairs(c["headers"].as_array().unwrap().iter().map(|p| {
        (
            p[0].as_str().unwrap().to_owned(),
            p[1].as_str().unwrap().to_owned(),
        )
    }))
}

fn options(c: &Value) -> VerifyOptions {
    let now = c["now"]
        .as_f64()
        .map(|n| UNIX_EPOCH + Duration::from_secs_f64(n));
    let tolerance = match &c["tolerance"] {
        Value::Null => None,
        Value::String(d) if d == "default" => Some(webhook::DEFAULT_TOLERANCE),
        v => Some(Duration::from_secs_f64(v.as_f64().unwrap())),
    };
    VerifyOptions { now, tolerance }
}

fn check(c: &Value, result: Result<()>) {
    let id = &c["id"];
    let e = &c["expect"];
    if e["valid"].as_bool().unwrap() {
        result.unwrap_or_else(|err| panic!("{id}: expected valid, got {err} ({:?})", err.reason()));
        return;
    }
    let err = result.expect_err(&format!("{id}: expected a rejection"));
    assert_eq!(err.kind().as_str(), s(e, "kind"), "{id}: {err}");
    if let Some(r) = e.get("reason").and_then(Value::as_str) {
        assert_eq!(err.reason().map(|r| r.as_str()), Some(r), "{id}: {err}");
    }
}

#[test]
fn application_signing() {
    for c in cases("application_signing.json") {
        let app = ApplicationCredentials::new(s(&c, "app_key"), s(&c, "app_secret")).unwrap();
        let b = body(&c);
        let req = SignRequest::new(s(&c, "method"), s(&c, "path"))
            .body(&b)
            .content_type(s(&c, "content_type"))
            .timestamp(s(&c, "timestamp"));
        let got = sign_request(&app, &req).unwrap();
        let e = &c["expected"];
        let id = &c["id"];
        assert_eq!(got.content_md5, s(e, "content_md5"), "{id}");
        assert_eq!(got.string_to_sign, s(e, "string_to_sign"), "{id}");
        assert_eq!(got.authorization, s(e, "authorization"), "{id}");
        assert!(
            got.authorization
                .ends_with(&format!(":{}", s(e, "signature"))),
            "{id}"
        );
        assert_eq!(got.timestamp, s(e, "x_timestamp"), "{id}");

        // The allocation-free entry points (what the bindings call) give the same header,
        // appended after whatever the buffer holds, and the timestamp borrowed from the request.
        let mut out = String::from("kept ");
        let sent = sign_authorization_into(&app, &req, &mut out).unwrap();
        assert_eq!(out, format!("kept {}", s(e, "authorization")), "{id}");
        assert!(
            matches!(sent, Cow::Borrowed(t) if t == s(e, "x_timestamp")),
            "{id}"
        );
        let (authorization, sent) =
            with_authorization(&app, &req, |a, t| (a.to_owned(), t.to_owned())).unwrap();
        assert_eq!(authorization, s(e, "authorization"), "{id}");
        assert_eq!(sent, s(e, "x_timestamp"), "{id}");
    }
}

#[test]
fn signing_primitives() {
    for c in cases("signing_primitives.json") {
        let e = &c["expected"];
        match s(&c, "kind") {
            "hmac_sha256_base64" => {
                let key = decode_base64_secret(s(&c, "app_secret")).unwrap();
                assert_eq!(
                    signing::application_signature(&key, s(&c, "string_to_sign")),
                    s(e, "signature")
                );
            }
            "content_md5" => {
                assert_eq!(signing::content_md5(&body(&c)), s(e, "content_md5"));
            }
            "secret_decode" => match e.get("hex").and_then(Value::as_str) {
                Some(hex) => {
                    let key = decode_base64_secret(s(&c, "app_secret")).unwrap();
                    let got: String = key.iter().map(|b| format!("{b:02x}")).collect();
                    assert_eq!(got, hex, "{}", c["id"]);
                    ApplicationCredentials::new("k", s(&c, "app_secret")).unwrap();
                }
                None => {
                    let err = ApplicationCredentials::new("k", s(&c, "app_secret")).unwrap_err();
                    assert_eq!(err.kind().as_str(), s(e, "error"));
                }
            },
            k => panic!("unknown kind {k}"),
        }
    }
}

#[test]
fn application_callbacks() {
    for c in cases("application_callbacks.json") {
        let app = ApplicationCredentials::new(s(&c, "app_key"), s(&c, "app_secret")).unwrap();
        let r = verify_application_callback(
            &app,
            s(&c, "method"),
            s(&c, "path"),
            &headers(&c),
            &body(&c),
            &options(&c),
        );
        check(&c, r);
    }
}

#[test]
fn conversation_webhooks() {
    for c in cases("conversation_webhooks.json") {
        let r = verify_conversation_webhook(s(&c, "secret"), &headers(&c), &body(&c), &options(&c));
        check(&c, r);
    }
}

#[test]
fn numbers_callbacks() {
    for c in cases("numbers_callbacks.json") {
        check(
            &c,
            verify_numbers_callback(s(&c, "secret"), &headers(&c), &body(&c)),
        );
    }
}

fn mailgun_timestamp(c: &Value) -> String {
    match &c["timestamp"] {
        Value::String(t) => t.clone(),
        v => v.to_string(),
    }
}

#[test]
fn mailgun_webhooks() {
    for c in cases("mailgun_webhooks.json") {
        let r = verify_mailgun_webhook(
            s(&c, "signing_key"),
            &mailgun_timestamp(&c),
            s(&c, "token"),
            s(&c, "signature"),
            &options(&c),
            None,
        );
        check(&c, r);
    }
}

#[test]
fn mailgun_replay_guard_rejects_a_second_delivery() {
    let c = &cases("mailgun_webhooks.json")[0];
    let guard = webhook::MemoryReplayGuard::default();
    let run = || {
        verify_mailgun_webhook(
            s(c, "signing_key"),
            &mailgun_timestamp(c),
            s(c, "token"),
            s(c, "signature"),
            &options(c),
            Some(&guard),
        )
    };
    run().unwrap();
    assert_eq!(run().unwrap_err().reason(), Some(SignatureReason::Replayed));
}

#[test]
fn basic_auth() {
    for c in cases("basic_auth.json") {
        assert_eq!(
            basic_authorization(s(&c, "user"), s(&c, "password")).unwrap(),
            s(&c, "expected")
        );
    }
}

fn receiver(c: &Value) -> Result<webhook::WebhookReceiver> {
    use webhook::{PublicPath, WebhookReceiver};
    let product: webhook::WebhookProduct = s(c, "product").parse()?;
    let mut b = WebhookReceiver::builder(product);
    for secret in c["secrets"].as_array().unwrap() {
        b = match secret {
            Value::String(text) => b.secret(text.as_str()),
            pair => b.application(ApplicationCredentials::new(
                s(pair, "app_key"),
                s(pair, "app_secret"),
            )?),
        };
    }
    let o = &c["options"];
    if let Some(p) = o.get("public_path") {
        b = b.public_path(match p.get("fixed") {
            Some(f) => PublicPath::Fixed(f.as_str().unwrap().to_owned()),
            None => PublicPath::Prefix {
                strip: s(p, "strip").to_owned(),
                add: s(p, "add").to_owned(),
            },
        });
    }
    if let Some(t) = o.get("trust_forwarded") {
        b = b.trust_forwarded(t.as_bool().unwrap());
    }
    match o.get("replay_guard").and_then(Value::as_bool) {
        Some(true) => {
            b = b.replay_guard(Some(std::sync::Arc::new(
                webhook::MemoryReplayGuard::default(),
            )))
        }
        Some(false) => b = b.replay_guard(None),
        None => {}
    }
    b.build()
}

#[test]
fn webhook_receivers() {
    for c in cases("webhook_receivers.json") {
        let id = &c["id"];
        let (h, body) = (headers(&c), body(&c));
        let now = UNIX_EPOCH + Duration::from_secs_f64(c["now"].as_f64().unwrap());
        let delivery = webhook::Delivery {
            method: s(&c, "method"),
            path: s(&c, "path"),
            headers: &h,
            body: &body,
        };
        let result = receiver(&c).and_then(|r| {
            let repeat = c["repeat"].as_u64().unwrap();
            for _ in 1..repeat {
                r.verify(&delivery, Some(now))?;
            }
            r.verify(&delivery, Some(now))
        });
        let e = &c["expect"];
        // The yes/no twin, on a fresh receiver (its guard has seen nothing).
        if c["repeat"] == 1 {
            let twin = receiver(&c).is_ok_and(|r| r.is_valid(&delivery, Some(now)));
            assert_eq!(twin, e["valid"].as_bool().unwrap(), "{id}");
        }
        if e["valid"].as_bool().unwrap() {
            let v = result.unwrap_or_else(|err| {
                panic!("{id}: expected valid, got {err} ({:?})", err.reason())
            });
            assert_eq!(
                v.secret_index as u64,
                e["secret_index"].as_u64().unwrap(),
                "{id}"
            );
            if let Some(p) = e.get("signed_path") {
                assert_eq!(v.signed_path.as_deref(), p.as_str(), "{id}");
            }
            if let Some(u) = e.get("public_url") {
                assert_eq!(v.public_url.as_deref(), u.as_str(), "{id}");
            }
        } else {
            check(&c, result.map(|_| ()));
        }
    }
}
