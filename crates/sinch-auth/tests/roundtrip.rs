//! Property tests: whatever is signed verifies, and any single change is rejected.

use proptest::prelude::*;
use sinch_auth::fuzzing;
use sinch_auth::webhook::{conversation_signature, numbers_signature, Headers, VerifyOptions};
use sinch_auth::*;
use std::time::{Duration, UNIX_EPOCH};

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

prop_compose! {
    fn request()(
        method in prop_oneof![Just("GET".to_owned()), Just("post".to_owned()), Just("PUT".to_owned()), Just("DELETE".to_owned()), "[A-Za-z]{1,10}"],
        path in "/[^?#\\p{Cc}]{0,60}",
        body in proptest::collection::vec(any::<u8>(), 0..300),
        content_type in "[^\\p{Cc}]{0,40}",
        secret in proptest::collection::vec(any::<u8>(), 1..48),
        key in "[A-Za-z0-9-]{1,36}",
        secs in 1_000_000_000u64..4_000_000_000,
    ) -> (String, String, Vec<u8>, String, Vec<u8>, String, u64) {
        (method, path, body, content_type.trim().to_owned(), secret, key, secs)
    }
}

#[allow(clippy::too_many_arguments)]
fn verify(
    app: &ApplicationCredentials,
    method: &str,
    path: &str,
    auth: &str,
    ts: &str,
    ct: &str,
    body: &[u8],
    now: u64,
) -> Result<()> {
    let mut h = Headers::new();
    h.insert("Authorization", auth);
    h.insert("X-Timestamp", ts);
    if !ct.is_empty() {
        h.insert("Content-Type", ct);
    }
    let opts = VerifyOptions::at(UNIX_EPOCH + Duration::from_secs(now));
    verify_application_callback(app, method, path, &h, body, &opts)
}

fn rejected(r: Result<()>) -> bool {
    matches!(r, Err(e) if e.kind() == ErrorKind::Signature)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn sign_then_verify_round_trips((method, path, body, ct, secret, key, secs) in request()) {
        let app = ApplicationCredentials::new(key, b64(&secret)).unwrap();
        let ts = x_timestamp_at(UNIX_EPOCH + Duration::from_secs(secs));
        let s = sign_request(&app, &SignRequest::new(&method, &path).body(&body).content_type(&ct).timestamp(&ts)).unwrap();
        prop_assert!(verify(&app, &method, &path, &s.authorization, &s.timestamp, &ct, &body, secs).is_ok());
    }

    #[test]
    fn any_single_change_is_rejected(
        (method, path, body, ct, secret, key, secs) in request(),
        pos in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let app = ApplicationCredentials::new(key, b64(&secret)).unwrap();
        let ts = x_timestamp_at(UNIX_EPOCH + Duration::from_secs(secs));
        let s = sign_request(&app, &SignRequest::new(&method, &path).body(&body).content_type(&ct).timestamp(&ts)).unwrap();
        let ok = |m: &str, p: &str, a: &str, t: &str, b: &[u8]| verify(&app, m, p, a, t, &ct, b, secs);
        if !body.is_empty() {
            let mut b = body.clone();
            let i = pos.index(b.len());
            b[i] ^= flip;
            prop_assert!(rejected(ok(&method, &path, &s.authorization, &s.timestamp, &b)));
        }
        let mut longer = body.clone();
        longer.push(b'x');
        prop_assert!(rejected(ok(&method, &path, &s.authorization, &s.timestamp, &longer)));
        let other_path = format!("{}x", path);
        prop_assert!(rejected(ok(&method, &other_path, &s.authorization, &s.timestamp, &body)));
        let later = x_timestamp_at(UNIX_EPOCH + Duration::from_secs(secs + 1));
        prop_assert!(rejected(ok(&method, &path, &s.authorization, &later, &body)));
        let other_method = if method.eq_ignore_ascii_case("GET") { "POST" } else { "GET" };
        prop_assert!(rejected(ok(other_method, &path, &s.authorization, &s.timestamp, &body)));
        // One character of the signature changed.
        let mut auth: Vec<char> = s.authorization.chars().collect();
        let sig_start = s.authorization.rfind(':').unwrap() + 1;
        let i = sig_start + pos.index(auth.len() - sig_start);
        auth[i] = if auth[i] == 'A' { 'B' } else { 'A' };
        let auth: String = auth.into_iter().collect();
        prop_assert!(rejected(ok(&method, &path, &auth, &s.timestamp, &body)));
    }

    #[test]
    fn conversation_and_numbers_round_trip(
        secret in "[^\\p{Cc}]{1,40}",
        body in proptest::collection::vec(any::<u8>(), 0..300),
        nonce in "[A-Z0-9]{26}",
        ts in 1_000_000_000u64..4_000_000_000,
        pos in any::<prop::sample::Index>(),
    ) {
        let t = ts.to_string();
        let sig = conversation_signature(&secret, &body, nonce.as_bytes(), t.as_bytes());
        let h = Headers::from_pairs([
            ("x-sinch-webhook-signature", sig.as_str()),
            ("x-sinch-webhook-signature-nonce", nonce.as_str()),
            ("x-sinch-webhook-signature-timestamp", t.as_str()),
        ]);
        let opts = VerifyOptions::at(UNIX_EPOCH + Duration::from_secs(ts));
        prop_assert!(verify_conversation_webhook(&secret, &h, &body, &opts).is_ok());
        let mut b = body.clone();
        if b.is_empty() { b.push(0) } else { let i = pos.index(b.len()); b[i] ^= 0x20; }
        prop_assert!(rejected(verify_conversation_webhook(&secret, &h, &b, &opts)));

        let nsig = numbers_signature(&secret, &body);
        let nh = Headers::from_pairs([("X-Sinch-Signature", nsig.to_uppercase())]);
        prop_assert!(verify_numbers_callback(&secret, &nh, &body).is_ok());
        prop_assert!(rejected(verify_numbers_callback(&secret, &nh, &b)));
    }

    #[test]
    fn arbitrary_headers_and_bodies_never_panic(
        pairs in proptest::collection::vec((prop_oneof![Just("authorization".to_owned()), Just("x-timestamp".to_owned()), Just("content-type".to_owned()), Just("x-sinch-webhook-signature".to_owned()), Just("x-sinch-webhook-signature-nonce".to_owned()), Just("x-sinch-webhook-signature-timestamp".to_owned()), Just("X-Sinch-Signature".to_owned()), "[a-z-]{1,20}"], proptest::collection::vec(any::<u8>(), 0..80)), 0..8),
        body in proptest::collection::vec(any::<u8>(), 0..200),
        path in "\\PC{0,30}",
        method in "\\PC{0,8}",
    ) {
        let app = ApplicationCredentials::new("key", "bXkta2V5LXNlY3JldA==").unwrap();
        let h = Headers::from_pairs(pairs);
        let _ = verify_application_callback(&app, &method, &path, &h, &body, &VerifyOptions::default());
        let _ = verify_conversation_webhook("s", &h, &body, &VerifyOptions::default());
        let _ = verify_numbers_callback("s", &h, &body);
        let text = String::from_utf8_lossy(&body);
        let _ = webhook::verify_mailgun_webhook("k", &text, &text, &text, &VerifyOptions::default(), None);
        let _ = decode_base64_secret(&text);
        let _ = fuzzing::parse_iso8601(&text);
        let _ = fuzzing::jwt_exp(&text);
        let _ = fuzzing::parse_retry_after(Some(&text), std::time::SystemTime::now());
    }
}
