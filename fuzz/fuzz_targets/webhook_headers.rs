#![no_main]
//! Conversation/SMS, Numbers and Mailgun webhook inputs.
use libfuzzer_sys::fuzz_target;
use sinch_auth::webhook::{verify_mailgun_webhook, Headers, VerifyOptions};
use sinch_auth::{verify_conversation_webhook, verify_numbers_callback};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(5, |&b| b == 0);
    let sig = parts.next().unwrap_or_default();
    let nonce = parts.next().unwrap_or_default();
    let ts = parts.next().unwrap_or_default();
    let alg = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();
    let h = Headers::from_pairs([
        ("x-sinch-webhook-signature", sig),
        ("x-sinch-webhook-signature-nonce", nonce),
        ("x-sinch-webhook-signature-timestamp", ts),
        ("x-sinch-webhook-signature-algorithm", alg),
        ("X-Sinch-Signature", sig),
        ("X-Sinch-Signature", nonce),
    ]);
    let _ = verify_conversation_webhook("secret", &h, body, &VerifyOptions::default());
    let _ = verify_numbers_callback("secret", &h, body);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let _ = verify_mailgun_webhook("key", &text(ts), &text(nonce), &text(sig), &VerifyOptions::default(), None);
});
