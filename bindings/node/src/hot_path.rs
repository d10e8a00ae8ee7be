//! `signAuthorization`, the signing hot path, as a plain Node-API callback.
//!
//! Why not `#[napi]`: the generated wrapper opens a borrow scope and converts each `String`
//! with a length query plus a zeroed heap buffer on every call; measured here that was ~200 ns
//! of a ~1 µs budget. This callback reads the four fields into one stack buffer, borrows the
//! body bytes for the duration of the call, and returns a Latin-1 string (the header is
//! ASCII unless the application key is not). It translates only: the signing is
//! `sinch_auth::sign_request`.

use crate::app_handles;
use crate::errors::{message_for, panic_message};
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use sinch_auth as core;
use std::ffi::{c_char, CString};
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

const NAME: &str = "signAuthorization";

#[napi(module_exports)]
pub fn register_hot_path(exports: Object, env: Env) -> Result<()> {
    let mut f = ptr::null_mut();
    let name = CString::new(NAME).expect("no NUL in the name");
    check_status!(unsafe {
        sys::napi_create_function(
            env.raw(),
            name.as_ptr(),
            NAME.len() as isize,
            Some(sign_authorization),
            ptr::null_mut(),
            &mut f,
        )
    })?;
    check_status!(unsafe {
        sys::napi_set_named_property(env.raw(), exports.raw(), name.as_ptr(), f)
    })
}

/// The Authorization header for one request:
/// `signAuthorization(handle, method, path, contentType, timestamp, body, flags)`, `handle`
/// from `ApplicationCredentials.handle`, `body` a Buffer or Uint8Array, `flags` 1 = include
/// the query, 2 = the `service` scheme.
///
/// # Safety
/// Called by Node with a live `env` and `info`, on the JS thread.
unsafe extern "C" fn sign_authorization(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let mut argc = 7usize;
    let mut argv = [ptr::null_mut(); 7];
    let ok = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    } == sys::Status::napi_ok;
    if !ok || argc < 7 {
        return throw_config(
            env,
            "signAuthorization takes (handle, method, path, contentType, timestamp, body, flags)",
        );
    }
    let (mut handle, mut flags) = (0u32, 0u32);
    if unsafe { sys::napi_get_value_uint32(env, argv[0], &mut handle) } != sys::Status::napi_ok
        || unsafe { sys::napi_get_value_uint32(env, argv[6], &mut flags) } != sys::Status::napi_ok
    {
        return throw_config(env, "the credentials handle and flags must be numbers");
    }
    let mut texts = Texts::new();
    for (i, what) in [
        (1, "method"),
        (2, "path"),
        (3, "content type"),
        (4, "timestamp"),
    ] {
        if unsafe { texts.read(env, argv[i]) }.is_none() {
            return throw_config(env, &format!("the {what} must be a string"));
        }
    }
    let (mut data, mut len) = (ptr::null_mut(), 0usize);
    if unsafe { sys::napi_get_buffer_info(env, argv[5], &mut data, &mut len) }
        != sys::Status::napi_ok
    {
        return throw_config(env, "the body must be a Buffer or Uint8Array");
    }
    let body: &[u8] = if len == 0 || data.is_null() {
        &[]
    } else {
        // The view stays alive and unmoved for this synchronous call (it is on the JS stack).
        unsafe { std::slice::from_raw_parts(data as *const u8, len) }
    };
    let signed = catch_unwind(AssertUnwindSafe(|| sign(handle, &texts, body, flags)));
    let message = match signed {
        Ok(Ok(authorization)) => {
            let mut out = ptr::null_mut();
            let (at, n) = (
                authorization.as_ptr() as *const c_char,
                authorization.len() as isize,
            );
            // Latin-1 is a plain copy for V8; only an application key with non-ASCII
            // characters needs the UTF-8 decoder.
            let status = if authorization.is_ascii() {
                unsafe { sys::napi_create_string_latin1(env, at, n, &mut out) }
            } else {
                unsafe { sys::napi_create_string_utf8(env, at, n, &mut out) }
            };
            if status == sys::Status::napi_ok {
                return out;
            }
            message_for(&core::Error::config("could not create the result string"))
        }
        Ok(Err(e)) => message_for(&e),
        Err(p) => panic_message(p),
    };
    throw(env, &message)
}

fn sign(handle: u32, texts: &Texts, body: &[u8], flags: u32) -> core::Result<String> {
    let [method, path, content_type, timestamp] = texts.strs()?;
    let scheme = if flags & 2 != 0 {
        core::SigningScheme::Service
    } else {
        core::SigningScheme::Application
    };
    let req = core::SignRequest::new(method, path)
        .body(body)
        .content_type(content_type)
        .timestamp(timestamp)
        .include_query(flags & 1 != 0)
        .scheme(scheme);
    app_handles::with(handle, |app| {
        Ok(core::sign_request(app, &req)?.authorization)
    })
}

const STACK: usize = 1024;

/// Four JS strings as UTF-8, in one stack buffer (the heap for any that does not fit).
struct Texts {
    stack: [MaybeUninit<u8>; STACK],
    used: usize,
    parts: [Part; 4],
    count: usize,
}

#[derive(Default)]
enum Part {
    #[default]
    Missing,
    /// Offset and length in `stack`.
    Stack(usize, usize),
    Heap(Vec<u8>),
}

impl Texts {
    fn new() -> Self {
        Texts {
            stack: [MaybeUninit::uninit(); STACK],
            used: 0,
            parts: Default::default(),
            count: 0,
        }
    }

    /// Reads the next string; `None` when `value` is not a string.
    ///
    /// # Safety
    /// `env` and `value` must be live.
    unsafe fn read(&mut self, env: sys::napi_env, value: sys::napi_value) -> Option<()> {
        if self.count == self.parts.len() {
            return None;
        }
        let free = STACK - self.used;
        let mut n = 0usize;
        let at = unsafe { self.stack.as_mut_ptr().add(self.used) } as *mut c_char;
        if unsafe { sys::napi_get_value_string_utf8(env, value, at, free, &mut n) }
            != sys::Status::napi_ok
        {
            return None;
        }
        // Node writes at most free - 1 bytes and a NUL: a full buffer may mean a cut string.
        let part = if n + 1 < free {
            let part = Part::Stack(self.used, n);
            self.used += n + 1;
            part
        } else {
            let mut total = 0usize;
            let status = unsafe {
                sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut total)
            };
            if status != sys::Status::napi_ok {
                return None;
            }
            let mut heap = vec![0u8; total + 1];
            let status = unsafe {
                sys::napi_get_value_string_utf8(
                    env,
                    value,
                    heap.as_mut_ptr().cast(),
                    heap.len(),
                    &mut n,
                )
            };
            if status != sys::Status::napi_ok {
                return None;
            }
            heap.truncate(n);
            Part::Heap(heap)
        };
        self.parts[self.count] = part;
        self.count += 1;
        Some(())
    }

    fn strs(&self) -> core::Result<[&str; 4]> {
        let [a, b, c, d] = &self.parts;
        Ok([self.str(a)?, self.str(b)?, self.str(c)?, self.str(d)?])
    }

    fn str<'a>(&'a self, part: &'a Part) -> core::Result<&'a str> {
        let bytes: &[u8] = match part {
            Part::Missing => &[],
            // SAFETY: Node wrote these `n` bytes in `read`.
            Part::Stack(at, n) => unsafe {
                std::slice::from_raw_parts(self.stack.as_ptr().add(*at) as *const u8, *n)
            },
            Part::Heap(v) => v,
        };
        if bytes.is_ascii() {
            // SAFETY: ASCII is UTF-8 (the common case, checked word by word).
            return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
        }
        std::str::from_utf8(bytes)
            .map_err(|_| core::Error::config("a field to sign is not valid UTF-8"))
    }
}

fn throw_config(env: sys::napi_env, what: &str) -> sys::napi_value {
    throw(env, &message_for(&core::Error::config(what)))
}

fn throw(env: sys::napi_env, message: &str) -> sys::napi_value {
    let message = CString::new(message.replace('\0', "\u{fffd}")).unwrap_or_default();
    unsafe { sys::napi_throw_error(env, ptr::null(), message.as_ptr()) };
    ptr::null_mut()
}
