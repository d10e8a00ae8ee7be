//! `WebhookReceiver`: the core's receiver, translated. Every rule (rotation, proxy paths,
//! Mailgun's body forms, replays) is in `sinch_auth::webhook::WebhookReceiver`.

use crate::convert::{body_cow, header_map, instant, Tolerance, DETACH_ABOVE};
use crate::credentials::ApplicationCredentials;
use crate::errors::{config_err, guarded, panic_to_py_err, to_py_err};
use crate::verify::replay_guard_of;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyString};
use sinch_auth::webhook::{self as core, MemoryReplayGuard, PublicPath};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// Checks one product's deliveries (`"voice"`, `"verification"`, `"conversation"`, `"sms"`,
/// `"numbers"`, `"mailgun"`) against one or more secrets (the current one first).
#[pyclass(frozen, module = "sinch_auth._native", name = "WebhookReceiver")]
pub struct WebhookReceiver {
    inner: core::WebhookReceiver,
}

/// What a successful check found.
#[pyclass(frozen, module = "sinch_auth._native", name = "Verified")]
pub struct Verified {
    inner: core::Verified,
}

fn add_secret(
    b: core::WebhookReceiverBuilder,
    s: &Bound<'_, PyAny>,
) -> PyResult<core::WebhookReceiverBuilder> {
    if let Ok(text) = s.cast::<PyString>() {
        return Ok(b.secret(crate::convert::borrowed_utf8(text)?));
    }
    if let Ok(app) = s.cast::<ApplicationCredentials>() {
        return Ok(b.application(app.get().inner.clone()));
    }
    Err(config_err(
        "secrets must be a str (or ApplicationCredentials for voice and verification), or a list of them",
    ))
}

#[pymethods]
impl WebhookReceiver {
    #[new]
    #[pyo3(signature = (product, secrets, *, tolerance=Tolerance::Default, public_path=None, strip_prefix=None, add_prefix=None, trust_forwarded=false, replay_guard=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        product: &str,
        secrets: &Bound<'_, PyAny>,
        tolerance: Tolerance,
        public_path: Option<String>,
        strip_prefix: Option<String>,
        add_prefix: Option<String>,
        trust_forwarded: bool,
        replay_guard: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let product: core::WebhookProduct = guarded(py, || product.parse())?;
        let mut b = core::WebhookReceiver::builder(product)
            .tolerance(tolerance.get())
            .trust_forwarded(trust_forwarded);
        if secrets.cast::<PyString>().is_ok() || secrets.cast::<ApplicationCredentials>().is_ok() {
            b = add_secret(b, secrets)?;
        } else {
            for s in secrets.try_iter().map_err(|_| {
                config_err("secrets must be a str, ApplicationCredentials, or a list of them")
            })? {
                b = add_secret(b, &s?)?;
            }
        }
        b = match (public_path, strip_prefix, add_prefix) {
            (Some(p), None, None) => b.public_path(PublicPath::Fixed(p)),
            (None, None, None) => b,
            (None, strip, add) => b.public_path(PublicPath::Prefix {
                strip: strip.unwrap_or_default(),
                add: add.unwrap_or_default(),
            }),
            _ => {
                return Err(config_err(
                    "give public_path (one fixed path) or strip_prefix/add_prefix, not both",
                ))
            }
        };
        if let Some(g) = replay_guard {
            b = b.replay_guard(match g.cast::<PyBool>() {
                Ok(flag) if flag.is_true() => Some(Arc::new(MemoryReplayGuard::default())),
                Ok(_) => None,
                Err(_) => Some(replay_guard_of(g)?),
            });
        }
        Ok(WebhookReceiver {
            inner: guarded(py, || b.build())?,
        })
    }

    /// The product this receiver checks.
    #[getter]
    fn product(&self) -> &'static str {
        self.inner.product().as_str()
    }

    /// Checks a delivery: the method and path of the request line, the headers, and the raw
    /// body. Raises `SignatureError` (with `.reason`) when it is not genuine.
    #[pyo3(signature = (method, path, headers, body, *, now=None))]
    fn verify(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Verified> {
        let inner = self
            .check(py, method, path, headers, body, now)?
            .map_err(|e| to_py_err(py, e))?;
        Ok(Verified { inner })
    }

    /// `verify`'s yes/no twin: False for a delivery that is not genuine; bad arguments
    /// still raise `ConfigError`.
    #[pyo3(signature = (method, path, headers, body, *, now=None))]
    fn is_valid(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        match self.check(py, method, path, headers, body, now)? {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == sinch_auth::ErrorKind::Signature => Ok(false),
            Err(e) => Err(to_py_err(py, e)),
        }
    }

    /// Undoes the replay guard's record of `verified` (the handler failed and the sender
    /// will retry the same delivery).
    fn forget(&self, py: Python<'_>, verified: &Verified) {
        py.detach(|| self.inner.forget(&verified.inner));
    }

    fn __repr__(&self) -> String {
        format!(
            "WebhookReceiver(product={:?})",
            self.inner.product().as_str()
        )
    }
}

impl WebhookReceiver {
    /// The core's answer; the outer error is a Python-side argument problem.
    fn check(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<sinch_auth::Result<core::Verified>> {
        let h = header_map(headers)?;
        let now = now.map(instant).transpose()?;
        let b = body_cow(body)?;
        let b: &[u8] = &b;
        let d = core::Delivery {
            method,
            path,
            headers: &h,
            body: b,
        };
        let run = || catch_unwind(AssertUnwindSafe(|| self.inner.verify(&d, now)));
        // A Redis replay guard makes a network round trip, a large body is hashed: neither
        // with the GIL held.
        let result = if b.len() > DETACH_ABOVE || self.inner.has_replay_guard() {
            py.detach(run)
        } else {
            run()
        };
        result.map_err(|p| panic_to_py_err(py, p))
    }
}

#[pymethods]
impl Verified {
    /// The product checked.
    #[getter]
    fn product(&self) -> &'static str {
        self.inner.product.as_str()
    }
    /// Which secret matched (0 is the first given).
    #[getter]
    fn secret_index(&self) -> usize {
        self.inner.secret_index
    }
    /// The path the signature covered (voice, verification).
    #[getter]
    fn signed_path(&self) -> Option<&str> {
        self.inner.signed_path.as_deref()
    }
    /// The public URL from trusted proxy headers, else None.
    #[getter]
    fn public_url(&self) -> Option<&str> {
        self.inner.public_url.as_deref()
    }
    fn __repr__(&self) -> String {
        format!(
            "Verified(product={:?}, secret_index={})",
            self.inner.product.as_str(),
            self.inner.secret_index
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<WebhookReceiver>()?;
    m.add_class::<Verified>()?;
    Ok(())
}
