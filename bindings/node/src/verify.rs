//! signRequest and the verify functions (synchronous: pure CPU).

use crate::app_handles;
use crate::errors::guarded;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use sinch_auth as core;
use sinch_auth::webhook::{MemoryReplayGuard as CoreGuard, VerifyOptions};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

#[napi(object)]
pub struct SignedRequest {
    pub authorization: String,
    pub x_timestamp: String,
    pub content_md5: String,
    pub string_to_sign: String,
}

#[napi]
#[allow(clippy::too_many_arguments)]
pub fn sign_request(
    app: u32,
    method: String,
    path: String,
    body: BufferSlice,
    content_type: String,
    timestamp: Option<String>,
    include_query: bool,
    scheme: String,
) -> Result<SignedRequest> {
    guarded(|| {
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "application" => core::SigningScheme::Application,
            "service" => core::SigningScheme::Service,
            _ => {
                return Err(core::Error::config(
                    "scheme must be 'application' or 'service'",
                ))
            }
        };
        let mut req = core::SignRequest::new(&method, &path)
            .body(&body)
            .content_type(&content_type)
            .include_query(include_query)
            .scheme(scheme);
        if let Some(t) = &timestamp {
            req = req.timestamp(t);
        }
        let s = app_handles::with(app, |a| core::sign_request(a, &req))?;
        Ok(SignedRequest {
            authorization: s.authorization,
            x_timestamp: s.timestamp,
            content_md5: s.content_md5,
            string_to_sign: s.string_to_sign,
        })
    })
}

/// `now` and `tolerance` (seconds) into the core's options.
pub fn options(now: Option<f64>, tolerance: Option<f64>) -> core::Result<VerifyOptions> {
    let now = match now {
        Some(n) if n.is_finite() && n >= 0.0 => {
            Some(UNIX_EPOCH + Duration::from_secs_f64(n.min(1e12)))
        }
        Some(_) => {
            return Err(core::Error::config(
                "now must be epoch seconds (a finite number ≥ 0)",
            ))
        }
        None => None,
    };
    let tolerance = match tolerance {
        Some(t) if t.is_finite() && t >= 0.0 => Some(Duration::from_secs_f64(t.min(1e10))),
        Some(_) => {
            return Err(core::Error::config(
                "tolerance must be a finite number of seconds ≥ 0",
            ))
        }
        None => None,
    };
    Ok(VerifyOptions { now, tolerance })
}

#[napi]
pub struct MemoryReplayGuard {
    inner: Arc<CoreGuard>,
}

#[napi]
impl MemoryReplayGuard {
    #[napi(constructor)]
    pub fn new(capacity: Option<u32>, window: Option<f64>) -> Self {
        let window = window
            .filter(|w| w.is_finite() && *w > 0.0)
            .map(Duration::from_secs_f64)
            .unwrap_or(Duration::from_secs(900));
        Self {
            inner: Arc::new(CoreGuard::new(capacity.unwrap_or(100_000) as usize, window)),
        }
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
    replay_guard: Option<&MemoryReplayGuard>,
) -> Result<()> {
    guarded(|| {
        core::verify_mailgun_webhook(
            &signing_key,
            &timestamp,
            &token,
            &signature,
            &options(now, tolerance)?,
            replay_guard.map(|g| g.inner.as_ref() as &dyn core::webhook::ReplayGuard),
        )
    })
}
