//! The one error type of the library: a kind, whether retrying can help, the HTTP status if
//! there was one, and a message that says what happened and what to do. Never a secret.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bad or missing configuration: env vars, credentials shape, URLs, arguments.
    Config,
    /// The token endpoint or API rejected the credentials (401).
    Credentials,
    /// The credentials are valid but not allowed here (403).
    Forbidden,
    /// 429 after the retries were spent.
    RateLimited,
    /// 5xx after the retries were spent.
    Server,
    /// Connect, timeout, TLS, reset.
    Transport,
    /// The server answered something that is not a valid token response.
    InvalidResponse,
    /// An inbound request failed verification.
    Signature,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::Config,
        ErrorKind::Credentials,
        ErrorKind::Forbidden,
        ErrorKind::RateLimited,
        ErrorKind::Server,
        ErrorKind::Transport,
        ErrorKind::InvalidResponse,
        ErrorKind::Signature,
    ];

    /// The lower-case name used by every language (`"rate_limited"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::Credentials => "credentials",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::Transport => "transport",
            ErrorKind::InvalidResponse => "invalid_response",
            ErrorKind::Signature => "signature",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an inbound signature check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureReason {
    MissingHeader,
    MalformedHeader,
    UnsupportedScheme,
    UnsupportedAlgorithm,
    KeyMismatch,
    BadSignature,
    StaleTimestamp,
    FutureTimestamp,
    Replayed,
}

impl SignatureReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureReason::MissingHeader => "missing_header",
            SignatureReason::MalformedHeader => "malformed_header",
            SignatureReason::UnsupportedScheme => "unsupported_scheme",
            SignatureReason::UnsupportedAlgorithm => "unsupported_algorithm",
            SignatureReason::KeyMismatch => "key_mismatch",
            SignatureReason::BadSignature => "bad_signature",
            SignatureReason::StaleTimestamp => "stale_timestamp",
            SignatureReason::FutureTimestamp => "future_timestamp",
            SignatureReason::Replayed => "replayed",
        }
    }
}

impl fmt::Display for SignatureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The OAuth2 error fields a token endpoint may return (`error`, `error_description`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OAuthErrorBody {
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub error_hint: Option<String>,
    pub error_verbose: Option<String>,
}

impl OAuthErrorBody {
    pub fn is_empty(&self) -> bool {
        self.error.is_none()
            && self.error_description.is_none()
            && self.error_hint.is_none()
            && self.error_verbose.is_none()
    }
}

/// Boxed so `Result<T, Error>` stays small on the happy path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    retryable: bool,
    status: Option<u16>,
    message: String,
    reason: Option<SignatureReason>,
    oauth: Option<OAuthErrorBody>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let retryable = matches!(
            kind,
            ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Transport
        );
        Error(Box::new(Inner {
            kind,
            retryable,
            status: None,
            message: message.into(),
            reason: None,
            oauth: None,
        }))
    }

    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message)
    }

    pub fn transport(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Transport, message)
    }

    pub fn invalid_response(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidResponse, message)
    }

    pub fn signature(reason: SignatureReason, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::Signature, message);
        e.0.reason = Some(reason);
        e
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.0.retryable = retryable;
        self
    }

    pub fn with_oauth(mut self, body: OAuthErrorBody) -> Self {
        if !body.is_empty() {
            self.0.oauth = Some(body);
        }
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    pub fn retryable(&self) -> bool {
        self.0.retryable
    }

    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Set for signature errors.
    pub fn reason(&self) -> Option<SignatureReason> {
        self.0.reason
    }

    /// The token endpoint's OAuth2 error fields, when it sent any.
    pub fn oauth(&self) -> Option<&OAuthErrorBody> {
        self.0.oauth.as_ref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_stable_names_and_retryability() {
        let names: Vec<_> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "config",
                "credentials",
                "forbidden",
                "rate_limited",
                "server",
                "transport",
                "invalid_response",
                "signature"
            ]
        );
        assert!(Error::new(ErrorKind::Server, "x").retryable());
        assert!(!Error::new(ErrorKind::Credentials, "x").retryable());
        let e = Error::signature(SignatureReason::BadSignature, "no");
        assert_eq!(e.reason().map(|r| r.as_str()), Some("bad_signature"));
    }
}
