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
use std::time::SystemTime;

/// `Application` (Voice v1, Verification) or `service` (Voice 2.0 webhooks, spec §3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SigningScheme {
    #[default]
    Application,
    Service,
}

impl SigningScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            SigningScheme::Application => "Application",
            SigningScheme::Service => "service",
        }
    }
}

/// What to sign. Built with [`SignRequest::new`] and the setters.
#[derive(Debug, Clone, Copy)]
pub struct SignRequest<'a> {
    pub method: &'a str,
    /// The request path (a full URL is accepted: its path is used).
    pub path: &'a str,
    pub body: &'a [u8],
    /// Exactly the Content-Type header that will be sent (charset included); `""` for none.
    pub content_type: &'a str,
    /// The `x-timestamp` to send; `None` generates the current time.
    pub timestamp: Option<&'a str>,
    /// Sign `path?query` instead of the path alone (the SDKs sign the path only).
    pub include_query: bool,
    pub scheme: SigningScheme,
}

impl<'a> SignRequest<'a> {
    pub fn new(method: &'a str, path: &'a str) -> Self {
        SignRequest {
            method,
            path,
            body: b"",
            content_type: "application/json",
            timestamp: None,
            include_query: false,
            scheme: SigningScheme::Application,
        }
    }
    pub fn body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }
    pub fn content_type(mut self, ct: &'a str) -> Self {
        self.content_type = ct;
        self
    }
    pub fn timestamp(mut self, ts: &'a str) -> Self {
        self.timestamp = Some(ts);
        self
    }
    pub fn include_query(mut self, on: bool) -> Self {
        self.include_query = on;
        self
    }
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
    pub content_md5: String,
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

/// The clock is read only when a timestamp has to be generated.
fn sign(
    app: &ApplicationCredentials,
    req: &SignRequest<'_>,
    now: impl FnOnce() -> SystemTime,
) -> Result<SignedRequest> {
    let method = checked_method(req.method)?;
    let resource = canonical_resource(req.path, req.include_query)?;
    header_safe("content type", req.content_type)?;
    let timestamp = match req.timestamp {
        Some(t) if t.trim().is_empty() => return Err(Error::config("the x-timestamp is empty")),
        Some(t) => {
            header_safe("x-timestamp", t)?;
            t.to_owned()
        }
        None => format_iso8601(now()),
    };
    let content_md5 = content_md5(req.body);
    let string_to_sign = string_to_sign(
        &method,
        &content_md5,
        req.content_type,
        &timestamp,
        resource,
    );
    let signature = b64::encode(&hmac_sha256_prepared(
        app.mac(),
        &[string_to_sign.as_bytes()],
    ));
    let (scheme, key) = (req.scheme.as_str(), app.app_key());
    let mut authorization = String::with_capacity(scheme.len() + key.len() + signature.len() + 2);
    for p in [scheme, " ", key, ":", &signature] {
        authorization.push_str(p);
    }
    Ok(SignedRequest {
        authorization,
        timestamp,
        content_md5,
        string_to_sign,
    })
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
