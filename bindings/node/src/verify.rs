//! signRequest, signRequestDetails and the verify functions (synchronous: pure CPU). Every
//! rule, default and parser is the core's; this only converts arguments and errors.

use crate::credentials::ApplicationCredentials;
use crate::errors::guarded;
use crate::pairs;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use sinch_auth as core;
use sinch_auth::webhook::{duration_from_seconds, MemoryReplayGuard as CoreGuard, VerifyOptions};
use std::sync::Arc;
// The secret's Rust copy is overwritten when the call returns.
use zeroize::Zeroizing;

/// `signRequestDetails`: the headers and every intermediate value.
#[napi(object)]
pub struct SignedRequest {
    pub authorization: String,
    pub x_timestamp: String,
    pub content_md5: String,
    pub string_to_sign: String,
}

// The request crosses as positional arguments, not an option object: napi-rs reads an
// object's fields one Node-API call at a time, which measured ~3 µs a call here, more than
// the signature of a 1 KiB body.
#[allow(clippy::too_many_arguments)]
fn sign_with<T>(
    method: &str,
    path: &str,
    content_type: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
    include_query: Option<bool>,
    scheme: Option<&str>,
    produce: impl FnOnce(&core::SignRequest<'_>) -> core::Result<T>,
) -> Result<T> {
    guarded(|| {
        let mut req = core::SignRequest::new(method, path)
            .body(body)
            .include_query(include_query.unwrap_or(false));
        if let Some(ct) = content_type {
            req = req.content_type(ct);
        }
        if let Some(t) = timestamp {
            req = req.timestamp(t);
        }
        if let Some(s) = scheme {
            req = req.scheme(s.parse()?);
        }
        produce(&req)
    })
}

/// The x-timestamp for now, in the core's format (what `signRequest` sends when none is
/// given).
#[napi]
pub fn x_timestamp_now() -> String {
    core::x_timestamp_now()
}

/// The Authorization header of an application-signed request at `timestamp`. The
/// credentials come as the class's `External` (`ApplicationCredentials.external`): napi-rs
/// checks a class argument with `instanceof`, which measured ~250 ns more per call.
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn sign_authorization(
    app: &External<Arc<core::ApplicationCredentials>>,
    method: String,
    path: String,
    content_type: Option<String>,
    timestamp: String,
    body: Option<&[u8]>,
    text_body: Option<String>,
    include_query: Option<bool>,
    scheme: Option<String>,
) -> Result<String> {
    // A string body crosses as a string: V8 writes its UTF-8 straight into Rust's buffer,
    // cheaper than Buffer.from in JS (measured ~400 ns for 1 KiB). Two optional arguments
    // rather than an `Either`: napi-rs tries an `Either`'s first type and builds an error
    // message when it does not match, which measured ~100 ns on every Buffer call.
    let body: &[u8] = match (&text_body, body) {
        (Some(text), None) => text.as_bytes(),
        (None, Some(bytes)) => bytes,
        _ => {
            return Err(crate::errors::to_napi(core::Error::config(
                "signAuthorization takes the body as bytes or as text, exactly one of them",
            )))
        }
    };
    sign_with(
        &method,
        &path,
        content_type.as_deref(),
        Some(&timestamp),
        body,
        include_query,
        scheme.as_deref(),
        |req| core::with_authorization(app, req, |authorization, _| authorization.to_owned()),
    )
}

#[napi]
#[allow(clippy::too_many_arguments)]
pub fn sign_request_details(
    app: &ApplicationCredentials,
    method: String,
    path: String,
    content_type: Option<String>,
    timestamp: Option<String>,
    body: &[u8],
    include_query: Option<bool>,
    scheme: Option<String>,
) -> Result<SignedRequest> {
    let s = sign_with(
        &method,
        &path,
        content_type.as_deref(),
        timestamp.as_deref(),
        body,
        include_query,
        scheme.as_deref(),
        |req| core::sign_request(&app.inner, req),
    )?;
    Ok(SignedRequest {
        authorization: s.authorization,
        x_timestamp: s.timestamp,
        content_md5: s.content_md5,
        string_to_sign: s.string_to_sign,
    })
}

/// `now` (epoch seconds) and the tolerance: `freshness` false turns the check off, an absent
/// tolerance is the core's default.
fn options(
    now: Option<f64>,
    tolerance: Option<f64>,
    freshness: bool,
) -> core::Result<VerifyOptions> {
    VerifyOptions::from_seconds(
        now,
        if freshness {
            tolerance.map(Some)
        } else {
            Some(None)
        },
    )
}

#[napi]
#[allow(clippy::too_many_arguments)]
pub fn verify_application_callback(
    app: &ApplicationCredentials,
    method: String,
    path: String,
    headers: Vec<String>,
    body: &[u8],
    now: Option<f64>,
    tolerance: Option<f64>,
    freshness: bool,
) -> Result<()> {
    guarded(|| {
        let h = core::Headers::from_pairs(pairs(&headers));
        core::verify_application_callback(
            &app.inner,
            &method,
            &path,
            &h,
            body,
            &options(now, tolerance, freshness)?,
        )
    })
}

#[napi]
pub fn verify_conversation_webhook(
    secret: String,
    headers: Vec<String>,
    body: &[u8],
    now: Option<f64>,
    tolerance: Option<f64>,
    freshness: bool,
) -> Result<()> {
    let secret = Zeroizing::new(secret);
    guarded(|| {
        let h = core::Headers::from_pairs(pairs(&headers));
        core::verify_conversation_webhook(&secret, &h, body, &options(now, tolerance, freshness)?)
    })
}

#[napi]
pub fn verify_numbers_callback(secret: String, headers: Vec<String>, body: &[u8]) -> Result<()> {
    let secret = Zeroizing::new(secret);
    guarded(|| {
        let h = core::Headers::from_pairs(pairs(&headers));
        core::verify_numbers_callback(&secret, &h, body)
    })
}

#[napi]
pub struct MemoryReplayGuard {
    pub(crate) inner: Arc<CoreGuard>,
}

#[napi]
impl MemoryReplayGuard {
    /// `capacity` tokens, each remembered for `window` seconds (the core's defaults when
    /// absent).
    #[napi(constructor)]
    pub fn new(capacity: Option<u32>, window: Option<f64>) -> Result<Self> {
        guarded(|| {
            let window = window
                .map(|w| duration_from_seconds("window", w))
                .transpose()?
                .unwrap_or(CoreGuard::DEFAULT_WINDOW);
            let capacity = capacity.map_or(CoreGuard::DEFAULT_CAPACITY, |c| c as usize);
            Ok(Self {
                inner: Arc::new(CoreGuard::new(capacity, window)),
            })
        })
    }
}

/// Remembers accepted Mailgun tokens in Redis, so a delivery accepted by one instance of a
/// fleet is refused by every other one.
#[napi]
pub struct SharedReplayGuard {
    pub(crate) inner: Arc<core::webhook::SharedReplayGuard>,
}

#[napi]
impl SharedReplayGuard {
    /// `url` (`redis://…`), `window` seconds (the core's default when absent), `onFailure`
    /// `"memory"` (default) or `"reject"`.
    #[napi(constructor)]
    pub fn new(url: String, window: Option<f64>, on_failure: Option<String>) -> Result<Self> {
        guarded(|| {
            let window = window
                .map(|w| duration_from_seconds("window", w))
                .transpose()?
                .unwrap_or(CoreGuard::DEFAULT_WINDOW);
            let policy = on_failure.as_deref().unwrap_or("memory").parse()?;
            Ok(Self {
                inner: Arc::new(core::webhook::SharedReplayGuard::redis(
                    &url, window, policy,
                )?),
            })
        })
    }
}

#[napi]
#[allow(clippy::too_many_arguments)]
pub fn verify_mailgun_webhook(
    signing_key: String,
    timestamp: String,
    token: String,
    signature: String,
    now: Option<f64>,
    tolerance: Option<f64>,
    freshness: bool,
    replay_guard: Option<Either<&MemoryReplayGuard, &SharedReplayGuard>>,
) -> Result<()> {
    let guard: Option<&dyn core::webhook::ReplayGuard> = match &replay_guard {
        Some(Either::A(m)) => Some(m.inner.as_ref()),
        Some(Either::B(s)) => Some(s.inner.as_ref()),
        None => None,
    };
    let signing_key = Zeroizing::new(signing_key);
    guarded(|| {
        core::verify_mailgun_webhook(
            &signing_key,
            &timestamp,
            &token,
            &signature,
            &options(now, tolerance, freshness)?,
            guard,
        )
    })
}
