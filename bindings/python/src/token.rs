//! TokenProvider and AccessToken. Network waits release the GIL; after `os.fork()` a
//! provider starts afresh in the child without touching any lock the parent held.

use crate::convert::seconds;
use crate::credentials::ProjectCredentials;
use crate::errors::{detached, guarded};
use arc_swap::ArcSwap;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use sinch_auth as core;
use sinch_auth::token::shared::SharedCacheOptions;
use sinch_auth::token::{RefreshPolicy, RetryPolicy};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);

pub fn after_fork_in_child() {
    FORK_GENERATION.fetch_add(1, Ordering::SeqCst);
}

#[pyclass(frozen, module = "sinch_auth._native", name = "AccessToken")]
pub struct AccessToken {
    inner: core::AccessToken,
}

#[pymethods]
impl AccessToken {
    /// The raw token. Never log it.
    #[getter]
    fn token(&self) -> &str {
        self.inner.secret()
    }
    #[getter]
    fn token_type(&self) -> &str {
        self.inner.token_type()
    }
    /// Seconds left (monotonic clock).
    #[getter]
    fn expires_in(&self) -> f64 {
        self.inner.expires_in().as_secs_f64()
    }
    /// Expiry as an aware UTC datetime.
    #[getter]
    fn expires_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let secs = self
            .inner
            .expires_at()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        let dt = py.import("datetime")?;
        let utc = dt.getattr("timezone")?.getattr("utc")?;
        dt.getattr("datetime")?
            .call_method1("fromtimestamp", (secs, utc))
    }
    /// `Bearer <token>`.
    #[getter]
    fn authorization(&self) -> &str {
        self.inner.authorization()
    }
    fn __repr__(&self) -> String {
        format!(
            "AccessToken(token='{}', token_type={:?}, expires_in={:.0})",
            self.inner,
            self.inner.token_type(),
            self.inner.expires_in().as_secs_f64()
        )
    }
    fn __str__(&self) -> String {
        self.inner.to_string()
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<AccessToken>()
            .map(|o| o.get().inner == self.inner)
            .unwrap_or(false)
    }
    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.inner.secret().hash(&mut h);
        h.finish()
    }
}

#[pyclass(
    frozen,
    subclass,
    module = "sinch_auth._native",
    name = "TokenProvider"
)]
pub struct TokenProvider {
    template: core::TokenProvider,
    current: ArcSwap<(u64, core::TokenProvider)>,
}

impl TokenProvider {
    fn provider(&self) -> core::TokenProvider {
        let generation = FORK_GENERATION.load(Ordering::Relaxed);
        let cur = self.current.load();
        if cur.0 == generation {
            return cur.1.clone();
        }
        let fresh = self.template.fresh_copy();
        self.current.store(Arc::new((generation, fresh.clone())));
        fresh
    }
}

#[pymethods]
impl TokenProvider {
    #[new]
    #[pyo3(signature = (credentials, token_url=None, *, timeout=None, connect_timeout=None, max_retries=None, refresh_margin=None, background_refresh=None, ca_bundle=None, shared_cache=None, shared_cache_strict=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        credentials: &Bound<'_, PyAny>,
        token_url: Option<String>,
        timeout: Option<&Bound<'_, PyAny>>,
        connect_timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<u32>,
        refresh_margin: Option<&Bound<'_, PyAny>>,
        background_refresh: Option<bool>,
        ca_bundle: Option<std::path::PathBuf>,
        shared_cache: Option<String>,
        shared_cache_strict: Option<bool>,
    ) -> PyResult<Self> {
        let creds = credentials
            .cast::<ProjectCredentials>()
            .map_err(|_| crate::errors::config_err("TokenProvider needs ProjectCredentials"))?
            .get()
            .inner
            .clone();
        crate::logging::install(py)?;
        // Only what was given is set: every default is the core's.
        let mut b = core::TokenProvider::builder(creds).client("python");
        if let Some(on) = background_refresh {
            b = b.background_refresh(on);
        }
        if let Some(path) = ca_bundle {
            b = b.ca_bundle(path);
        }
        if let Some(url) = shared_cache {
            b = b.shared_cache(url);
        }
        if let Some(strict) = shared_cache_strict {
            b = b.shared_cache_options(SharedCacheOptions {
                strict,
                ..SharedCacheOptions::default()
            });
        }
        if let Some(n) = max_retries {
            b = b.retry_policy(RetryPolicy {
                max_retries: n,
                ..RetryPolicy::default()
            });
        }
        if let Some(u) = token_url {
            b = b.token_url(u);
        }
        if let Some(t) = timeout {
            b = b.timeout(seconds(t)?);
        }
        if let Some(t) = connect_timeout {
            b = b.connect_timeout(seconds(t)?);
        }
        if let Some(m) = refresh_margin {
            b = b.refresh_policy(RefreshPolicy {
                margin: seconds(m)?,
                ..RefreshPolicy::default()
            });
        }
        let template = guarded(py, || b.build())?;
        let generation = FORK_GENERATION.load(Ordering::Relaxed);
        Ok(TokenProvider {
            current: ArcSwap::from_pointee((generation, template.clone())),
            template,
        })
    }

    /// A valid token: cached, or fetched once for every thread that asks at the same time.
    fn token(&self, py: Python<'_>) -> PyResult<AccessToken> {
        let p = self.provider();
        let inner = detached(py, move || p.token())?;
        Ok(AccessToken { inner })
    }

    /// The cached token while it is fresh, else `None` (no waiting, no network): what
    /// `token_async` answers at once without leaving the event loop.
    fn _fresh_token(&self) -> Option<AccessToken> {
        self.provider()
            .fresh_token()
            .map(|inner| AccessToken { inner })
    }

    /// `Bearer <token>`.
    fn authorization(&self, py: Python<'_>) -> PyResult<String> {
        let p = self.provider();
        detached(py, move || p.authorization())
    }

    /// After a 401 for `token`: forget it if it is still the cached one.
    fn invalidate(&self, py: Python<'_>, token: &Bound<'_, PyAny>) -> PyResult<bool> {
        let p = self.provider();
        // With a shared cache this also deletes the fleet's copy (a Redis round trip, up to
        // its timeout): the GIL is released for it.
        if let Ok(t) = token.cast::<AccessToken>() {
            let t = t.get().inner.clone();
            return detached(py, move || Ok(p.invalidate(&t)));
        }
        if let Ok(s) = token.cast::<PyString>() {
            let s = s.to_cow()?.into_owned();
            return detached(py, move || Ok(p.invalidate_str(&s)));
        }
        Err(crate::errors::config_err(
            "invalidate takes an AccessToken or the token string",
        ))
    }

    /// Drop the cached token.
    fn clear(&self) {
        self.provider().clear();
    }

    #[getter]
    fn token_url(&self) -> String {
        self.template.token_url().to_owned()
    }

    /// What the shared cache has done, or None without one: {"state", "store",
    /// "last_error", "hits", "misses", "errors", "lock_won", "lock_waited", "skipped"}.
    fn shared_cache_status<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(s) = self.provider().shared_cache_status() else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("state", s.state)?;
        d.set_item("store", s.store)?;
        d.set_item("last_error", s.last_error)?;
        for (k, v) in [
            ("hits", s.hits),
            ("misses", s.misses),
            ("errors", s.errors),
            ("lock_won", s.lock_won),
            ("lock_waited", s.lock_waited),
            ("skipped", s.skipped),
        ] {
            d.set_item(k, v)?;
        }
        Ok(Some(d))
    }

    /// {"requests": …, "fetched": …, "failures": …} for this process.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.provider().stats();
        let d = PyDict::new(py);
        d.set_item("requests", s.requests)?;
        d.set_item("fetched", s.fetched)?;
        d.set_item("failures", s.failures)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "TokenProvider(key_id={:?}, token_url={:?})",
            self.template.credentials().key_id(),
            self.template.token_url()
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<AccessToken>()?;
    m.add_class::<TokenProvider>()?;
    Ok(())
}
