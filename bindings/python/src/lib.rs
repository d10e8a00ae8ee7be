//! `sinch_auth._native`: the core crate, translated for Python. No logic lives here: only
//! argument conversion, error mapping, GIL release and fork handling.

mod convert;
mod credentials;
mod errors;
mod hot_path;
mod token;
mod verify;

use convert::body_bytes;
use errors::guarded;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use sinch_auth as core;

/// Which auth model a product uses: "project", "application", "service-plan" or "api-key".
#[pyfunction]
fn auth_model(py: Python<'_>, product: &str) -> PyResult<&'static str> {
    guarded(py, || {
        Ok(product.parse::<core::Product>()?.auth_model().as_str())
    })
}

/// Every product string.
#[pyfunction]
fn products() -> Vec<&'static str> {
    core::Product::all().map(|i| i.name).collect()
}

/// Everything the library knows about a product, as a dict.
#[pyfunction]
fn product_info<'py>(py: Python<'py>, product: &str) -> PyResult<Bound<'py, PyDict>> {
    let info = guarded(py, || Ok(product.parse::<core::Product>()?.info()))?;
    let d = PyDict::new(py);
    d.set_item("product", info.name)?;
    d.set_item("display_name", info.display_name)?;
    d.set_item("aliases", info.aliases.to_vec())?;
    d.set_item("auth_model", info.models[0].as_str())?;
    d.set_item("dashboard", info.dashboard)?;
    d.set_item("default_region", info.default_region)?;
    d.set_item("gotchas", info.gotchas.to_vec())?;
    let mut models = Vec::new();
    for m in info.models {
        let md = PyDict::new(py);
        md.set_item("auth_model", m.as_str())?;
        md.set_item("credentials", m.credentials_needed())?;
        md.set_item("how", m.how())?;
        let vars = PyDict::new(py);
        for v in m.env_vars() {
            let vd = PyDict::new(py);
            vd.set_item("required", v.required)?;
            vd.set_item("secret", v.secret)?;
            vd.set_item("description", v.description)?;
            vars.set_item(v.name, vd)?;
        }
        md.set_item("env_vars", vars)?;
        let urls = PyDict::new(py);
        for e in info.endpoints.iter().filter(|e| e.model == *m) {
            urls.set_item(e.region, e.url)?;
        }
        md.set_item("base_urls", urls)?;
        models.push(md);
    }
    d.set_item("models", models)?;
    Ok(d)
}

/// The base URL of a product in a region (the default region when None).
#[pyfunction]
#[pyo3(signature = (product, region=None, auth_model=None))]
fn base_url(
    py: Python<'_>,
    product: &str,
    region: Option<&str>,
    auth_model: Option<&str>,
) -> PyResult<&'static str> {
    guarded(py, || {
        let info = product.parse::<core::Product>()?.info();
        match auth_model {
            Some(m) => info.base_url_for(m.parse()?, region),
            None => info.base_url(region),
        }
    })
}

/// `Basic base64(user:password)` (RFC 7617, UTF-8).
#[pyfunction]
fn basic_authorization(py: Python<'_>, user: &str, password: &str) -> PyResult<String> {
    guarded(py, || core::basic_authorization(user, password))
}

/// True for a 401 whose WWW-Authenticate says the bearer token expired.
#[pyfunction]
fn is_expired_token_challenge(status: u16, headers: &Bound<'_, PyAny>) -> PyResult<bool> {
    let pairs = convert::header_pairs(headers)?;
    Ok(core::is_expired_token_challenge(
        status,
        pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    ))
}

/// A failed response explained.
#[pyclass(frozen, module = "sinch_auth._native", name = "Diagnosis")]
struct Diagnosis {
    #[pyo3(get)]
    kind: &'static str,
    #[pyo3(get)]
    retryable: bool,
    #[pyo3(get)]
    cause: String,
    #[pyo3(get)]
    fix: String,
}

#[pymethods]
impl Diagnosis {
    fn __str__(&self) -> String {
        format!("{} Fix: {}", self.cause, self.fix)
    }
    fn __repr__(&self) -> String {
        format!("Diagnosis(kind={:?}, cause={:?})", self.kind, self.cause)
    }
}

#[pyfunction]
#[pyo3(signature = (product, status, headers, body=None, base_url=None))]
fn diagnose(
    py: Python<'_>,
    product: &str,
    status: u16,
    headers: &Bound<'_, PyAny>,
    body: Option<&Bound<'_, PyAny>>,
    base_url: Option<&str>,
) -> PyResult<Diagnosis> {
    let pairs = convert::header_pairs(headers)?;
    let body = match body {
        Some(b) => body_bytes(b)?,
        None => Vec::new(),
    };
    let d = guarded(py, || {
        let p: core::Product = product.parse()?;
        Ok(core::diagnose(
            p,
            status,
            pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            &body,
            base_url,
        ))
    })?;
    Ok(Diagnosis {
        kind: d.kind.as_str(),
        retryable: d.retryable,
        cause: d.cause,
        fix: d.fix,
    })
}

/// Called by `os.register_at_fork(after_in_child=...)`: providers start afresh in the child.
#[pyfunction]
fn _after_fork_in_child() {
    token::after_fork_in_child();
}

/// Test hook: panics inside Rust, to show a panic surfaces as SinchAuthError.
#[pyfunction]
fn _panic_for_tests(py: Python<'_>) -> PyResult<()> {
    guarded(py, || -> core::Result<()> {
        panic!("panic requested by _panic_for_tests")
    })
}

/// Runs the `sinch-auth` command (argv[0] is the program name) with the GIL released and
/// returns its exit code: the console script and `python -m sinch_auth` call this, so the
/// wheel needs no separate binary.
#[pyfunction]
fn run_cli(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| sinch_auth_cli::run(argv))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "DEFAULT_TOLERANCE",
        core::webhook::DEFAULT_TOLERANCE.as_secs_f64(),
    )?;
    m.add("DEFAULT_TOKEN_URL", core::DEFAULT_TOKEN_URL)?;
    m.add_function(wrap_pyfunction!(auth_model, m)?)?;
    m.add_function(wrap_pyfunction!(products, m)?)?;
    m.add_function(wrap_pyfunction!(product_info, m)?)?;
    m.add_function(wrap_pyfunction!(base_url, m)?)?;
    m.add_function(wrap_pyfunction!(basic_authorization, m)?)?;
    m.add_function(wrap_pyfunction!(is_expired_token_challenge, m)?)?;
    m.add_function(wrap_pyfunction!(diagnose, m)?)?;
    m.add_function(wrap_pyfunction!(run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(_after_fork_in_child, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add_class::<Diagnosis>()?;
    credentials::register(m)?;
    token::register(m)?;
    verify::register(m)?;
    Ok(())
}
