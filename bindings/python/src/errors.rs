//! Core errors -> the classes of `sinch_auth.errors`; panics -> SinchAuthError.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use sinch_auth::{Error, ErrorKind};
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Config => "ConfigError",
        ErrorKind::Credentials => "CredentialsError",
        ErrorKind::Forbidden => "ForbiddenError",
        ErrorKind::RateLimited => "RateLimitedError",
        ErrorKind::Server => "ServerError",
        ErrorKind::Transport => "TransportError",
        ErrorKind::InvalidResponse => "InvalidResponseError",
        ErrorKind::Signature => "SignatureError",
        // A kind added to the core before this binding knows it: still a sinch-auth error.
        _ => "SinchAuthError",
    }
}

fn build(py: Python<'_>, class: &str, message: &str, kwargs: Bound<'_, PyDict>) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let cls = py.import("sinch_auth.errors")?.getattr(class)?;
        Ok(PyErr::from_value(cls.call((message,), Some(&kwargs))?))
    })();
    made.unwrap_or_else(|e| e)
}

pub fn to_py_err(py: Python<'_>, e: Error) -> PyErr {
    let kwargs = PyDict::new(py);
    let filled = (|| -> PyResult<()> {
        kwargs.set_item("kind", e.kind().as_str())?;
        kwargs.set_item("retryable", e.retryable())?;
        kwargs.set_item("status_code", e.status())?;
        kwargs.set_item("reason", e.reason().map(|r| r.as_str()))?;
        if let Some(o) = e.oauth() {
            let d = PyDict::new(py);
            d.set_item("error", o.error.as_deref())?;
            d.set_item("error_description", o.error_description.as_deref())?;
            d.set_item("error_hint", o.error_hint.as_deref())?;
            d.set_item("error_verbose", o.error_verbose.as_deref())?;
            kwargs.set_item("oauth_error", d)?;
        }
        Ok(())
    })();
    if let Err(err) = filled {
        return err;
    }
    build(py, class_name(e.kind()), e.message(), kwargs)
}

/// A `ConfigError` (a `ValueError` too) for bad input that Python code passed in.
pub fn config_err(message: &'static str) -> PyErr {
    Python::attach(|py| to_py_err(py, Error::config(message)))
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

pub fn panic_to_py_err(py: Python<'_>, payload: Box<dyn Any + Send>) -> PyErr {
    let kwargs = PyDict::new(py);
    let _ = kwargs.set_item("kind", "internal");
    let _ = kwargs.set_item("retryable", false);
    build(
        py,
        "SinchAuthError",
        &format!(
            "internal error in sinch-auth (please report it): {}",
            panic_message(payload)
        ),
        kwargs,
    )
}

/// Runs `f` with the GIL held; errors and panics become Python exceptions.
pub fn guarded<T>(py: Python<'_>, f: impl FnOnce() -> Result<T, Error>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_py_err(py, e)),
        Err(p) => Err(panic_to_py_err(py, p)),
    }
}

/// Runs `f` with the GIL released (network waits, hashing); same error mapping.
pub fn detached<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> Result<T, Error> + Send,
) -> PyResult<T> {
    match py.detach(|| catch_unwind(AssertUnwindSafe(f))) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_py_err(py, e)),
        Err(p) => Err(panic_to_py_err(py, p)),
    }
}
