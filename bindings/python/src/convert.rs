//! Python values -> core arguments: bodies, header mappings, times.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};
use sinch_auth::webhook::Headers;
use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Bodies smaller than this are hashed with the GIL held: releasing and re-taking it costs
/// more than the work. Larger ones are hashed with the GIL released.
pub const DETACH_ABOVE: usize = 16 * 1024;

/// The body's bytes, borrowed when it is `bytes` or `str` (no copy), copied otherwise.
pub fn body_cow<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(b.as_bytes()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Cow::Borrowed(borrowed_utf8(s)?.as_bytes()));
    }
    body_bytes(obj).map(Cow::Owned)
}

/// A `str` argument's text, borrowed (see [`borrowed_utf8`]); a `TypeError` naming it
/// otherwise.
pub fn str_arg<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<&'a str> {
    match obj.cast::<PyString>() {
        Ok(s) => borrowed_utf8(s),
        Err(_) => Err(PyTypeError::new_err(format!("{what} must be a str"))),
    }
}

/// bytes, bytearray, memoryview or str (UTF-8) -> raw bytes.
pub fn body_bytes(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(borrowed_utf8(s)?.as_bytes().to_vec());
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(b.to_vec());
    }
    if obj.is_none() {
        return Ok(Vec::new());
    }
    if obj.hasattr("tobytes")? {
        return body_bytes(&obj.call_method0("tobytes")?);
    }
    Err(PyTypeError::new_err(
        "body must be bytes, bytearray, memoryview or str (the raw body as received)",
    ))
}

// Public CPython API with this signature since 3.3, and in the stable ABI (unchanged) since
// 3.10; the abi3-py39 module uses it on 3.9 too (see `hot_path`).
extern "C" {
    fn PyUnicode_AsUTF8AndSize(
        unicode: *mut pyo3::ffi::PyObject,
        size: *mut pyo3::ffi::Py_ssize_t,
    ) -> *const std::ffi::c_char;
}

/// A `str`'s UTF-8, borrowed from the object (CPython caches it there): no copy, no `bytes`.
/// Errors for a `str` that cannot be encoded (lone surrogates).
pub fn borrowed_utf8<'a>(s: &'a Bound<'_, PyString>) -> PyResult<&'a str> {
    // SAFETY: `s` is a live `str`, and `'a` borrows it.
    unsafe { utf8_of(s.as_ptr()) }.ok_or_else(|| PyErr::fetch(s.py()))
}

/// [`borrowed_utf8`] on a raw object; `None` with the Python error set when it cannot be
/// encoded.
///
/// # Safety
/// `obj` must be a live `str`, and outlive `'a`.
pub unsafe fn utf8_of<'a>(obj: *mut pyo3::ffi::PyObject) -> Option<&'a str> {
    let mut len: pyo3::ffi::Py_ssize_t = 0;
    // SAFETY: as documented; the buffer lives as long as the object.
    unsafe {
        let p = PyUnicode_AsUTF8AndSize(obj, &mut len);
        if p.is_null() {
            return None;
        }
        let bytes = std::slice::from_raw_parts(p.cast::<u8>(), len as usize);
        // CPython's UTF-8 of a str is valid UTF-8 (it raises on lone surrogates instead).
        Some(std::str::from_utf8_unchecked(bytes))
    }
}

fn text<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, str>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return borrowed_utf8(s).map(Cow::Borrowed);
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(String::from_utf8_lossy(b.as_bytes()));
    }
    Err(PyTypeError::new_err(
        "header names and values must be str or bytes",
    ))
}

fn value_bytes<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<&'a [u8]> {
    if let Ok(s) = obj.cast::<PyString>() {
        return borrowed_utf8(s).map(str::as_bytes);
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes());
    }
    Err(PyTypeError::new_err(
        "header names and values must be str or bytes",
    ))
}

/// Any mapping (dict, requests/httpx/starlette/werkzeug headers) or iterable of pairs; a
/// value may be a list of values.
fn for_each_header(
    obj: &Bound<'_, PyAny>,
    mut f: impl FnMut(&str, &Bound<'_, PyAny>) -> PyResult<()>,
) -> PyResult<()> {
    if let Ok(d) = obj.cast::<PyDict>() {
        for (name, value) in d.iter() {
            let name = text(&name)?;
            if value.cast::<PyString>().is_ok() || value.cast::<PyBytes>().is_ok() {
                f(&name, &value)?;
            } else {
                for v in value.try_iter()? {
                    f(&name, &v?)?;
                }
            }
        }
        return Ok(());
    }
    let items = if obj.hasattr("items")? {
        obj.call_method0("items")?
    } else {
        obj.clone()
    };
    for item in items.try_iter()? {
        let item = item?;
        let (name, value) = pair(&item).ok_or_else(|| {
            PyTypeError::new_err("headers must be a mapping or an iterable of (name, value) pairs")
        })?;
        let name = text(&name)?;
        if value.cast::<PyString>().is_err() && value.cast::<PyBytes>().is_err() {
            if let Ok(values) = value.try_iter() {
                for v in values {
                    f(&name, &v?)?;
                }
                continue;
            }
        }
        f(&name, &value)?;
    }
    Ok(())
}

/// A 2-tuple or a 2-list.
fn pair<'py>(item: &Bound<'py, PyAny>) -> Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    if let Ok(t) = item.extract::<(Bound<'py, PyAny>, Bound<'py, PyAny>)>() {
        return Some(t);
    }
    if item.cast::<PyString>().is_ok() || item.cast::<PyBytes>().is_ok() {
        return None;
    }
    let mut it = item.try_iter().ok()?;
    let name = it.next()?.ok()?;
    let value = it.next()?.ok()?;
    it.next().is_none().then_some((name, value))
}

pub fn header_map(obj: &Bound<'_, PyAny>) -> PyResult<Headers> {
    let mut h = Headers::new();
    for_each_header(obj, |n, v| {
        h.insert(n, value_bytes(v)?);
        Ok(())
    })?;
    Ok(h)
}

pub fn header_pairs(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for_each_header(obj, |n, v| {
        out.push((n.to_owned(), text(v)?.into_owned()));
        Ok(())
    })?;
    Ok(out)
}

/// Seconds as int/float or a `timedelta`.
pub fn seconds(obj: &Bound<'_, PyAny>) -> PyResult<Duration> {
    let secs: f64 = match obj.extract::<f64>() {
        Ok(s) => s,
        Err(_) if obj.hasattr("total_seconds")? => obj.call_method0("total_seconds")?.extract()?,
        Err(_) => {
            return Err(PyTypeError::new_err(
                "expected seconds (int or float) or a timedelta",
            ))
        }
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "a duration must be a finite, non-negative number of seconds",
        ));
    }
    Ok(Duration::from_secs_f64(secs.min(1e10)))
}

/// Epoch seconds (int/float) or a `datetime` (naive means UTC).
pub fn instant(obj: &Bound<'_, PyAny>) -> PyResult<SystemTime> {
    let secs: f64 = if let Ok(s) = obj.extract::<f64>() {
        s
    } else if obj.hasattr("timestamp")? {
        let tz = obj.getattr("tzinfo")?;
        if tz.is_none() {
            let utc = obj
                .py()
                .import("datetime")?
                .getattr("timezone")?
                .getattr("utc")?;
            let kwargs = pyo3::types::PyDict::new(obj.py());
            kwargs.set_item("tzinfo", utc)?;
            obj.call_method("replace", (), Some(&kwargs))?
                .call_method0("timestamp")?
                .extract()?
        } else {
            obj.call_method0("timestamp")?.extract()?
        }
    } else {
        obj.extract()
            .map_err(|_| PyTypeError::new_err("now must be epoch seconds or a datetime"))?
    };
    if !secs.is_finite() {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "now must be finite",
        ));
    }
    Ok(if secs >= 0.0 {
        UNIX_EPOCH + Duration::from_secs_f64(secs.min(1e12))
    } else {
        UNIX_EPOCH - Duration::from_secs_f64((-secs).min(1e12))
    })
}

/// The freshness tolerance argument: absent (the default window), `None` (off), or seconds.
pub enum Tolerance {
    Default,
    Off,
    Seconds(Duration),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Tolerance {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_none() {
            return Ok(Tolerance::Off);
        }
        seconds(&obj.to_owned()).map(Tolerance::Seconds)
    }
}

impl Tolerance {
    pub fn get(&self) -> Option<Duration> {
        match self {
            Tolerance::Default => Some(sinch_auth::webhook::DEFAULT_TOLERANCE),
            Tolerance::Off => None,
            Tolerance::Seconds(d) => Some(*d),
        }
    }
}
