//! Voice and Verification callbacks: the application signature of spec §2.1 recomputed over
//! the received method, path, Content-Type, x-timestamp and raw body (spec §3.1).

use super::freshness::VerifyOptions;
use super::headers::Headers;
use crate::b64;
use crate::credentials::ApplicationCredentials;
use crate::crypto::ct_eq;
use crate::crypto::hmac_sha256_prepared;
use crate::error::{Error, Result, SignatureReason};
use crate::signing::{canonical_resource, content_md5, string_to_sign};
use crate::timestamp::parse_iso8601;
use base64::Engine;

fn fail(reason: SignatureReason, msg: impl Into<String>) -> Error {
    Error::signature(reason, msg)
}

/// Verifies an inbound Voice/Verification callback. Accepts `Application`/`application`
/// (and the Voice 2.0 `service`) signatures, and Basic `app_key:app_secret` for apps set to
/// Basic callbacks (RFC 7617 Base64, or the unencoded form the Node SDK accepts).
pub fn verify_application_callback(
    app: &ApplicationCredentials,
    method: &str,
    path: &str,
    headers: &Headers,
    body: &[u8],
    opts: &VerifyOptions,
) -> Result<()> {
    let auth = headers.one_str("authorization")?;
    let (scheme, credentials) = auth.split_once(' ').ok_or_else(|| {
        fail(
            SignatureReason::MalformedHeader,
            "the Authorization header is not `<scheme> <credentials>`",
        )
    })?;
    if credentials.is_empty() || credentials.contains(' ') {
        return Err(fail(
            SignatureReason::MalformedHeader,
            "the Authorization header is not `<scheme> <credentials>` (exactly one space)",
        ));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "application" | "service" => {
            verify_signed(app, method, path, headers, body, opts, credentials)
        }
        "basic" => verify_basic(app, credentials),
        _ => Err(fail(
            SignatureReason::UnsupportedScheme,
            format!(
                "unsupported Authorization scheme {:?}; Sinch signs callbacks with `Application`",
                scheme.chars().take(20).collect::<String>()
            ),
        )),
    }
}

fn key_mismatch(got: &str) -> Error {
    fail(
        SignatureReason::KeyMismatch,
        format!(
            "the callback is for application key {:?}, not this one: check which app's callback URL points here",
            got.chars().take(64).collect::<String>()
        ),
    )
}

fn verify_signed(
    app: &ApplicationCredentials,
    method: &str,
    path: &str,
    headers: &Headers,
    body: &[u8],
    opts: &VerifyOptions,
    credentials: &str,
) -> Result<()> {
    let (key, signature) = credentials.split_once(':').ok_or_else(|| {
        fail(
            SignatureReason::MalformedHeader,
            "the Authorization credentials are not `<key>:<signature>`",
        )
    })?;
    if signature.contains(':') {
        return Err(fail(
            SignatureReason::MalformedHeader,
            "the Authorization credentials are not `<key>:<signature>`",
        ));
    }
    if key != app.app_key() {
        return Err(key_mismatch(key));
    }
    let timestamp = headers.one_str("x-timestamp")?;
    let content_type = match headers.optional("content-type")? {
        Some(_) => headers.one_str("content-type")?,
        None => "",
    };
    let resource = canonical_resource(path, false).map_err(|_| {
        fail(
            SignatureReason::MalformedHeader,
            "the request path must start with '/'",
        )
    })?;
    let method = method.trim().to_ascii_uppercase();
    let sts = string_to_sign(
        &method,
        &content_md5(body),
        content_type,
        timestamp,
        resource,
    );
    let expected = b64::encode(&hmac_sha256_prepared(app.mac(), &[sts.as_bytes()]));
    if !ct_eq(expected.as_bytes(), signature.as_bytes()) {
        return Err(fail(
            SignatureReason::BadSignature,
            "the signature does not match: check the application secret, that the raw body bytes are verified (not re-serialized JSON), and that the path is the one Sinch called",
        ));
    }
    if opts.tolerance.is_some() {
        let (secs, nanos) = parse_iso8601(timestamp).ok_or_else(|| {
            fail(
                SignatureReason::MalformedHeader,
                "the x-timestamp header is not an ISO-8601 UTC time",
            )
        })?;
        opts.check(secs as f64 + f64::from(nanos) / 1e9, "x-timestamp")?;
    }
    Ok(())
}

fn verify_basic(app: &ApplicationCredentials, credentials: &str) -> Result<()> {
    let decoded;
    let pair = if credentials.contains(':') {
        credentials
    } else {
        decoded = base64::engine::general_purpose::STANDARD
            .decode(credentials)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| {
                fail(
                    SignatureReason::MalformedHeader,
                    "the Basic credentials are not Base64 of `key:secret`",
                )
            })?;
        decoded.as_str()
    };
    let (key, secret) = pair.split_once(':').ok_or_else(|| {
        fail(
            SignatureReason::MalformedHeader,
            "the Basic credentials are not `key:secret`",
        )
    })?;
    if key != app.app_key() {
        return Err(key_mismatch(key));
    }
    if !ct_eq(secret.as_bytes(), app.app_secret().expose().as_bytes()) {
        return Err(fail(
            SignatureReason::BadSignature,
            "the Basic credentials' secret does not match the application secret",
        ));
    }
    Ok(())
}
