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
/// from `ApplicationCredentials.handle`, `body` a Buffer or Uint8Array. `flags`: 1 = include
/// the query, 2 = the `service` scheme; bits 2–4 a common method as a code (`known_method`)
/// and bit 5 the content type `application/json`, whose strings are then not read (~20 ns
/// each; the JS layer finds them with `===`).
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
    // A separate local: inside `Texts` next to zeroed fields, LLVM zero-filled it (~30 ns).
    let mut stack = [MaybeUninit::uninit(); STACK];
    let mut texts = Texts::new(&mut stack);
    for (i, what, known) in [
        (1, "method", known_method(flags >> 2 & 7)),
        (2, "path", None),
        (
            3,
            "content type",
            (flags & 32 != 0).then_some("application/json"),
        ),
        (4, "timestamp", None),
    ] {
        if let Some(text) = known {
            texts.push(Part::Known(text));
        } else if unsafe { texts.read(env, argv[i]) }.is_none() {
            return raw::throw_config(env, &format!("the {what} must be a string"));
        }
    }
    let Some(body) = (unsafe { raw::body(env, argv[5]) }) else {
        return raw::throw_config(env, "the body must be a Buffer or Uint8Array");
    };
    let signed = catch_unwind(AssertUnwindSafe(|| sign(env, handle, &texts, body, flags)));
    let message = match signed {
        Ok(Ok(Some(value))) => return value,
        Ok(Ok(None)) => message_for(&core::Error::config("could not create the result string")),
        Ok(Err(e)) => message_for(&e),
        Err(p) => panic_message(p),
    };
    raw::throw(env, &message)
}

/// The Authorization value as a JS string; `None` when Node could not make the string.
fn sign(
    env: sys::napi_env,
    handle: u32,
    texts: &Texts,
    body: &[u8],
    flags: u32,
) -> core::Result<Option<sys::napi_value>> {
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
    // The credentials leave the registry's lock before any JS value is made: making one can
    // run a garbage collection, whose finalizers take that lock to release handles.
    let app = app_handles::get(handle)?;
    core::with_authorization(&app, &req, |authorization, _| {
        let (at, n) = (
            authorization.as_ptr() as *const c_char,
            authorization.len() as isize,
        );
        let mut value = ptr::null_mut();
        // Latin-1 is a plain copy for V8; only an application key with non-ASCII
        // characters needs the UTF-8 decoder.
        let status = if app.app_key().is_ascii() {
            unsafe { sys::napi_create_string_latin1(env, at, n, &mut value) }
        } else {
            unsafe { sys::napi_create_string_utf8(env, at, n, &mut value) }
        };
        (status == sys::Status::napi_ok).then_some(value)
    })
}

/// The method behind a code in `flags` (the same table as `methodCode` in node/index.js).
fn known_method(code: u32) -> Option<&'static str> {
    match code {
        1 => Some("POST"),
        2 => Some("GET"),
        3 => Some("PUT"),
        4 => Some("DELETE"),
        5 => Some("PATCH"),
        _ => None,
    }
}

const STACK: usize = 1024;

/// Four JS strings as UTF-8, in one stack buffer (the heap for any that does not fit).
struct Texts<'b> {
    stack: &'b mut [MaybeUninit<u8>; STACK],
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
    /// A common value the JS layer passed as a code instead.
    Known(&'static str),
}

impl<'b> Texts<'b> {
    fn new(stack: &'b mut [MaybeUninit<u8>; STACK]) -> Self {
        Texts {
            stack,
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
        self.push(part);
        Some(())
    }

    fn push(&mut self, part: Part) {
        if let Some(slot) = self.parts.get_mut(self.count) {
            *slot = part;
            self.count += 1;
        }
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
            Part::Known(s) => s,
        }
    }
}
