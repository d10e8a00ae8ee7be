//! The webhook verifiers that take headers, as plain Node-API callbacks (see `raw` for why).
//! The JS layer flattens any header shape to `[name, value, …]` strings; each is read
//! through one stack buffer straight into the core's `Headers`. They translate only: the
//! checks are `sinch_auth`'s.

use crate::app_handles;
use crate::errors::{message_for, panic_message};
use crate::raw;
use crate::verify::options;
use napi::sys;
use sinch_auth as core;
use sinch_auth::webhook::Headers;
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// A secret's stack copy, wiped when dropped.
struct SecretText {
    buf: [MaybeUninit<u8>; 256],
    heap: Option<String>,
    len: usize,
}

impl SecretText {
    /// # Safety
    /// `env` and `value` must be live.
    unsafe fn read(env: sys::napi_env, value: sys::napi_value) -> Option<Self> {
        let mut s = SecretText {
            buf: [MaybeUninit::uninit(); 256],
            heap: None,
            len: 0,
        };
        match unsafe { raw::read_str(env, value, &mut s.buf) }? {
            std::borrow::Cow::Borrowed(t) => s.len = t.len(),
            std::borrow::Cow::Owned(t) => s.heap = Some(t),
        }
        Some(s)
    }

    fn as_str(&self) -> &str {
        match &self.heap {
            Some(h) => h,
            // SAFETY: `read_str` wrote and checked these `len` bytes of UTF-8.
            None => unsafe {
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                    self.buf.as_ptr() as *const u8,
                    self.len,
                ))
            },
        }
    }
}

impl Drop for SecretText {
    fn drop(&mut self) {
        // A secret read onto the heap was first written (cut) into the buffer, all of it.
        let len = if self.heap.is_some() {
            self.buf.len()
        } else {
            self.len
        };
        raw::wipe(&mut self.buf[..len]);
        if let Some(h) = self.heap.take() {
            let mut bytes = h.into_bytes();
            let len = bytes.len();
            // SAFETY: `u8` and `MaybeUninit<u8>` have the same layout.
            raw::wipe(unsafe {
                std::slice::from_raw_parts_mut(bytes.as_mut_ptr().cast::<MaybeUninit<u8>>(), len)
            });
        }
    }
}

/// `[name, value, …]` into `Headers`; `None` when it is not an array of strings.
///
/// # Safety
/// `env` and `value` must be live.
unsafe fn headers(env: sys::napi_env, value: sys::napi_value) -> Option<Headers> {
    let mut len = 0u32;
    if unsafe { sys::napi_get_array_length(env, value, &mut len) } != sys::Status::napi_ok {
        return None;
    }
    let mut out = Headers::new();
    let mut name_buf = [MaybeUninit::<u8>::uninit(); 256];
    let mut value_buf = [MaybeUninit::<u8>::uninit(); 1024];
    for i in (0..len.saturating_sub(1)).step_by(2) {
        let (mut n, mut v) = (ptr::null_mut(), ptr::null_mut());
        if unsafe { sys::napi_get_element(env, value, i, &mut n) } != sys::Status::napi_ok
            || unsafe { sys::napi_get_element(env, value, i + 1, &mut v) } != sys::Status::napi_ok
        {
            return None;
        }
        let name = unsafe { raw::read_str(env, n, &mut name_buf) }?;
        let val = unsafe { raw::read_str(env, v, &mut value_buf) }?;
        out.insert(&*name, val.as_bytes());
    }
    Some(out)
}

/// `now` and `tolerance` arguments into the core's options.
///
/// # Safety
/// `env` and the values must be live.
unsafe fn verify_options(
    env: sys::napi_env,
    now: sys::napi_value,
    tolerance: sys::napi_value,
) -> core::Result<core::webhook::VerifyOptions> {
    let (Ok(now), Ok(tolerance)) = (unsafe { raw::opt_number(env, now) }, unsafe {
        raw::opt_number(env, tolerance)
    }) else {
        return Err(core::Error::config(
            "now and tolerance must be seconds (numbers) or null",
        ));
    };
    options(now, tolerance)
}

/// `undefined`, or the core's error thrown; panics caught.
fn finish(env: sys::napi_env, outcome: impl FnOnce() -> core::Result<()>) -> sys::napi_value {
    match catch_unwind(AssertUnwindSafe(outcome)) {
        Ok(Ok(())) => raw::undefined(env),
        Ok(Err(e)) => raw::throw(env, &message_for(&e)),
        Err(p) => raw::throw(env, &panic_message(p)),
    }
}

/// The headers and body arguments of every verifier; `Err` says which is wrong.
///
/// # Safety
/// `env` and the values must be live; the body must not outlive the call.
unsafe fn headers_and_body<'a>(
    env: sys::napi_env,
    headers_flat: sys::napi_value,
    body: sys::napi_value,
) -> Result<(Headers, &'a [u8]), &'static str> {
    let headers = unsafe { headers(env, headers_flat) }
        .ok_or("headers must be a flat array of [name, value, ...] strings")?;
    let body = unsafe { raw::body(env, body) }.ok_or("the body must be a Buffer or Uint8Array")?;
    Ok((headers, body))
}

/// The secret, headers and body arguments of the secret-keyed verifiers.
///
/// # Safety
/// As for [`headers_and_body`].
unsafe fn secret_headers_body<'a>(
    env: sys::napi_env,
    secret: sys::napi_value,
    headers_flat: sys::napi_value,
    body: sys::napi_value,
) -> Result<(SecretText, Headers, &'a [u8]), &'static str> {
    let secret = unsafe { SecretText::read(env, secret) }.ok_or("the secret must be a string")?;
    let (headers, body) = unsafe { headers_and_body(env, headers_flat, body) }?;
    Ok((secret, headers, body))
}

/// `verifyConversationWebhook(secret, headersFlat, body, now, tolerance)`
///
/// # Safety
/// Called by Node with a live `env` and `info`, on the JS thread.
pub unsafe extern "C" fn verify_conversation_webhook(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let Some([secret, headers_flat, body, now, tolerance]) = (unsafe { raw::args::<5>(env, info) })
    else {
        return raw::throw_config(
            env,
            "verifyConversationWebhook takes (secret, headersFlat, body, now, tolerance)",
        );
    };
    let (secret, headers, body) =
        match unsafe { secret_headers_body(env, secret, headers_flat, body) } {
            Ok(args) => args,
            Err(what) => return raw::throw_config(env, what),
        };
    let options = unsafe { verify_options(env, now, tolerance) };
    finish(env, || {
        core::verify_conversation_webhook(secret.as_str(), &headers, body, &options?)
    })
}

/// `verifyNumbersCallback(secret, headersFlat, body)`
///
/// # Safety
/// Called by Node with a live `env` and `info`, on the JS thread.
pub unsafe extern "C" fn verify_numbers_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let Some([secret, headers_flat, body]) = (unsafe { raw::args::<3>(env, info) }) else {
        return raw::throw_config(
            env,
            "verifyNumbersCallback takes (secret, headersFlat, body)",
        );
    };
    let (secret, headers, body) =
        match unsafe { secret_headers_body(env, secret, headers_flat, body) } {
            Ok(args) => args,
            Err(what) => return raw::throw_config(env, what),
        };
    finish(env, || {
        core::verify_numbers_callback(secret.as_str(), &headers, body)
    })
}

/// `verifyApplicationCallback(handle, method, path, headersFlat, body, now, tolerance)`
///
/// # Safety
/// Called by Node with a live `env` and `info`, on the JS thread.
pub unsafe extern "C" fn verify_application_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let Some([handle, method, path, headers_flat, body, now, tolerance]) =
        (unsafe { raw::args::<7>(env, info) })
    else {
        return raw::throw_config(
            env,
            "verifyApplicationCallback takes (handle, method, path, headersFlat, body, now, tolerance)",
        );
    };
    let Some(handle) = (unsafe { raw::u32_arg(env, handle) }) else {
        return raw::throw_config(env, "the credentials handle must be a number");
    };
    let (mut method_buf, mut path_buf) =
        ([MaybeUninit::uninit(); 64], [MaybeUninit::uninit(); 1024]);
    let (Some(method), Some(path)) = (
        unsafe { raw::read_str(env, method, &mut method_buf) },
        unsafe { raw::read_str(env, path, &mut path_buf) },
    ) else {
        return raw::throw_config(env, "the method and path must be strings");
    };
    let (headers, body) = match unsafe { headers_and_body(env, headers_flat, body) } {
        Ok(args) => args,
        Err(what) => return raw::throw_config(env, what),
    };
    let options = unsafe { verify_options(env, now, tolerance) };
    finish(env, || {
        let options = options?;
        app_handles::with(handle, |app| {
            core::verify_application_callback(app, &method, &path, &headers, body, &options)
        })
    })
}
