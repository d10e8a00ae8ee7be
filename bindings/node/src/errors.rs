//! Core errors -> napi errors whose message starts with a `sinch-auth:{json}` line that the
//! JS layer turns into the right error class; panics -> the same, kind "internal".

use napi::{Error, Status};
use sinch_auth as core;
use std::panic::{catch_unwind, AssertUnwindSafe};

pub fn to_napi(e: core::Error) -> Error {
    Error::new(Status::GenericFailure, message_for(&e))
}

/// The `sinch-auth:{json}\n<message>` text the JS layer decodes.
pub fn message_for(e: &core::Error) -> String {
    let oauth = e.oauth().map(|o| {
        serde_json::json!({"error": o.error, "error_description": o.error_description,
                           "error_hint": o.error_hint, "error_verbose": o.error_verbose})
    });
    let meta = serde_json::json!({
        "kind": e.kind().as_str(),
        "retryable": e.retryable(),
        "status": e.status(),
        "reason": e.reason().map(|r| r.as_str()),
        "oauth": oauth,
    });
    format!("sinch-auth:{meta}\n{}", e.message())
}

pub fn panic_error(payload: Box<dyn std::any::Any + Send>) -> Error {
    Error::new(Status::GenericFailure, panic_message(payload))
}

pub fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    let meta =
        serde_json::json!({"kind": "internal", "retryable": false, "status": null, "reason": null});
    format!("sinch-auth:{meta}\ninternal error in sinch-auth (please report it): {what}")
}

/// Runs `f`; core errors and panics become napi errors the JS layer understands.
pub fn guarded<T>(f: impl FnOnce() -> core::Result<T>) -> napi::Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_napi(e)),
        Err(p) => Err(panic_error(p)),
    }
}
