//! The core's events on `logging.getLogger("sinch_auth")`, through pyo3-log. Installed when
//! the first `TokenProvider` is made (only providers emit events), not at import: the bridge
//! imports `logging`, which measured +18 ms on `import sinch_auth` (budget 30 ms).

use pyo3::prelude::*;
use sinch_auth::token::events::LOG_TARGET;
use std::sync::OnceLock;

static INSTALLED: OnceLock<()> = OnceLock::new();

pub fn install(py: Python<'_>) -> PyResult<()> {
    if INSTALLED.get().is_some() {
        return Ok(());
    }
    // Like every library's logger it gets a NullHandler: nothing prints unless the
    // application configures logging.
    let logging = py.import("logging")?;
    logging
        .call_method1("getLogger", (LOG_TARGET,))?
        .call_method1("addHandler", (logging.call_method0("NullHandler")?,))?;
    // Only our target is bridged, so ureq's and rustls's logs never take the GIL. Loggers
    // are cached, levels are not (logging configured later is honoured). Another extension
    // may have installed a `log` bridge first; then ours is not needed.
    let _ = pyo3_log::Logger::new(py, pyo3_log::Caching::Loggers)?
        .filter(log::LevelFilter::Off)
        .filter_target(LOG_TARGET.to_owned(), log::LevelFilter::Trace)
        .install();
    let _ = INSTALLED.set(());
    Ok(())
}
