//! What the token provider reports: a fixed set of events with fixed text, through the `log`
//! facade (target `sinch_auth`, off unless the application installs a logger) and, when one is
//! set, the provider's own listener (the Node binding hands them to the user's `logger`).
//!
//! The text names the key ID, statuses, attempts and delays; never a secret, a token, a
//! signature, a body or a URL (a URL may hold userinfo). Events are emitted with no lock held:
//! a logger may take a lock of its own (Python's GIL), and a thread holding the provider's
//! lock while waiting for it could deadlock with one holding it while waiting for ours.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use log::Level;

/// Receives each event's level and text (set with
/// [`TokenProviderBuilder::on_event`](super::TokenProviderBuilder::on_event)).
pub type EventListener = Arc<dyn Fn(Level, &str) + Send + Sync>;

/// The log target of every event.
pub const LOG_TARGET: &str = "sinch_auth";

pub(crate) enum Event<'a> {
    FetchStarted {
        key_id: &'a str,
        attempt: u32,
    },
    Fetched {
        key_id: &'a str,
        lifetime: Duration,
        attempt: u32,
    },
    FetchFailed {
        key_id: &'a str,
        kind: &'a str,
        status: Option<u16>,
        attempt: u32,
    },
    RetryScheduled {
        key_id: &'a str,
        status: u16,
        wait: Duration,
        retry: u32,
        max_retries: u32,
    },
    RefreshFailedServingCached {
        key_id: &'a str,
        kind: &'a str,
        left: Duration,
    },
    Paused {
        key_id: &'a str,
        kind: &'a str,
        pause: Duration,
    },
    Invalidated {
        key_id: &'a str,
    },
    SharedCacheDown {
        key_id: &'a str,
        open_for: Duration,
    },
    SharedCacheUp {
        key_id: &'a str,
    },
    SharedCacheHit {
        key_id: &'a str,
    },
}

impl Event<'_> {
    fn level(&self) -> Level {
        match self {
            Event::FetchStarted { .. } => Level::Debug,
            Event::SharedCacheHit { .. } => Level::Debug,
            Event::Fetched { .. }
            | Event::RetryScheduled { .. }
            | Event::Invalidated { .. }
            | Event::SharedCacheUp { .. } => Level::Info,
            Event::SharedCacheDown { .. } => Level::Warn,
            Event::FetchFailed { .. }
            | Event::RefreshFailedServingCached { .. }
            | Event::Paused { .. } => Level::Warn,
        }
    }
}

impl fmt::Display for Event<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::FetchStarted { key_id, attempt } => {
                write!(f, "token request started (key {key_id}, attempt {attempt})")
            }
            Event::Fetched {
                key_id,
                lifetime,
                attempt,
            } => write!(
                f,
                "token fetched (key {key_id}, attempt {attempt}): valid for {} s",
                lifetime.as_secs()
            ),
            Event::FetchFailed {
                key_id,
                kind,
                status,
                attempt,
            } => match status {
                Some(s) => write!(f, "token request failed (key {key_id}, attempt {attempt}): {kind}, HTTP {s}"),
                None => write!(f, "token request failed (key {key_id}, attempt {attempt}): {kind}"),
            },
            Event::RetryScheduled {
                key_id,
                status,
                wait,
                retry,
                max_retries,
            } => write!(
                f,
                "token endpoint answered HTTP {status} (key {key_id}); retry {retry} of {max_retries} in {:.2} s",
                wait.as_secs_f64()
            ),
            Event::RefreshFailedServingCached { key_id, kind, left } => write!(
                f,
                "background token refresh failed (key {key_id}): {kind}; the cached token is still served for {} s",
                left.as_secs()
            ),
            Event::Paused { key_id, kind, pause } => write!(
                f,
                "the token endpoint rejected key {key_id} ({kind}); it is not asked again for {:.1} s",
                pause.as_secs_f64()
            ),
            Event::Invalidated { key_id } => {
                write!(f, "cached token invalidated after a 401 (key {key_id})")
            }
            Event::SharedCacheDown { key_id, open_for } => write!(
                f,
                "shared token cache unavailable (key {key_id}); tokens are fetched locally, the cache is tried again in {} s",
                open_for.as_secs()
            ),
            Event::SharedCacheUp { key_id } => {
                write!(f, "shared token cache available again (key {key_id})")
            }
            Event::SharedCacheHit { key_id } => {
                write!(f, "token taken from the shared cache (key {key_id})")
            }
        }
    }
}

/// Sends `event` to the `log` facade and to `listener`; formats it only if someone listens.
pub(crate) fn emit(listener: Option<&EventListener>, event: Event<'_>) {
    let level = event.level();
    let logged = log::log_enabled!(target: LOG_TARGET, level);
    if !logged && listener.is_none() {
        return;
    }
    let text = event.to_string();
    if logged {
        log::log!(target: LOG_TARGET, level, "{text}");
    }
    if let Some(l) = listener {
        l(level, &text);
    }
}
