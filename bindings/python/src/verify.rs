//! sign_request and the verify_* functions.

use crate::convert::{body_bytes, header_map, instant, seconds};
use crate::credentials::ApplicationCredentials;
use crate::errors::{detached, guarded};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyString};
use sinch_auth as core;
use sinch_auth::webhook::{MemoryReplayGuard as CoreGuard, VerifyOptions};
use std::sync::Arc;

fn app_of<'a>(app: &'a Bound<'_, PyAny>) -> PyResult<&'a core::ApplicationCredentials> {
    app.cast::<ApplicationCredentials>()
        .map(|a| &a.get().inner)
        .map_err(|_| PyTypeError::new_err("expected ApplicationCredentials"))
}

fn options(
    now: Option<&Bound<'_, PyAny>>,
    tolerance: Option<&Bound<'_, PyAny>>,
) -> PyResult<VerifyOptions> {
    Ok(VerifyOptions {
        now: now.map(instant).transpose()?,
        tolerance: tolerance.map(seconds).transpose()?,
    })
}

fn scheme(s: &str) -> PyResult<core::SigningScheme> {
    match s.to_ascii_lowercase().as_str() {
        "application" => Ok(core::SigningScheme::Application),
        "service" => Ok(core::SigningScheme::Service),
        _ => Err(pyo3::exceptions::PyValueError::new_err(
            "scheme must be 'application' or 'service'",
        )),
    }
}

#[allow(clippy::too_many_arguments)]
fn sign(
    py: Python<'_>,
    app: &Bound<'_, PyAny>,
    method: &str,
    path: &str,
    body: Option<&Bound<'_, PyAny>>,
    content_type: &str,
    timestamp: Option<&str>,
    include_query: bool,
    scheme_name: &str,
) -> PyResult<core::SignedRequest> {
    let app = app_of(app)?.clone();
    let body = body.map(body_bytes).transpose()?.unwrap_or_default();
    let scheme = scheme(scheme_name)?;
    let (method, path, ct, ts) = (
        method.to_owned(),
        path.to_owned(),
        content_type.to_owned(),
        timestamp.map(str::to_owned),
    );
    detached(py, move || {
        let mut req = core::SignRequest::new(&method, &path)
            .body(&body)
            .content_type(&ct)
            .include_query(include_query)
            .scheme(scheme);
        if let Some(t) = &ts {
            req = req.timestamp(t);
        }
        core::sign_request(&app, &req)
    })
}

/// The two headers of an application-signed request: {"Authorization": …, "x-timestamp": …}.
#[pyfunction]
#[pyo3(signature = (app, method, path, body=None, content_type="application/json", timestamp=None, *, include_query=false, scheme="application"))]
#[allow(clippy::too_many_arguments)]
fn sign_request<'py>(
    py: Python<'py>,
    app: &Bound<'py, PyAny>,
    method: &str,
    path: &str,
    body: Option<&Bound<'py, PyAny>>,
    content_type: &str,
    timestamp: Option<&str>,
    include_query: bool,
    scheme: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let s = sign(
        py,
        app,
        method,
        path,
        body,
        content_type,
        timestamp,
        include_query,
        scheme,
    )?;
    let d = PyDict::new(py);
    d.set_item("Authorization", s.authorization)?;
    d.set_item("x-timestamp", s.timestamp)?;
    Ok(d)
}

/// sign_request plus the intermediate values (content_md5, string_to_sign), for debugging.
#[pyfunction]
#[pyo3(signature = (app, method, path, body=None, content_type="application/json", timestamp=None, *, include_query=false, scheme="application"))]
#[allow(clippy::too_many_arguments)]
fn sign_request_details<'py>(
    py: Python<'py>,
    app: &Bound<'py, PyAny>,
    method: &str,
    path: &str,
    body: Option<&Bound<'py, PyAny>>,
    content_type: &str,
    timestamp: Option<&str>,
    include_query: bool,
    scheme: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let s = sign(
        py,
        app,
        method,
        path,
        body,
        content_type,
        timestamp,
        include_query,
        scheme,
    )?;
    let d = PyDict::new(py);
    d.set_item("authorization", s.authorization)?;
    d.set_item("x_timestamp", s.timestamp)?;
    d.set_item("content_md5", s.content_md5)?;
    d.set_item("string_to_sign", s.string_to_sign)?;
    Ok(d)
}

#[pyfunction]
#[pyo3(signature = (app, method, path, headers, body, now, tolerance))]
#[allow(clippy::too_many_arguments)]
fn verify_application_callback(
    py: Python<'_>,
    app: &Bound<'_, PyAny>,
    method: &str,
    path: &str,
    headers: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
    now: Option<&Bound<'_, PyAny>>,
    tolerance: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let app = app_of(app)?.clone();
    let (h, b, o) = (
        header_map(headers)?,
        body_bytes(body)?,
        options(now, tolerance)?,
    );
    let (method, path) = (method.to_owned(), path.to_owned());
    detached(py, move || {
        core::verify_application_callback(&app, &method, &path, &h, &b, &o)
    })
}

#[pyfunction]
#[pyo3(signature = (secret, headers, body, now, tolerance))]
fn verify_conversation_webhook(
    py: Python<'_>,
    secret: String,
    headers: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
    now: Option<&Bound<'_, PyAny>>,
    tolerance: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let (h, b, o) = (
        header_map(headers)?,
        body_bytes(body)?,
        options(now, tolerance)?,
    );
    detached(py, move || {
        core::verify_conversation_webhook(&secret, &h, &b, &o)
    })
}

#[pyfunction]
fn verify_numbers_callback(
    py: Python<'_>,
    secret: String,
    headers: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let (h, b) = (header_map(headers)?, body_bytes(body)?);
    detached(py, move || core::verify_numbers_callback(&secret, &h, &b))
}

/// Remembers accepted Mailgun tokens (bounded, in memory) to reject replays.
#[pyclass(frozen, module = "sinch_auth._native", name = "MemoryReplayGuard")]
pub struct MemoryReplayGuard {
    inner: Arc<CoreGuard>,
}

#[pymethods]
impl MemoryReplayGuard {
    #[new]
    #[pyo3(signature = (capacity=100_000, window=None))]
    fn new(capacity: usize, window: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let window = window
            .map(seconds)
            .transpose()?
            .unwrap_or(std::time::Duration::from_secs(900));
        Ok(Self {
            inner: Arc::new(CoreGuard::new(capacity, window)),
        })
    }
}

fn timestamp_text(ts: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = ts.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if let Ok(i) = ts.cast::<PyInt>() {
        return Ok(i.to_string());
    }
    Err(PyTypeError::new_err(
        "the Mailgun timestamp must be str or int",
    ))
}

#[pyfunction]
#[pyo3(signature = (signing_key, timestamp, token, signature, now, tolerance, replay_guard=None))]
#[allow(clippy::too_many_arguments)]
fn verify_mailgun_webhook(
    py: Python<'_>,
    signing_key: String,
    timestamp: &Bound<'_, PyAny>,
    token: String,
    signature: String,
    now: Option<&Bound<'_, PyAny>>,
    tolerance: Option<&Bound<'_, PyAny>>,
    replay_guard: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let ts = timestamp_text(timestamp)?;
    let o = options(now, tolerance)?;
    let guard = replay_guard
        .map(|g| {
            g.cast::<MemoryReplayGuard>()
                .map(|g| g.get().inner.clone())
                .map_err(|_| PyTypeError::new_err("replay_guard must be a MemoryReplayGuard"))
        })
        .transpose()?;
    guarded(py, || {
        core::verify_mailgun_webhook(
            &signing_key,
            &ts,
            &token,
            &signature,
            &o,
            guard
                .as_deref()
                .map(|g| g as &dyn core::webhook::ReplayGuard),
        )
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sign_request, m)?)?;
    m.add_function(wrap_pyfunction!(sign_request_details, m)?)?;
    m.add_function(wrap_pyfunction!(verify_application_callback, m)?)?;
    m.add_function(wrap_pyfunction!(verify_conversation_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(verify_numbers_callback, m)?)?;
    m.add_function(wrap_pyfunction!(verify_mailgun_webhook, m)?)?;
    m.add_class::<MemoryReplayGuard>()?;
    Ok(())
}
