//! The one error type of the library: a kind, whether retrying can help, the HTTP status if
//! there was one, and a message that says what happened and what to do. Never a secret.

use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
/// What kind of failure an [`Error`] is; the same names in every language.
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
    /// Every kind, in declaration order.
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
    /// A header the check needs is absent.
    MissingHeader,
    /// A header is present but not in the expected shape.
    MalformedHeader,
    /// The `Authorization` scheme is not the one expected.
    UnsupportedScheme,
    /// The signature names an algorithm this check does not accept.
    UnsupportedAlgorithm,
    /// The request was signed for another application key.
    KeyMismatch,
    /// The signature does not match the request.
    BadSignature,
    /// The timestamp is older than the tolerance allows.
    StaleTimestamp,
    /// The timestamp is further in the future than the tolerance allows.
    FutureTimestamp,
    /// The replay guard has seen this delivery before.
    Replayed,
}

impl SignatureReason {
    /// The lower-case name used by every language (`"bad_signature"`, …).
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
    /// `error` (`invalid_client`, …).
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
    /// `error_hint` (Sinch's gateway sends it).
    pub error_hint: Option<String>,
    /// `error_verbose` (Sinch's gateway sends it).
    pub error_verbose: Option<String>,
}

impl OAuthErrorBody {
    /// True when the endpoint sent none of the fields.
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

#[derive(Debug, Clone)]
struct Inner {
    kind: ErrorKind,
    retryable: bool,
    status: Option<u16>,
    message: String,
    reason: Option<SignatureReason>,
    oauth: Option<OAuthErrorBody>,
    source: Option<Cause>,
}

/// The lower-level error behind a transport failure (an `io::Error`, a TLS error), for
/// [`std::error::Error::source`]. Never one whose text could hold a URL or a secret.
type Cause = Arc<dyn std::error::Error + Send + Sync + 'static>;

// Two errors are equal when what they say is equal; the cause is detail behind the message.
impl PartialEq for Inner {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.retryable == other.retryable
            && self.status == other.status
            && self.message == other.message
            && self.reason == other.reason
            && self.oauth == other.oauth
    }
}

impl Eq for Inner {}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with `message`; retryable for rate limits, server and transport errors.
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
            source: None,
        }))
    }

    /// A [`ErrorKind::Config`] error.
    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message)
    }

    /// A [`ErrorKind::Transport`] error (retryable).
    pub fn transport(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Transport, message)
    }

    /// An [`ErrorKind::InvalidResponse`] error.
    pub fn invalid_response(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidResponse, message)
    }

    /// An [`ErrorKind::Signature`] error with its reason.
    pub fn signature(reason: SignatureReason, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::Signature, message);
        e.0.reason = Some(reason);
        e
    }

    /// Records the HTTP status that caused the error.
    pub fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    /// Overrides whether retrying can help.
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.0.retryable = retryable;
        self
    }

    /// Attaches the token endpoint's OAuth2 error fields (ignored when all are empty).
    pub fn with_oauth(mut self, body: OAuthErrorBody) -> Self {
        if !body.is_empty() {
            self.0.oauth = Some(body);
        }
        self
    }

    /// Appends a sentence to the message.
    pub(crate) fn with_note(mut self, note: &str) -> Self {
        let m = &mut self.0.message;
        if !m.is_empty() && !m.ends_with(['.', ' ']) {
            m.push('.');
        }
        if !m.is_empty() && !m.ends_with(' ') {
            m.push(' ');
        }
        m.push_str(note);
        self
    }

    /// Keeps the lower-level cause, returned by [`std::error::Error::source`].
    pub fn with_source(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Arc::new(cause));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// Whether the same call may succeed if retried.
    pub fn retryable(&self) -> bool {
        self.0.retryable
    }

    /// The HTTP status behind the error, if there was one.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// What happened and what to do; never contains a secret.
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

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

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
