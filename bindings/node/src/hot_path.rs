//! `signAuthorization`, the signing hot path, as a plain Node-API callback (see `raw` for
//! why): the four fields read into one stack buffer, the body borrowed for the call, a
//! Latin-1 result (the header is ASCII unless the application key is not). It translates
//! only: the signing is `sinch_auth::sign_request`.

use crate::app_handles;
use crate::errors::{message_for, panic_message};
use crate::raw;
use napi::sys;
use sinch_auth as core;
use std::borrow::Cow;
use std::ffi::c_char;
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// The Authorization header for one request:
/// `signAuthorization(handle, method, path, contentType, timestamp, body, flags)`, `handle`
/// from `ApplicationCredentials.handle`, `body` a Buffer or Uint8Array, `flags` 1 = include
/// the query, 2 = the `service` scheme.
///
/// # Safety
/// Called by Node with a live `env` and `info`, on the JS thread.
pub unsafe extern "C" fn sign_authorization(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let Some(argv) = (unsafe { raw::args::<7>(env, info) }) else {
        return raw::throw_config(
            env,
            "signAuthorization takes (handle, method, path, contentType, timestamp, body, flags)",
        );
    };
    let (Some(handle), Some(flags)) = (unsafe { raw::u32_arg(env, argv[0]) }, unsafe {
        raw::u32_arg(env, argv[6])
    }) else {
        return raw::throw_config(env, "the credentials handle and flags must be numbers");
    };
    let mut texts = Texts::new();
    for (i, what) in [
        (1, "method"),
        (2, "path"),
        (3, "content type"),
        (4, "timestamp"),
    ] {
        if unsafe { texts.read(env, argv[i]) }.is_none() {
            return raw::throw_config(env, &format!("the {what} must be a string"));
        }
    }
    let Some(body) = (unsafe { raw::body(env, argv[5]) }) else {
        return raw::throw_config(env, "the body must be a Buffer or Uint8Array");
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
    raw::throw(env, &message)
}

fn sign(handle: u32, texts: &Texts, body: &[u8], flags: u32) -> core::Result<String> {
    let [method, path, content_type, timestamp] = texts.strs();
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
    /// Offset and length of checked UTF-8 in `stack`.
    Stack(usize, usize),
    Heap(String),
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
        let at = self.used;
        let part = match unsafe { raw::read_str(env, value, &mut self.stack[at..]) }? {
            Cow::Borrowed(s) => Part::Stack(at, s.len()),
            Cow::Owned(s) => Part::Heap(s),
        };
        if let Part::Stack(_, n) = part {
            self.used += n + 1;
        }
        self.parts[self.count] = part;
        self.count += 1;
        Some(())
    }

    fn strs(&self) -> [&str; 4] {
        let [a, b, c, d] = &self.parts;
        [self.str(a), self.str(b), self.str(c), self.str(d)]
    }

    fn str<'a>(&'a self, part: &'a Part) -> &'a str {
        match part {
            Part::Missing => "",
            // SAFETY: `read_str` wrote and checked these `n` bytes of UTF-8.
            Part::Stack(at, n) => unsafe {
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                    self.stack.as_ptr().add(*at) as *const u8,
                    *n,
                ))
            },
            Part::Heap(s) => s,
        }
    }
}
