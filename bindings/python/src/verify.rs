//! sign_request and the verify_* functions. Small inputs run with the GIL held (releasing it
//! costs more than the hashing); bodies over `DETACH_ABOVE` are hashed with it released.

use crate::convert::{body_cow, header_map, instant, seconds, str_arg, Tolerance, DETACH_ABOVE};
use crate::credentials::ApplicationCredentials;
use crate::errors::{detached, guarded, to_py_err};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyString};
use sinch_auth as core;
use sinch_auth::webhook::{MemoryReplayGuard as CoreGuard, VerifyOptions};
use std::sync::Arc;

fn run<T: Send>(
    py: Python<'_>,
    body_len: usize,
    f: impl FnOnce() -> core::Result<T> + Send,
) -> PyResult<T> {
    if body_len > DETACH_ABOVE {
        detached(py, f)
    } else {
        guarded(py, f)
    }
}

fn options(now: Option<&Bound<'_, PyAny>>, tolerance: &Tolerance) -> PyResult<VerifyOptions> {
    Ok(VerifyOptions {
        now: now.map(instant).transpose()?,
        tolerance: tolerance.get(),
    })
}

/// Checks the Python-side arguments, then runs `produce` on the request (with the GIL
/// released for a large body).
#[allow(clippy::too_many_arguments)]
fn sign<T: Send>(
    py: Python<'_>,
    app: &Bound<'_, ApplicationCredentials>,
    method: &str,
    path: &str,
    body: Option<&Bound<'_, PyAny>>,
    content_type: &str,
    timestamp: Option<&str>,
    include_query: bool,
    scheme_name: &str,
    produce: impl FnOnce(&core::ApplicationCredentials, &core::SignRequest<'_>) -> core::Result<T>
        + Send,
) -> PyResult<T> {
    let app = &app.get().inner;
    let body = match body {
        Some(b) => body_cow(b)?,
        None => std::borrow::Cow::Borrowed(&[][..]),
    };
    let scheme: core::SigningScheme = scheme_name.parse().map_err(|e| to_py_err(py, e))?;
    let body: &[u8] = &body;
    run(py, body.len(), || {
        let mut req = core::SignRequest::new(method, path)
            .body(body)
            .content_type(content_type)
            .include_query(include_query)
            .scheme(scheme);
        if let Some(t) = timestamp {
            req = req.timestamp(t);
        }
        produce(app, &req)
    })
}

/// The two headers of an application-signed request: {"Authorization": …, "x-timestamp": …}.
/// Strings are read without a copy, and a given timestamp goes back as the same object.
#[pyfunction]
#[pyo3(
    signature = (app, method, path, body=None, content_type=None, timestamp=None, *, include_query=false, scheme="application"),
    text_signature = "(app, method, path, body=None, content_type='application/json', timestamp=None, *, include_query=False, scheme='application')"
)]
#[allow(clippy::too_many_arguments)]
fn sign_request<'py>(
    py: Python<'py>,
    app: &Bound<'py, ApplicationCredentials>,
    method: &Bound<'py, PyAny>,
    path: &Bound<'py, PyAny>,
    body: Option<&Bound<'py, PyAny>>,
    content_type: Option<&Bound<'py, PyAny>>,
    timestamp: Option<&Bound<'py, PyAny>>,
    include_query: bool,
    scheme: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let method = str_arg(method, "method")?;
    let path = str_arg(path, "path")?;
    let content_type = content_type
        .map(|c| str_arg(c, "content_type"))
        .transpose()?;
    let given_timestamp = timestamp.filter(|t| !t.is_none());
    let ts = given_timestamp
        .map(|t| str_arg(t, "timestamp"))
        .transpose()?;
    let (authorization, sent_text) = sign(
        py,
        app,
        method,
        path,
        body,
        content_type.unwrap_or(core::DEFAULT_CONTENT_TYPE),
        ts,
        include_query,
        scheme,
        |app, req| {
            let mut authorization = String::new();
            let sent = core::sign_authorization_into(app, req, &mut authorization)?;
            Ok((authorization, sent.into_owned()))
        },
    )?;
    let sent = match given_timestamp {
        Some(t) => SentTimestamp::Given(t.as_borrowed()),
        None => SentTimestamp::Generated(&sent_text),
    };
    signed_headers(py, &authorization, sent)
}

/// The `x-timestamp` that went into a signature: the caller's object, or the generated text.
enum SentTimestamp<'a, 'py> {
    Given(Borrowed<'a, 'py, PyAny>),
    Generated(&'a str),
}

/// {"Authorization": …, "x-timestamp": …}; a given timestamp goes back as the same object.
fn signed_headers<'py>(
    py: Python<'py>,
    authorization: &str,
    timestamp: SentTimestamp<'_, 'py>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(
        pyo3::intern!(py, "Authorization"),
        PyString::new(py, authorization),
    )?;
    let key = pyo3::intern!(py, "x-timestamp");
    match timestamp {
        SentTimestamp::Given(t) => d.set_item(key, t)?,
        SentTimestamp::Generated(t) => d.set_item(key, PyString::new(py, t))?,
    }
    Ok(d)
}

/// sign_request plus the intermediate values (content_md5, string_to_sign), for debugging.
#[pyfunction]
#[pyo3(signature = (app, method, path, body=None, content_type=core::DEFAULT_CONTENT_TYPE, timestamp=None, *, include_query=false, scheme="application"))]
#[allow(clippy::too_many_arguments)]
fn sign_request_details<'py>(
    py: Python<'py>,
    app: &Bound<'py, ApplicationCredentials>,
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
        core::sign_request,
    )?;
    let d = PyDict::new(py);
    d.set_item("authorization", s.authorization)?;
    d.set_item("x_timestamp", s.timestamp)?;
    d.set_item("content_md5", s.content_md5)?;
    d.set_item("string_to_sign", s.string_to_sign)?;
    Ok(d)
}

/// Verify a Voice/Verification callback; raises SignatureError (with `reason`).
#[pyfunction]
#[pyo3(signature = (app, method, path, headers, body, *, now=None, tolerance=Tolerance::Default))]
#[allow(clippy::too_many_arguments)]
fn verify_application_callback(
    py: Python<'_>,
    app: &Bound<'_, ApplicationCredentials>,
    method: &str,
    path: &str,
    headers: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
    now: Option<&Bound<'_, PyAny>>,
    tolerance: Tolerance,
) -> PyResult<()> {
    let app = &app.get().inner;
    let (h, o) = (header_map(headers)?, options(now, &tolerance)?);
    let b = body_cow(body)?;
    let b: &[u8] = &b;
    run(py, b.len(), || {
        core::verify_application_callback(app, method, path, &h, b, &o)
    })
}

/// Verify a Conversation API or SMS webhook against the raw body bytes.
#[pyfunction]
#[pyo3(signature = (secret, headers, body, *, now=None, tolerance=Tolerance::Default))]
fn verify_conversation_webhook(
    py: Python<'_>,
    secret: &str,
    headers: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
    now: Option<&Bound<'_, PyAny>>,
    tolerance: Tolerance,
) -> PyResult<()> {
    let (h, o) = (header_map(headers)?, options(now, &tolerance)?);
    let b = body_cow(body)?;
    let b: &[u8] = &b;
    run(py, b.len(), || {
        core::verify_conversation_webhook(secret, &h, b, &o)
    })
}

/// Verify a Numbers callback (X-Sinch-Signature, HMAC-SHA1 hex).
#[pyfunction]
fn verify_numbers_callback(
    py: Python<'_>,
    secret: &str,
    headers: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let h = header_map(headers)?;
    let b = body_cow(body)?;
    let b: &[u8] = &b;
    run(py, b.len(), || core::verify_numbers_callback(secret, &h, b))
}

/// Remembers accepted Mailgun tokens (bounded, in memory) to reject replays.
#[pyclass(frozen, module = "sinch_auth._native", name = "MemoryReplayGuard")]
pub struct MemoryReplayGuard {
    inner: Arc<CoreGuard>,
}

#[pymethods]
impl MemoryReplayGuard {
    #[new]
    #[pyo3(signature = (capacity=CoreGuard::DEFAULT_CAPACITY, window=None))]
    fn new(capacity: usize, window: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let window = window
            .map(seconds)
            .transpose()?
            .unwrap_or(CoreGuard::DEFAULT_WINDOW);
        Ok(Self {
            inner: Arc::new(CoreGuard::new(capacity, window)),
        })
    }
}

/// Remembers accepted Mailgun tokens in Redis, so a delivery accepted by one instance of a
/// fleet is refused by every other one. `on_failure`: `"memory"` (an in-memory guard while
/// Redis cannot answer) or `"reject"`.
#[pyclass(frozen, module = "sinch_auth._native", name = "SharedReplayGuard")]
pub struct SharedReplayGuard {
    inner: Arc<core::webhook::SharedReplayGuard>,
}

#[pymethods]
impl SharedReplayGuard {
    #[new]
    #[pyo3(signature = (url, *, window=None, on_failure="memory"))]
    fn new(
        py: Python<'_>,
        url: &str,
        window: Option<&Bound<'_, PyAny>>,
        on_failure: &str,
    ) -> PyResult<Self> {
        let window = window
            .map(seconds)
            .transpose()?
            .unwrap_or(CoreGuard::DEFAULT_WINDOW);
        let inner = guarded(py, || {
            core::webhook::SharedReplayGuard::redis(url, window, on_failure.parse()?)
        })?;
        Ok(Self {
            inner: Arc::new(inner),
        })
    }
}

/// The core guard behind a `MemoryReplayGuard` or `SharedReplayGuard` argument.
pub(crate) fn replay_guard_of(
    g: &Bound<'_, PyAny>,
) -> PyResult<Arc<dyn core::webhook::ReplayGuard>> {
    if let Ok(m) = g.cast::<MemoryReplayGuard>() {
        return Ok(m.get().inner.clone());
    }
    if let Ok(s) = g.cast::<SharedReplayGuard>() {
        return Ok(s.get().inner.clone());
    }
    Err(crate::errors::config_err(
        "replay_guard must be a MemoryReplayGuard or a SharedReplayGuard",
    ))
}

fn timestamp_text(ts: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = ts.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if let Ok(i) = ts.cast::<PyInt>() {
        return Ok(i.to_string());
    }
    Err(crate::errors::config_err(
        "the Mailgun timestamp must be str or int",
    ))
}

/// Verify a Mailgun webhook's `signature` object with the HTTP webhook signing key.
#[pyfunction]
#[pyo3(signature = (signing_key, timestamp, token, signature, *, now=None, tolerance=Tolerance::Default, replay_guard=None))]
#[allow(clippy::too_many_arguments)]
fn verify_mailgun_webhook(
    py: Python<'_>,
    signing_key: &str,
    timestamp: &Bound<'_, PyAny>,
    token: &str,
    signature: &str,
    now: Option<&Bound<'_, PyAny>>,
    tolerance: Tolerance,
    replay_guard: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let ts = timestamp_text(timestamp)?;
    let o = options(now, &tolerance)?;
    let guard = replay_guard.map(replay_guard_of).transpose()?;
    // A shared guard may wait on Redis: the GIL is released for the check.
    detached(py, || {
        core::verify_mailgun_webhook(signing_key, &ts, token, signature, &o, guard.as_deref())
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
    m.add_class::<SharedReplayGuard>()?;
    Ok(())
}
