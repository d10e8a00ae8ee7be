//! Plain Node-API plumbing for the hot entry points (`hot_path`, `hot_verify`): arguments,
//! strings into caller buffers, body views, optional numbers, thrown errors.
//!
//! Why not `#[napi]` there: its wrapper converts each `String` with a length query plus a
//! zeroed heap buffer, and each `Vec<String>` element through the same plus an element read;
//! measured here that was most of the binding's cost for signing and for webhook headers.

use crate::errors::message_for;
use napi::sys;
use sinch_auth as core;
use std::borrow::Cow;
use std::ffi::{c_char, CString};
use std::mem::MaybeUninit;
use std::ptr;

pub type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

/// Sets `exports[name]` to a function calling `cb`.
///
/// # Safety
/// `env` and `exports` must be live.
pub unsafe fn export(
    env: sys::napi_env,
    exports: sys::napi_value,
    name: &str,
    cb: Callback,
) -> napi::Result<()> {
    let mut f = ptr::null_mut();
    let c_name = CString::new(name).expect("no NUL in the name");
    napi::check_status!(unsafe {
        sys::napi_create_function(
            env,
            c_name.as_ptr(),
            name.len() as isize,
            Some(cb),
            ptr::null_mut(),
            &mut f,
        )
    })?;
    napi::check_status!(unsafe { sys::napi_set_named_property(env, exports, c_name.as_ptr(), f) })
}

/// The call's first `N` arguments; `None` when fewer were passed.
///
/// # Safety
/// `env` and `info` must be the live ones of the current call.
pub unsafe fn args<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Option<[sys::napi_value; N]> {
    let mut argc = N;
    let mut argv = [ptr::null_mut(); N];
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    (status == sys::Status::napi_ok && argc >= N).then_some(argv)
}

/// A JS string as UTF-8: in `buf` when it fits, on the heap otherwise. `None` when `value` is
/// not a string. Node writes lone surrogates as U+FFFD and never cuts a character.
///
/// # Safety
/// `env` and `value` must be live.
pub unsafe fn read_str<'b>(
    env: sys::napi_env,
    value: sys::napi_value,
    buf: &'b mut [MaybeUninit<u8>],
) -> Option<Cow<'b, str>> {
    let mut n = 0usize;
    let at = buf.as_mut_ptr() as *mut c_char;
    let status = unsafe { sys::napi_get_value_string_utf8(env, value, at, buf.len(), &mut n) };
    if status != sys::Status::napi_ok {
        return None;
    }
    // Node fills at most len - 1 bytes and writes whole characters only (up to 4 bytes each),
    // so a string was cut only if fewer than 4 bytes were left unused: then read it whole.
    if n + 5 <= buf.len() {
        // SAFETY: Node wrote these `n` bytes.
        let bytes = unsafe { std::slice::from_raw_parts(at as *const u8, n) };
        return utf8(bytes).map(Cow::Borrowed);
    }
    let mut total = 0usize;
    let status =
        unsafe { sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut total) };
    if status != sys::Status::napi_ok {
        return None;
    }
    let mut heap = vec![0u8; total + 1];
    let status = unsafe {
        sys::napi_get_value_string_utf8(env, value, heap.as_mut_ptr().cast(), heap.len(), &mut n)
    };
    if status != sys::Status::napi_ok {
        return None;
    }
    heap.truncate(n);
    String::from_utf8(heap).ok().map(Cow::Owned)
}

fn utf8(bytes: &[u8]) -> Option<&str> {
    if bytes.is_ascii() {
        // SAFETY: ASCII is UTF-8 (the common case, checked word by word).
        return Some(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes).ok()
}

/// The bytes of a Buffer or Uint8Array, borrowed for the current (synchronous) call.
///
/// # Safety
/// `env` and `value` must be live; the result must not outlive the call.
pub unsafe fn body<'a>(env: sys::napi_env, value: sys::napi_value) -> Option<&'a [u8]> {
    let (mut data, mut len) = (ptr::null_mut(), 0usize);
    if unsafe { sys::napi_get_buffer_info(env, value, &mut data, &mut len) } != sys::Status::napi_ok
    {
        return None;
    }
    if len == 0 || data.is_null() {
        return Some(&[]);
    }
    // SAFETY: the view stays alive and unmoved for this synchronous call (it is on the JS stack).
    Some(unsafe { std::slice::from_raw_parts(data as *const u8, len) })
}

/// A value that should have been a number (or absent).
pub struct NotANumber;

/// A number, or `None` for `undefined`/`null`; `Err` for anything else.
///
/// # Safety
/// `env` and `value` must be live.
pub unsafe fn opt_number(
    env: sys::napi_env,
    value: sys::napi_value,
) -> Result<Option<f64>, NotANumber> {
    let mut kind = 0;
    if unsafe { sys::napi_typeof(env, value, &mut kind) } != sys::Status::napi_ok {
        return Err(NotANumber);
    }
    match kind {
        sys::ValueType::napi_undefined | sys::ValueType::napi_null => Ok(None),
        sys::ValueType::napi_number => {
            let mut n = 0f64;
            if unsafe { sys::napi_get_value_double(env, value, &mut n) } != sys::Status::napi_ok {
                return Err(NotANumber);
            }
            Ok(Some(n))
        }
        _ => Err(NotANumber),
    }
}

/// A `u32` argument (a credentials handle, flags).
///
/// # Safety
/// `env` and `value` must be live.
pub unsafe fn u32_arg(env: sys::napi_env, value: sys::napi_value) -> Option<u32> {
    let mut n = 0u32;
    (unsafe { sys::napi_get_value_uint32(env, value, &mut n) } == sys::Status::napi_ok).then_some(n)
}

pub fn throw_config(env: sys::napi_env, what: &str) -> sys::napi_value {
    throw(env, &message_for(&core::Error::config(what)))
}

/// Throws an Error with `message` (the JS layer turns it into its typed class).
pub fn throw(env: sys::napi_env, message: &str) -> sys::napi_value {
    let message = CString::new(message.replace('\0', "\u{fffd}")).unwrap_or_default();
    unsafe { sys::napi_throw_error(env, ptr::null(), message.as_ptr()) };
    ptr::null_mut()
}

pub fn undefined(env: sys::napi_env) -> sys::napi_value {
    let mut out = ptr::null_mut();
    unsafe { sys::napi_get_undefined(env, &mut out) };
    out
}

/// Overwrites a copy of a secret before its memory is reused.
pub fn wipe(bytes: &mut [MaybeUninit<u8>]) {
    for b in bytes {
        // SAFETY: a valid, aligned place; volatile so the write is not elided.
        unsafe { ptr::write_volatile(b, MaybeUninit::new(0)) };
    }
}
