//! `sign_request`, the signing hot path, as a plain CPython vectorcall function.
//!
//! Why not `#[pyfunction]`: under abi3-py39 pyo3 is called through an argument tuple and a
//! keyword dict and encodes every `str` into a new `bytes`; measured here that put ~40% on top
//! of the core for a 1 KiB signature. This entry point takes the common call shape (3 to 6
//! positional arguments, `str` fields, a `bytes` or `None` body small enough to hash with the
//! GIL held, no keywords) and reads the strings in place. Every other call goes to the general
//! function (`verify::sign_request`), which takes every form and raises every error; both end
//! in `sinch_auth::sign_authorization_into`, so the results are the same.
//!
//! The two things used beyond the 3.9 stable ABI, `METH_FASTCALL | METH_KEYWORDS` and
//! `PyUnicode_AsUTF8AndSize` (`convert::utf8_of`), are public CPython API with these exact
//! signatures since 3.7 and 3.3 and entered the stable ABI unchanged in 3.10, so the abi3
//! module still loads and runs on 3.9 (`scripts/python-versions.sh` runs the suite on 3.9–3.13).

use crate::convert::{utf8_of, DETACH_ABOVE};
use crate::credentials::ApplicationCredentials;
use crate::errors::{panic_to_py_err, to_py_err};
use crate::verify::{signed_headers, SentTimestamp};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};
use sinch_auth as core;
use std::ffi::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

const METH_FASTCALL: c_int = 0x0080;

const DOC: &std::ffi::CStr = c"sign_request(app, method, path, body=None, content_type='application/json', timestamp=None, *, include_query=False, scheme='application')\n--\n\nThe two headers of an application-signed request: {\"Authorization\": ..., \"x-timestamp\": ...}.";

/// The pyo3 function every other call shape goes to.
static GENERAL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Adds `sign_request` to the module, `general` taking the calls `fast` does not.
pub fn register(m: &Bound<'_, PyModule>, general: Bound<'_, PyAny>) -> PyResult<()> {
    let py = m.py();
    GENERAL.get_or_init(py, || general.unbind());
    // CPython keeps a pointer to the definition for the function's lifetime: leak one.
    let def = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: c"sign_request".as_ptr(),
        // SAFETY: the flags below say this is a fastcall-with-keywords function; CPython calls
        // it with that signature, which is what `sign_request_fast` has.
        ml_meth: ffi::PyMethodDefPointer {
            PyCFunction: unsafe {
                std::mem::transmute::<FastWithKeywords, ffi::PyCFunction>(sign_request_fast)
            },
        },
        ml_flags: METH_FASTCALL | ffi::METH_KEYWORDS,
        ml_doc: DOC.as_ptr(),
    }));
    let module_name = m.name()?;
    // SAFETY: `def` lives forever; the module and its name are valid objects (borrowed here,
    // CPython takes its own references).
    let f = unsafe {
        let raw = ffi::PyCFunction_NewEx(def, m.as_ptr(), module_name.as_ptr());
        Bound::from_owned_ptr_or_err(py, raw)?
    };
    m.add("sign_request", f)
}

type FastWithKeywords = unsafe extern "C" fn(
    *mut ffi::PyObject,
    *const *mut ffi::PyObject,
    ffi::Py_ssize_t,
    *mut ffi::PyObject,
) -> *mut ffi::PyObject;

/// # Safety
/// Called by CPython with the GIL held, `args` holding `nargs` positional arguments followed by
/// one value per name in `kwnames` (a tuple or NULL).
unsafe extern "C" fn sign_request_fast(
    _module: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls us attached to the interpreter.
    let py = unsafe { Python::assume_attached() };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: as documented on this function.
        match unsafe { fast(py, args, nargs, kwnames) } {
            Some(result) => result,
            None => unsafe { call_general(py, args, nargs, kwnames) },
        }
    }));
    let result = outcome.unwrap_or_else(|payload| Err(panic_to_py_err(py, payload)));
    match result {
        Ok(obj) => obj.into_ptr(),
        Err(e) => {
            e.restore(py);
            ptr::null_mut()
        }
    }
}

/// The common shape signed in place; None when the call has another shape.
unsafe fn fast<'py>(
    py: Python<'py>,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> Option<PyResult<Bound<'py, PyAny>>> {
    // SAFETY (whole function): CPython passes `nargs` valid borrowed objects in `args`, alive
    // for this call; string and bytes pointers read from them live as long as they do.
    if !kwnames.is_null() && unsafe { ffi::PyTuple_Size(kwnames) } != 0 {
        return None;
    }
    if !(3..=6).contains(&nargs) {
        return None;
    }
    let args = unsafe { std::slice::from_raw_parts(args, nargs as usize) };
    let arg = |i: usize| {
        args.get(i)
            .copied()
            .filter(|&a| a != unsafe { ffi::Py_None() })
    };
    let app = unsafe { Borrowed::from_ptr(py, args[0]) };
    let app = app.cast::<ApplicationCredentials>().ok()?;
    let method = unsafe { utf8(args[1]) }?;
    let path = unsafe { utf8(args[2]) }?;
    let body: &[u8] = match arg(3) {
        None => &[],
        Some(b) if unsafe { ffi::PyBytes_CheckExact(b) } != 0 => unsafe {
            let len = ffi::PyBytes_Size(b) as usize;
            if len > DETACH_ABOVE {
                return None;
            }
            std::slice::from_raw_parts(ffi::PyBytes_AsString(b) as *const u8, len)
        },
        Some(_) => return None,
    };
    let content_type = match arg(4) {
        None => "application/json",
        Some(c) => unsafe { utf8(c) }?,
    };
    let timestamp = match arg(5) {
        None => None,
        Some(t) => Some((t, unsafe { utf8(t) }?)),
    };
    let mut req = core::SignRequest::new(method, path)
        .body(body)
        .content_type(content_type);
    if let Some((_, t)) = timestamp {
        req = req.timestamp(t);
    }
    let headers = core::with_authorization(&app.get().inner, &req, |authorization, sent| {
        let sent = match timestamp {
            // SAFETY: the timestamp is an argument of this call, alive for its duration.
            Some((t, _)) => SentTimestamp::Given(unsafe { Borrowed::from_ptr(py, t) }),
            None => SentTimestamp::Generated(sent),
        };
        signed_headers(py, authorization, sent).map(Bound::into_any)
    });
    Some(headers.unwrap_or_else(|e| Err(to_py_err(py, e))))
}

/// A `str` argument's UTF-8, borrowed from the object; None for anything else, and for a
/// `str` that cannot be encoded (the general path raises for it).
unsafe fn utf8<'a>(obj: *mut ffi::PyObject) -> Option<&'a str> {
    // SAFETY: `obj` is a live argument of this call, which outlives `'a`.
    unsafe {
        if ffi::PyUnicode_Check(obj) == 0 {
            return None;
        }
        let text = utf8_of(obj);
        if text.is_none() {
            ffi::PyErr_Clear();
        }
        text
    }
}

/// Any other call shape: `general(*args, **kwargs)`.
unsafe fn call_general<'py>(
    py: Python<'py>,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: as on `sign_request_fast`: `nargs` positional values, then one per keyword name.
    unsafe {
        let nkw = if kwnames.is_null() {
            0
        } else {
            ffi::PyTuple_Size(kwnames) as usize
        };
        let all = std::slice::from_raw_parts(args, nargs as usize + nkw);
        let positional = PyTuple::new(
            py,
            all[..nargs as usize]
                .iter()
                .map(|&a| Borrowed::from_ptr(py, a)),
        )?;
        let kwargs = PyDict::new(py);
        if nkw > 0 {
            let names = Borrowed::from_ptr(py, kwnames).cast_unchecked::<PyTuple>();
            for (name, &value) in names.iter().zip(&all[nargs as usize..]) {
                kwargs.set_item(name, Borrowed::from_ptr(py, value))?;
            }
        }
        let general = GENERAL
            .get(py)
            .expect("registered before the module is returned");
        general.bind(py).call(positional, Some(&kwargs))
    }
}
