//! A bearer token as handed to callers: cheap to clone, shows only a prefix when printed.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

#[derive(Clone)]
/// A bearer token and when it expires. Cheap to clone; `Debug` never shows the token.
pub struct AccessToken(Arc<Data>);

struct Data {
    token: crate::secret::Secret,
    authorization: crate::secret::Secret,
    token_type: String,
    expires_at: SystemTime,
    expires_mono: Instant,
}

/// The first few characters and an ellipsis: enough to tell tokens apart in a log.
pub(crate) fn redact(token: &str) -> String {
    let prefix: String = token.chars().take(6).collect();
    format!("{prefix}…")
}

impl AccessToken {
    pub(crate) fn new(
        token: String,
        token_type: String,
        expires_at: SystemTime,
        expires_mono: Instant,
    ) -> Self {
        let authorization = format!("Bearer {token}").into();
        AccessToken(Arc::new(Data {
            token: token.into(),
            authorization,
            token_type,
            expires_at,
            expires_mono,
        }))
    }

    /// The raw token. Never log it.
    pub fn secret(&self) -> &str {
        self.0.token.expose()
    }

    /// `Bearer <token>`.
    pub fn authorization(&self) -> &str {
        self.0.authorization.expose()
    }

    /// The token type the endpoint sent (`bearer`).
    pub fn token_type(&self) -> &str {
        &self.0.token_type
    }

    /// Wall-clock expiry (for display; expiry decisions use the monotonic clock).
    pub fn expires_at(&self) -> SystemTime {
        self.0.expires_at
    }

    /// Time left: the less of what the monotonic and the wall clock say (the monotonic clock
    /// stops while the machine sleeps).
    pub fn expires_in(&self) -> Duration {
        let mono = self
            .0
            .expires_mono
            .saturating_duration_since(Instant::now());
        let wall = self
            .0
            .expires_at
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        mono.min(wall)
    }
}

impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.secret() == other.secret()
    }
}

impl Eq for AccessToken {}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &redact(self.secret()))
            .field("token_type", &self.0.token_type)
            .field("expires_in", &self.expires_in())
            .finish()
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(self.secret()))
    }
}
