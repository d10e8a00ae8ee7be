//! Conversation API and SMS webhooks (spec §3.2, §3.3):
//! Base64(HMAC-SHA256(UTF-8 secret, body "." nonce "." timestamp)).

use super::freshness::VerifyOptions;
use super::headers::Headers;
use crate::b64;
use crate::crypto::{ct_eq, hmac_sha256};
use crate::error::{Error, Result, SignatureReason};

pub(super) const SIGNATURE: &str = "x-sinch-webhook-signature";
pub(super) const NONCE: &str = "x-sinch-webhook-signature-nonce";
pub(super) const TIMESTAMP: &str = "x-sinch-webhook-signature-timestamp";
pub(super) const ALGORITHM: &str = "x-sinch-webhook-signature-algorithm";

/// The signature Sinch sends for this body, nonce and timestamp.
pub fn conversation_signature(secret: &str, body: &[u8], nonce: &[u8], timestamp: &[u8]) -> String {
    b64::encode(&hmac_sha256(
        secret.as_bytes(),
        &[body, b".", nonce, b".", timestamp],
    ))
}

/// Verifies a Conversation API (or SMS) webhook against the app's webhook secret.
///
/// ```
/// use sinch_auth::webhook::{Headers, VerifyOptions};
/// use sinch_auth::{verify_conversation_webhook, ErrorKind};
/// # let keys = sinch_auth_server::TestKeys::default();
/// # let hook = sinch_auth_server::signed_webhook(
/// #     sinch_auth_server::WebhookKind::Conversation, "https://example.test/hook", &keys).unwrap();
/// # let secret = keys.webhook_secret.as_str();
/// # let received: Vec<(&str, &str)> =
/// #     hook.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
/// # let raw_body = hook.body.as_slice();
///
/// // The headers and the raw body exactly as received (never re-serialized JSON).
/// let headers = Headers::from_pairs(received.iter().copied());
/// verify_conversation_webhook(secret, &headers, raw_body, &VerifyOptions::default())?;
///
/// let err = verify_conversation_webhook("another secret", &headers, raw_body, &VerifyOptions::default())
///     .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Signature); // err.reason() says why: bad_signature
/// # Ok::<(), sinch_auth::Error>(())
/// ```
pub fn verify_conversation_webhook(
    secret: &str,
    headers: &Headers,
    body: &[u8],
    opts: &VerifyOptions,
) -> Result<()> {
    if secret.is_empty() {
        return Err(Error::config(
            "the webhook secret is empty: set the secret configured on the Conversation app's webhook (or the SMS callback)",
        ));
    }
    let signature = headers.one(SIGNATURE)?;
    let nonce = headers.one(NONCE)?;
    let timestamp = headers.one(TIMESTAMP)?;
    if let Some(alg) = headers.optional(ALGORITHM)? {
        if !alg.eq_ignore_ascii_case(b"HmacSHA256") {
            return Err(Error::signature(
                SignatureReason::UnsupportedAlgorithm,
                "the webhook signature algorithm is not HmacSHA256",
            ));
        }
    }
    let ts: Option<i64> = std::str::from_utf8(timestamp)
        .ok()
        .filter(|t| !t.is_empty() && t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse().ok());
    let Some(ts) = ts else {
        return Err(Error::signature(
            SignatureReason::MalformedHeader,
            "the webhook timestamp header is not Unix seconds",
        ));
    };
    let expected = conversation_signature(secret, body, nonce, timestamp);
    if !ct_eq(expected.as_bytes(), signature) {
        return Err(Error::signature(
            SignatureReason::BadSignature,
            "the webhook signature does not match: check the webhook secret and verify the raw body bytes (never re-serialized JSON)",
        ));
    }
    opts.check(ts as f64, "webhook timestamp")
}
