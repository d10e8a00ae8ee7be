//! Application-signed requests (Voice, Verification), spec §2.1:
//!
//! ```text
//! StringToSign = METHOD \n Content-MD5 \n Content-Type \n x-timestamp:X \n /path
//! Authorization = Application <key>:Base64(HMAC-SHA256(Base64Decode(secret), StringToSign))
//! ```

use crate::b64;
use crate::credentials::ApplicationCredentials;
use crate::crypto::{hmac_sha256, hmac_sha256_prepared, md5};
use crate::error::{Error, Result};
use crate::timestamp::format_iso8601;
use std::borrow::Cow;
use std::cell::RefCell;
use std::time::SystemTime;

/// `Application` (Voice v1, Verification) or `service` (Voice 2.0 webhooks, spec §3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SigningScheme {
    #[default]
    /// `Application <key>:<signature>`: Voice v1 and Verification requests and callbacks.
    Application,
    /// `service <key>:<signature>`: Voice 2.0 webhooks.
    Service,
}

impl SigningScheme {
    /// The scheme word as it appears in the `Authorization` header.
    pub fn as_str(self) -> &'static str {
        match self {
            SigningScheme::Application => "Application",
            SigningScheme::Service => "service",
        }
    }
}

/// `"application"` or `"service"`, in any letter case (what every binding and the CLI take).
impl std::str::FromStr for SigningScheme {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        if s.eq_ignore_ascii_case("application") {
            Ok(SigningScheme::Application)
        } else if s.eq_ignore_ascii_case("service") {
            Ok(SigningScheme::Service)
        } else {
            Err(Error::config(format!(
                "scheme must be 'application' or 'service', got {:?}",
                s.chars().take(20).collect::<String>()
            )))
        }
    }
}

/// The `x-timestamp` for the current time, in the format [`sign_request`] sends when no
/// timestamp is given (ISO-8601 UTC with milliseconds, as the Node SDK sends it).
pub fn x_timestamp_now() -> String {
    x_timestamp_at(SystemTime::now())
}

/// The `x-timestamp` value for a given time, in the layout [`x_timestamp_now`] uses
/// (`2023-11-22T09:10:11.999Z`; times before 1970 give the epoch, after 9999 the year's end).
pub fn x_timestamp_at(t: SystemTime) -> String {
    format_iso8601(t)
}

/// The Content-Type signed when none is given: what the official SDKs send with a JSON body.
pub const DEFAULT_CONTENT_TYPE: &str = "application/json";

/// What to sign. Built with [`SignRequest::new`] and the setters.
#[derive(Debug, Clone, Copy)]
pub struct SignRequest<'a> {
    /// The HTTP method (any case; signed upper-case).
    pub method: &'a str,
    /// The request path (a full URL is accepted: its path is used).
    pub path: &'a str,
    /// The body bytes exactly as sent.
    pub body: &'a [u8],
    /// Exactly the Content-Type header that will be sent (charset included); `""` for none.
    pub content_type: &'a str,
    /// The `x-timestamp` to send; `None` generates the current time.
    pub timestamp: Option<&'a str>,
    /// Sign `path?query` instead of the path alone (the SDKs sign the path only).
    pub include_query: bool,
    /// `Application` or `service`.
    pub scheme: SigningScheme,
}

impl<'a> SignRequest<'a> {
    /// A request with an empty body, the default content type and a fresh timestamp.
    pub fn new(method: &'a str, path: &'a str) -> Self {
        SignRequest {
            method,
            path,
            body: b"",
            content_type: DEFAULT_CONTENT_TYPE,
            timestamp: None,
            include_query: false,
            scheme: SigningScheme::Application,
        }
    }
    /// The body bytes exactly as sent.
    pub fn body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }
    /// The `Content-Type` header exactly as sent.
    pub fn content_type(mut self, ct: &'a str) -> Self {
        self.content_type = ct;
        self
    }
    /// A fixed `x-timestamp` (otherwise the current time).
    pub fn timestamp(mut self, ts: &'a str) -> Self {
        self.timestamp = Some(ts);
        self
    }
    /// Signs the query string with the path (off by default, as the SDKs do).
    pub fn include_query(mut self, on: bool) -> Self {
        self.include_query = on;
        self
    }
    /// The `Authorization` scheme word.
    pub fn scheme(mut self, scheme: SigningScheme) -> Self {
        self.scheme = scheme;
        self
    }
}

/// The headers to send, and the intermediate values (for debugging signature mismatches;
/// none of them is secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// `Application <key>:<signature>`
    pub authorization: String,
    /// The `x-timestamp` header value.
    pub timestamp: String,
    /// Base64(MD5(body)), `""` for an empty body.
    pub content_md5: String,
    /// The exact text that was signed.
    pub string_to_sign: String,
}

impl SignedRequest {
    /// `[("Authorization", …), ("x-timestamp", …)]`
    pub fn headers(&self) -> [(&'static str, &str); 2] {
        [
            ("Authorization", self.authorization.as_str()),
            ("x-timestamp", self.timestamp.as_str()),
        ]
    }
}

/// Base64(MD5(body)), or `""` for an empty body (what every current SDK sends).
pub fn content_md5(body: &[u8]) -> String {
    if body.is_empty() {
        String::new()
    } else {
        b64::encode(&md5(body))
    }
}

/// The five lines the signature covers, joined with `\n` (spec §3.4).
pub fn string_to_sign(
    method: &str,
    content_md5: &str,
    content_type: &str,
    timestamp: &str,
    resource: &str,
) -> String {
    let parts = [
        method,
        "\n",
        content_md5,
        "\n",
        content_type,
        "\nx-timestamp:",
        timestamp,
        "\n",
        resource,
    ];
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// Base64(HMAC-SHA256(key, string_to_sign)).
pub fn application_signature(key: &[u8], string_to_sign: &str) -> String {
    b64::encode(&hmac_sha256(key, &[string_to_sign.as_bytes()]))
}

/// The canonical resource: the path, without scheme and host, and without the query unless
/// asked for.
pub fn canonical_resource(path: &str, include_query: bool) -> Result<&str> {
    let mut p = path;
    for scheme in ["https://", "http://"] {
        let n = scheme.len();
        if p.len() >= n && p.as_bytes()[..n].eq_ignore_ascii_case(scheme.as_bytes()) {
            let rest = &p[n..];
            p = rest.find('/').map_or("/", |i| &rest[i..]);
        }
    }
    if !p.starts_with('/') {
        return Err(Error::config(format!(
            "the path to sign must start with '/' (got {:?})",
            p.chars().take(80).collect::<String>()
        )));
    }
    if p.chars().any(|c| c.is_control()) {
        return Err(Error::config(
            "the path to sign contains a control character",
        ));
    }
    let p = p.split('#').next().unwrap_or(p);
    Ok(if include_query {
        p
    } else {
        p.split('?').next().unwrap_or(p)
    })
}

fn checked_method(method: &str) -> Result<Cow<'_, str>> {
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(Error::config(format!(
            "{:?} is not an HTTP method",
            method.chars().take(20).collect::<String>()
        )));
    }
    Ok(if method.bytes().all(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(method)
    } else {
        Cow::Owned(method.to_ascii_uppercase())
    })
}

fn header_safe(what: &str, v: &str) -> Result<()> {
    if v.chars().any(|c| c.is_control()) {
        return Err(Error::config(format!(
            "the {what} contains a control character"
        )));
    }
    Ok(())
}

/// Signs a Voice or Verification request. Send the returned `Authorization` and
/// `x-timestamp` headers with exactly the body, path and Content-Type that were signed.
///
/// ```
/// use sinch_auth::{sign_request, ApplicationCredentials, SignRequest};
///
/// // In an application: ApplicationCredentials::from_env()?
/// let app = ApplicationCredentials::new("my-app-key", "bXktYXBwLXNlY3JldA==")?;
/// let body = br#"{"method":"ttsCallout"}"#;
/// let signed = sign_request(
///     &app,
///     &SignRequest::new("POST", "/calling/v1/callouts")
///         .body(body)
///         .timestamp("2024-01-19T09:19:28.937Z"), // omit it to sign with the current time
/// )?;
/// assert!(signed.authorization.starts_with("Application my-app-key:"));
/// assert_eq!(signed.timestamp, "2024-01-19T09:19:28.937Z");
/// assert!(signed.string_to_sign.starts_with("POST\n"));
/// # Ok::<(), sinch_auth::Error>(())
/// ```
pub fn sign_request(app: &ApplicationCredentials, req: &SignRequest<'_>) -> Result<SignedRequest> {
    sign(app, req, SystemTime::now)
}

/// [`sign_request`] with an explicit "now" for the generated timestamp.
pub fn sign_request_at(
    app: &ApplicationCredentials,
    req: &SignRequest<'_>,
    now: SystemTime,
) -> Result<SignedRequest> {
    sign(app, req, || now)
}

/// [`sign_request`] without the intermediates: appends the `Authorization` value to `out`
/// and returns the `x-timestamp` to send with it. With a given timestamp and an uppercase
/// method it allocates nothing (reuse `out` across requests), which is what the Python and
/// Node bindings call.
pub fn sign_authorization_into<'a>(
    app: &ApplicationCredentials,
    req: &SignRequest<'a>,
    out: &mut String,
) -> Result<Cow<'a, str>> {
    let canonical = Canonical::new(req, SystemTime::now)?;
    // The parts go to the HMAC one by one: measured cheaper than building the string first.
    let parts = canonical.parts().map(str::as_bytes);
    push_authorization(app, req.scheme, &parts, out);
    Ok(canonical.timestamp)
}

/// [`sign_authorization_into`] with a buffer kept per thread: `f` gets the `Authorization`
/// value and the `x-timestamp` to copy where they go (the bindings make their strings from
/// them), so a call allocates nothing.
pub fn with_authorization<T>(
    app: &ApplicationCredentials,
    req: &SignRequest<'_>,
    f: impl FnOnce(&str, &str) -> T,
) -> Result<T> {
    thread_local! {
        static BUFFER: RefCell<String> = const { RefCell::new(String::new()) };
    }
    BUFFER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut out) => {
            out.clear();
            let result = sign_authorization_into(app, req, &mut out).map(|ts| f(&out, &ts));
            if out.capacity() > 4096 {
                *out = String::new();
            }
            result
        }
        // In use further up this thread's stack (`f` ran code that signs): a fresh one.
        Err(_) => {
            let mut out = String::new();
            sign_authorization_into(app, req, &mut out).map(|ts| f(&out, &ts))
        }
    })
}

fn sign(
    app: &ApplicationCredentials,
    req: &SignRequest<'_>,
    now: impl FnOnce() -> SystemTime,
) -> Result<SignedRequest> {
    let canonical = Canonical::new(req, now)?;
    let string_to_sign = canonical.parts().concat();
    let mut authorization = String::new();
    push_authorization(
        app,
        req.scheme,
        &[string_to_sign.as_bytes()],
        &mut authorization,
    );
    Ok(SignedRequest {
        authorization,
        content_md5: canonical.content_md5.as_str().to_owned(),
        string_to_sign,
        timestamp: canonical.timestamp.into_owned(),
    })
}

/// The checked fields of the string to sign, borrowed from the request where they can be.
struct Canonical<'a> {
    method: Cow<'a, str>,
    content_md5: Base64Digest,
    content_type: &'a str,
    timestamp: Cow<'a, str>,
    resource: &'a str,
}

impl<'a> Canonical<'a> {
    /// The clock is read only when a timestamp has to be generated.
    fn new(req: &SignRequest<'a>, now: impl FnOnce() -> SystemTime) -> Result<Self> {
        let method = checked_method(req.method)?;
        let resource = canonical_resource(req.path, req.include_query)?;
        header_safe("content type", req.content_type)?;
        let timestamp = match req.timestamp {
            Some(t) if t.trim().is_empty() => {
                return Err(Error::config("the x-timestamp is empty"))
            }
            Some(t) => {
                header_safe("x-timestamp", t)?;
                Cow::Borrowed(t)
            }
            None => Cow::Owned(format_iso8601(now())),
        };
        let content_md5 = if req.body.is_empty() {
            Base64Digest::EMPTY
        } else {
            Base64Digest::of(&md5(req.body))
        };
        Ok(Canonical {
            method,
            content_md5,
            content_type: req.content_type,
            timestamp,
            resource,
        })
    }

    fn parts(&self) -> [&str; 9] {
        [
            &self.method,
            "\n",
            self.content_md5.as_str(),
            "\n",
            self.content_type,
            "\nx-timestamp:",
            &self.timestamp,
            "\n",
            self.resource,
        ]
    }
}

/// Appends `<scheme> <key>:<Base64 of the HMAC of the string to sign>`, the string given in
/// parts.
fn push_authorization(
    app: &ApplicationCredentials,
    scheme: SigningScheme,
    string_to_sign: &[&[u8]],
    out: &mut String,
) {
    let signature = Base64Digest::of(&hmac_sha256_prepared(app.mac(), string_to_sign));
    let pieces = [scheme.as_str(), " ", app.app_key(), ":", signature.as_str()];
    out.reserve(pieces.iter().map(|p| p.len()).sum());
    for p in pieces {
        out.push_str(p);
    }
}

/// The padded Base64 of a digest of up to 32 bytes, on the stack.
struct Base64Digest {
    text: [u8; 44],
    len: usize,
}

impl Base64Digest {
    const EMPTY: Self = Base64Digest {
        text: [0; 44],
        len: 0,
    };

    fn of(digest: &[u8]) -> Self {
        let mut text = [0; 44];
        let len = b64::encode_to_slice(digest, &mut text);
        Base64Digest { text, len }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text[..self.len]).expect("Base64 is ASCII")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_resource_rules() {
        assert_eq!(canonical_resource("/a/b?x=1", false).unwrap(), "/a/b");
        assert_eq!(canonical_resource("/a/b?x=1", true).unwrap(), "/a/b?x=1");
        assert_eq!(
            canonical_resource("https://calling.api.sinch.com/calling/v1/callouts?x", false)
                .unwrap(),
            "/calling/v1/callouts"
        );
        assert_eq!(canonical_resource("HTTP://host", false).unwrap(), "/");
        // Found by proptest: a multi-byte character where a scheme would end.
        assert_eq!(canonical_resource("/¥n=+à:Q", false).unwrap(), "/¥n=+à:Q");
        assert!(canonical_resource("calling/v1", false).is_err());
        assert!(canonical_resource("/a\nb", false).is_err());
    }

    #[test]
    fn bad_inputs_are_config_errors() {
        let app = ApplicationCredentials::new("k", "bXkta2V5LXNlY3JldA==").unwrap();
        for r in [
            SignRequest::new("", "/x"),
            SignRequest::new("PO ST", "/x"),
            SignRequest::new("POST", "x"),
            SignRequest::new("POST", "/x").timestamp(""),
            SignRequest::new("POST", "/x").timestamp("t\r\nX: y"),
            SignRequest::new("POST", "/x").content_type("a\nb"),
        ] {
            assert_eq!(
                sign_request(&app, &r).unwrap_err().kind(),
                crate::ErrorKind::Config
            );
        }
    }

    #[test]
    fn the_lean_entry_points_generate_a_timestamp_and_reject_what_sign_request_rejects() {
        let app = ApplicationCredentials::new("k", "bXkta2V5LXNlY3JldA==").unwrap();
        let mut out = String::new();
        let sent = sign_authorization_into(&app, &SignRequest::new("POST", "/p"), &mut out)
            .unwrap()
            .into_owned();
        assert!(crate::timestamp::parse_iso8601(&sent).is_some(), "{sent}");
        let expected = sign_request(&app, &SignRequest::new("POST", "/p").timestamp(&sent))
            .unwrap()
            .authorization;
        assert_eq!(out, expected);

        for r in [
            SignRequest::new("PO ST", "/x"),
            SignRequest::new("POST", "x"),
            SignRequest::new("POST", "/x").timestamp(" "),
            SignRequest::new("POST", "/x").content_type("a\nb"),
        ] {
            let mut out = String::new();
            let e = sign_authorization_into(&app, &r, &mut out).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Config);
            assert!(out.is_empty(), "nothing is appended on an error");
            let e = with_authorization(&app, &r, |_, _| panic!("not called")).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Config);
        }
    }

    #[test]
    fn with_authorization_can_be_entered_again_from_inside() {
        let app = ApplicationCredentials::new("k", "bXkta2V5LXNlY3JldA==").unwrap();
        let a = SignRequest::new("POST", "/a").timestamp("t");
        let b = SignRequest::new("GET", "/b").timestamp("t");
        let (outer, inner) = with_authorization(&app, &a, |outer, _| {
            let inner = with_authorization(&app, &b, |inner, _| inner.to_owned()).unwrap();
            (outer.to_owned(), inner)
        })
        .unwrap();
        assert_eq!(outer, sign_request(&app, &a).unwrap().authorization);
        assert_eq!(inner, sign_request(&app, &b).unwrap().authorization);

        // A key longer than the size the buffer is kept at.
        let long_key = "k".repeat(10_000);
        let big = ApplicationCredentials::new(&long_key, "bXkta2V5LXNlY3JldA==").unwrap();
        let n = with_authorization(&big, &a, |v, _| v.len()).unwrap();
        assert_eq!(n, "Application ".len() + long_key.len() + 1 + 44);
    }

    #[test]
    fn generates_a_timestamp_and_the_service_scheme() {
        let app = ApplicationCredentials::new("k", "bXkta2V5LXNlY3JldA==").unwrap();
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_700_644_211_999);
        let s = sign_request_at(&app, &SignRequest::new("post", "/p"), t).unwrap();
        assert_eq!(s.timestamp, "2023-11-22T09:10:11.999Z");
        assert!(s.authorization.starts_with("Application k:"));
        let s = sign_request_at(
            &app,
            &SignRequest::new("post", "/p").scheme(SigningScheme::Service),
            t,
        )
        .unwrap();
        assert!(s.authorization.starts_with("service k:"));
    }
}
