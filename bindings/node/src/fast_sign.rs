//! The binding's one raw Node-API entry point, `signAuthorizationFast`: the common call of
//! `signRequest` (no `includeQuery`, no `scheme`) without napi-rs's argument conversions.
//!
//! Why it exists (#14 allows a raw path only where a measurement shows the generated one
//! misses a target): `perf` on the generated `signAuthorization` put ~30% of a 0-byte call in
//! converting its four `String` arguments (V8 measures each string's UTF-8 length, then
//! writes it into a fresh zeroed `Vec`), and the Node 1 KiB target (≥ 1.8× the SDK helper)
//! was met in some runs and missed in others. Here the strings are written once each into
//! one reused per-thread buffer, and the body is read in place. Every rule is still the
//! core's: this only reads arguments and calls `sign_request`'s header builder.
//!
//! Raw calls: every Node-API call is in one small function below, with its `// SAFETY:`.
#![allow(unsafe_code)]
// The registration below is compiled out of `cargo test` builds, which leaves the rest unused.
#![cfg_attr(test, allow(dead_code))]

use crate::errors::to_napi;
use napi::bindgen_prelude::*;
use napi::sys;
use sinch_auth as core;
use std::cell::RefCell;
use std::sync::Arc;

const ARGS: usize = 7;

thread_local! {
    /// The argument strings of the call in progress, back to back (reused: no allocation
    /// once it has grown to the largest call seen).
    static TEXT: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(4096));
}

/// `signAuthorizationFast(external, method, path, contentType?, timestamp, body?, text?)`:
/// the Authorization header, or a thrown error the JS layer decodes like any other.
///
/// # Safety
/// Called by Node-API only, on the JS thread, with a valid `env` and `info`.
pub(crate) unsafe extern "C" fn sign_authorization_fast(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let outcome = std::panic::catch_unwind(|| sign(env, info));
    let err = match outcome {
        Ok(Ok(v)) => return v,
        Ok(Err(e)) => e,
        Err(_) => Error::from_reason(
            "internal error in sinch-auth (please report it): a panic in signAuthorizationFast",
        ),
    };
    // SAFETY: `env` is the live environment of this callback; throwing leaves a pending
    // exception and the returned null tells Node to raise it.
    unsafe { JsError::from(err).throw_into(env) };
    std::ptr::null_mut()
}

fn sign(env: sys::napi_env, info: sys::napi_callback_info) -> Result<sys::napi_value> {
    let argv = arguments(env, info)?;
    let app = credentials(env, argv[0])?;
    TEXT.with(|cell| {
        let mut text = cell.borrow_mut();
        text.clear();
        let method = read_string(env, argv[1], &mut text)?;
        let path = read_string(env, argv[2], &mut text)?;
        let content_type = match kind(env, argv[3])? {
            sys::ValueType::napi_undefined | sys::ValueType::napi_null => None,
            _ => Some(read_string(env, argv[3], &mut text)?),
        };
        let timestamp = read_string(env, argv[4], &mut text)?;
        let body_text = match kind(env, argv[6])? {
            sys::ValueType::napi_undefined | sys::ValueType::napi_null => None,
            _ => Some(read_string(env, argv[6], &mut text)?),
        };
        let bytes = match kind(env, argv[5])? {
            sys::ValueType::napi_undefined | sys::ValueType::napi_null => None,
            _ => Some(typed_array(env, argv[5])?),
        };
        let s = |r: &std::ops::Range<usize>| {
            std::str::from_utf8(&text[r.clone()]).map_err(|_| Error::from_reason("not UTF-8"))
        };
        let body: &[u8] = match (&body_text, bytes) {
            (Some(t), None) => s(t)?.as_bytes(),
            (None, Some(b)) => b,
            _ => {
                return Err(to_napi(core::Error::config(
                    "signAuthorization takes the body as bytes or as text, exactly one of them",
                )))
            }
        };
        let mut req = core::SignRequest::new(s(&method)?, s(&path)?)
            .body(body)
            .timestamp(s(&timestamp)?);
        if let Some(ct) = &content_type {
            req = req.content_type(s(ct)?);
        }
        core::with_authorization(app, &req, |authorization, _| {
            create_string(env, authorization)
        })
        .map_err(to_napi)?
    })
}

fn arguments(env: sys::napi_env, info: sys::napi_callback_info) -> Result<[sys::napi_value; ARGS]> {
    let mut argc = ARGS;
    let mut argv = [std::ptr::null_mut(); ARGS];
    // SAFETY: `argv` has room for `argc` values; Node fills missing ones with `undefined`.
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    check(status, "arguments")?;
    Ok(argv)
}

fn kind(env: sys::napi_env, v: sys::napi_value) -> Result<sys::napi_valuetype> {
    let mut t = 0;
    // SAFETY: `v` is an argument of the current callback.
    check(unsafe { sys::napi_typeof(env, v, &mut t) }, "argument type")?;
    Ok(t)
}

/// The credentials behind the `External` the JS class holds (napi-rs checks its type tag).
fn credentials(
    env: sys::napi_env,
    v: sys::napi_value,
) -> Result<&'static core::ApplicationCredentials> {
    // SAFETY: napi-rs's own conversion, given an argument of the current callback; the
    // External is kept alive by the JS object for longer than this call.
    let ext = unsafe {
        <External<Arc<core::ApplicationCredentials>> as FromNapiRef>::from_napi_ref(env, v)?
    };
    Ok(ext.as_ref().as_ref())
}

/// Appends the string `v` to `text` and returns where it is.
fn read_string(
    env: sys::napi_env,
    v: sys::napi_value,
    text: &mut Vec<u8>,
) -> Result<std::ops::Range<usize>> {
    let start = text.len();
    // Room for a short string in one call; Node writes at most `room - 1` bytes and a NUL.
    let mut room = text.capacity().saturating_sub(start).max(256);
    loop {
        text.reserve(room);
        let mut written = 0;
        // SAFETY: Node writes at most `room` bytes (with the NUL) into the spare capacity,
        // which `reserve` just made at least `room` long; `set_len` then covers exactly the
        // bytes written.
        let status = unsafe {
            let dst = text.as_mut_ptr().add(start);
            let s = sys::napi_get_value_string_utf8(env, v, dst.cast(), room, &mut written);
            if s == sys::Status::napi_ok {
                text.set_len(start + written);
            }
            s
        };
        if status == sys::Status::napi_string_expected {
            return Err(to_napi(core::Error::config("signAuthorization: method, path, contentType, timestamp and a text body must be strings")));
        }
        check(status, "string argument")?;
        // Node stops before a character that does not fit (up to 4 bytes) and before the
        // NUL: with 4 bytes or more left over, nothing was cut.
        if written + 4 < room {
            return Ok(start..start + written);
        }
        // It may have been cut short: ask again with twice the room.
        text.truncate(start);
        room *= 2;
    }
}

/// The bytes of a Buffer or Uint8Array argument, in place.
fn typed_array(env: sys::napi_env, v: sys::napi_value) -> Result<&'static [u8]> {
    let (mut t, mut len, mut data, mut buffer, mut offset) =
        (0, 0, std::ptr::null_mut(), std::ptr::null_mut(), 0);
    // SAFETY: on success Node gives the view's first byte (offset applied) and its length;
    // the array is an argument of this call, alive and unmoved until it returns, and this
    // slice does not outlive the call.
    unsafe {
        let status = sys::napi_get_typedarray_info(
            env,
            v,
            &mut t,
            &mut len,
            &mut data,
            &mut buffer,
            &mut offset,
        );
        if status != sys::Status::napi_ok || t != sys::TypedarrayType::uint8_array {
            return Err(to_napi(core::Error::config(
                "signAuthorization: the body must be a Buffer or Uint8Array",
            )));
        }
        Ok(if len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(data.cast::<u8>(), len)
        })
    }
}

fn create_string(env: sys::napi_env, s: &str) -> Result<sys::napi_value> {
    let mut out = std::ptr::null_mut();
    // SAFETY: `s` is valid UTF-8 of the given length; Node copies it.
    check(
        unsafe { sys::napi_create_string_utf8(env, s.as_ptr().cast(), s.len() as isize, &mut out) },
        "result",
    )?;
    Ok(out)
}

fn check(status: sys::napi_status, what: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::from_reason(format!(
            "signAuthorizationFast: reading the {what} failed (status {status})"
        )))
    }
}

/// Adds `signAuthorizationFast` to the addon's exports (a raw callback has no `#[napi]`).
#[napi_derive::napi(module_exports)]
pub fn register_fast_sign(mut exports: Object, env: Env) -> Result<()> {
    let f = env.create_function::<(), String>("signAuthorizationFast", sign_authorization_fast)?;
    exports.set_named_property("signAuthorizationFast", f)
}
