//! Python values -> core arguments: bodies, header mappings, times.

use crate::errors::to_py_err;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};
use sinch_auth::webhook::Headers;
use std::borrow::Cow;
use std::time::{Duration, SystemTime};

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

/// A `str` argument's text, borrowed; a `ConfigError` naming the argument otherwise.
pub fn str_arg<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<&'a str> {
    match obj.cast::<PyString>() {
        Ok(s) => borrowed_utf8(s),
        Err(_) => Err(config_error(
            obj.py(),
            format!(
                "{what} must be a str, not {}",
                obj.get_type()
                    .name()
                    .map_or_else(|_| "?".into(), |n| n.to_string())
            ),
        )),
    }
}

/// A `ConfigError` (also a `ValueError`) with `message`.
pub fn config_error(py: Python<'_>, message: String) -> PyErr {
    to_py_err(py, sinch_auth::Error::config(message))
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
    let got = obj
        .get_type()
        .name()
        .map_or_else(|_| "?".into(), |n| n.to_string());
    Err(to_py_err(
        obj.py(),
        sinch_auth::webhook::raw_body_required(
            &format!("a {got} (pass bytes, bytearray, memoryview or str)"),
            "python",
        ),
    ))
}

/// A `str`'s UTF-8, borrowed from the object (CPython caches it there; pyo3 reads it with
/// `PyUnicode_AsUTF8AndSize`, stable ABI since 3.10): no copy, no `bytes`. A `str` that cannot
/// be encoded (a lone surrogate) is a `ConfigError`, never a lossy read.
pub fn borrowed_utf8<'a>(s: &'a Bound<'_, PyString>) -> PyResult<&'a str> {
    s.to_str().map_err(|_| {
        config_error(
            s.py(),
            "a str argument holds a character that UTF-8 cannot encode (a lone surrogate): \
             pass the text as it will be sent"
                .to_owned(),
        )
    })
}

fn text<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, str>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return borrowed_utf8(s).map(Cow::Borrowed);
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(String::from_utf8_lossy(b.as_bytes()));
    }
    Err(crate::errors::config_err(
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
    Err(crate::errors::config_err(
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
            crate::errors::config_err(
                "headers must be a mapping or an iterable of (name, value) pairs",
            )
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
            return Err(crate::errors::config_err(
                "expected seconds (int or float) or a timedelta",
            ))
        }
    };
    sinch_auth::webhook::duration_from_seconds("a duration", secs)
        .map_err(|e| to_py_err(obj.py(), e))
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
            .map_err(|_| crate::errors::config_err("now must be epoch seconds or a datetime"))?
    };
    sinch_auth::webhook::now_from_epoch_seconds(secs).map_err(|e| to_py_err(obj.py(), e))
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
