//! The proxy's log on stderr, next to the access log (`state.rs`): the core's token events
//! (target `sinch_auth`: fetches, retries, invalidations, refresh failures) and the proxy's
//! own (`sinch_auth::proxy`: each request's route and credential kind). Neither ever holds a
//! secret, a token, a signature or a body. Other targets are dropped: ureq's and rustls's
//! debug records are not ours to vouch for.
//!
//! Our own few lines rather than env_logger: one line format that reads like the access log
//! (`proxy: LEVEL …`), a level set by `--quiet`/`--verbose`, not by `RUST_LOG`.

use log::{LevelFilter, Log, Metadata, Record};

struct StderrLog;

impl Log for StderrLog {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("sinch_auth")
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            eprintln!(
                "proxy: {} {}",
                record.level().as_str().to_ascii_lowercase(),
                record.args()
            );
        }
    }

    fn flush(&self) {}
}

/// Sends `sinch_auth` records up to `level` to stderr (once per process).
pub(crate) fn install(level: LevelFilter) {
    if log::set_logger(&StderrLog).is_ok() {
        log::set_max_level(level);
    }
}
