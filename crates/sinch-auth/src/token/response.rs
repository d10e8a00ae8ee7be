//! Reading the token endpoint's answer: a token, or a classified error that carries the
//! server's OAuth2 error fields and says what to do.

use crate::error::{Error, ErrorKind, OAuthErrorBody, Result};
use crate::transport::HttpResponse;
use serde_json::Value;
use std::time::Duration;

/// Longest lifetime we believe; longer ones are clamped (a typo must not mean "forever").
pub(super) const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Clone, PartialEq)]
/// A token endpoint's successful answer, checked.
pub struct TokenResponse {
    /// The token.
    pub access_token: String,
    /// The token type (`bearer`).
    pub token_type: String,
    /// The lifetime the endpoint granted (capped at a day; an hour when it sent none).
    pub expires_in: Duration,
    /// The scope the endpoint granted, if it said.
    pub scope: Option<String>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field(
                "access_token",
                &super::access_token::redact(&self.access_token),
            )
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish()
    }
}

fn oauth_fields(body: &[u8]) -> OAuthErrorBody {
    let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(body) else {
        return OAuthErrorBody::default();
    };
    let field = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .map(|s| s.chars().take(500).collect::<String>())
    };
    OAuthErrorBody {
        error: field("error"),
        error_description: field("error_description"),
        error_hint: field("error_hint"),
        error_verbose: field("error_verbose"),
    }
}

fn server_said(o: &OAuthErrorBody) -> String {
    let parts: Vec<String> = [
        o.error.as_ref(),
        o.error_description.as_ref(),
        o.error_hint.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|s| s.to_string())
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" (server said: {})", parts.join(": "))
    }
}

fn lifetime(v: Option<&Value>) -> Result<Duration> {
    let secs = match v {
        None | Some(Value::Null) => return Ok(DEFAULT_LIFETIME),
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match secs {
        Some(s) if s.is_finite() && s > 0.0 => {
            Ok(Duration::from_secs_f64(s.min(MAX_LIFETIME.as_secs_f64())))
        }
        Some(s) if s.is_finite() => Err(Error::invalid_response(format!(
            "the token endpoint returned expires_in = {s}: a token that is already expired"
        ))),
        _ => Err(Error::invalid_response(
            "the token endpoint returned a non-numeric expires_in",
        )),
    }
}

/// Turns the token endpoint's response into a token or a classified error.
pub(crate) fn parse_token_response(resp: &HttpResponse, token_url: &str) -> Result<TokenResponse> {
    let status = resp.status;
    if (200..300).contains(&status) {
        return parse_success(&resp.body).map_err(|e| e.with_status(status));
    }
    let o = oauth_fields(&resp.body);
    let said = server_said(&o);
    let err = match status {
        300..=399 => Error::invalid_response(format!(
            "the token endpoint {token_url} answered with a redirect{}; redirects are not followed. Set the token URL to the final https address",
            resp.header("location").map(|l| format!(" to {l}")).unwrap_or_default()
        )),
        401 => Error::new(ErrorKind::Credentials, format!(
            "the token endpoint rejected the access key (401){said}. Verify the Key ID under Dashboard > Settings > Access Keys and use the Key Secret saved when the key was created; if it was lost, create a new Access Key"
        )),
        400 if matches!(o.error.as_deref(), Some("invalid_client" | "unauthorized_client" | "invalid_grant")) => {
            Error::new(ErrorKind::Credentials, format!(
                "the token endpoint rejected the access key (400){said}. Verify the Key ID under Dashboard > Settings > Access Keys and the Key Secret saved when it was created; project keys, not Voice/Verification application keys"
            ))
        }
        403 => Error::new(ErrorKind::Forbidden, format!(
            "the token endpoint refused the access key (403){said}. Check the Access Key's scope in the dashboard and that it belongs to this project"
        )),
        404 | 405 => Error::config(format!(
            "{token_url} is not a token endpoint ({status}){said}. Use https://auth.sinch.com/oauth2/token (or unset SINCH_AUTH_URL)"
        )),
        429 => Error::new(ErrorKind::RateLimited, format!(
            "the token endpoint is rate limiting (429){said}. Share one TokenProvider per key across the process instead of fetching tokens per request"
        )),
        500..=599 => Error::new(ErrorKind::Server, format!(
            "the token endpoint had a server error ({status}){said}; retry later"
        )),
        _ => Error::config(format!(
            "the token endpoint rejected the request ({status}){said}. Check the token URL and the credentials"
        )),
    };
    Err(err.with_status(status).with_oauth(o))
}

fn parse_success(body: &[u8]) -> Result<TokenResponse> {
    let v: Value = serde_json::from_slice(body).map_err(|_| {
        let what = if body.is_empty() {
            "an empty body".to_owned()
        } else if body.iter().take(64).any(|&b| b == b'<') {
            "HTML, not JSON (a proxy or captive portal page?)".to_owned()
        } else {
            "a body that is not valid JSON".to_owned()
        };
        Error::invalid_response(format!(
            "the token endpoint answered with {what}; check the token URL and any proxy in between"
        ))
    })?;
    let Value::Object(o) = v else {
        return Err(Error::invalid_response(
            "the token endpoint answered with JSON that is not an object",
        ));
    };
    let access_token = match o.get("access_token") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => {
            let keys: Vec<&str> = o.keys().map(String::as_str).take(10).collect();
            return Err(Error::invalid_response(format!(
                "the token endpoint's answer has no access_token (fields: {})",
                keys.join(", ")
            )));
        }
    };
    if access_token.bytes().any(|b| !(0x21..0x7f).contains(&b)) {
        return Err(Error::invalid_response(
            "the access_token contains characters that cannot go in an Authorization header",
        ));
    }
    let token_type = match o.get("token_type") {
        None | Some(Value::Null) => "bearer".to_owned(),
        Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => t.clone(),
        Some(other) => {
            let shown: String = other.to_string().chars().take(40).collect();
            return Err(Error::invalid_response(format!(
                "the token endpoint returned token_type {shown}, not bearer"
            )));
        }
    };
    Ok(TokenResponse {
        access_token,
        token_type,
        expires_in: lifetime(o.get("expires_in"))?,
        scope: o.get("scope").and_then(Value::as_str).map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    fn parse(status: u16, body: &str) -> Result<TokenResponse> {
        parse_token_response(&resp(status, body), "https://auth.test/oauth2/token")
    }

    #[test]
    fn lenient_expires_in() {
        let ok = |b: &str| parse(200, b).unwrap().expires_in;
        assert_eq!(
            ok(r#"{"access_token":"t","expires_in":20}"#),
            Duration::from_secs(20)
        );
        assert_eq!(
            ok(r#"{"access_token":"t","expires_in":2.5}"#),
            Duration::from_millis(2500)
        );
        assert_eq!(
            ok(r#"{"access_token":"t","expires_in":"60"}"#),
            Duration::from_secs(60)
        );
        assert_eq!(ok(r#"{"access_token":"t"}"#), Duration::from_secs(3600));
        assert_eq!(
            ok(r#"{"access_token":"t","expires_in":1e12}"#),
            MAX_LIFETIME
        );
        // The Java SDK fixture.
        let t = parse(
            200,
            r#"{"access_token":"token value","expires_in":123456,"scope":"scope value","token_type":"token type value"}"#,
        );
        assert_eq!(t.unwrap_err().kind(), ErrorKind::InvalidResponse);
        let t = parse(
            200,
            r#"{"access_token":"token_1","expires_in":20,"scope":"","token_type":"bearer"}"#,
        )
        .unwrap();
        assert_eq!(t.access_token, "token_1");
    }

    #[test]
    fn invalid_responses() {
        for b in [
            "",
            "not-json",
            "<html><body>502</body></html>",
            "[]",
            r#"{"expires_in":3600}"#,
            r#"{"access_token":""}"#,
            r#"{"access_token":5}"#,
            r#"{"access_token":"t","expires_in":-5}"#,
            r#"{"access_token":"t","expires_in":0}"#,
            r#"{"access_token":"t","expires_in":"soon"}"#,
            r#"{"access_token":"t","token_type":"mac"}"#,
            r#"{"access_token":"a b"}"#,
            r#"{"access_token":"t","expires_in":{}}"#,
        ] {
            let e = parse(200, b).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{b}: {e}");
            assert_eq!(e.status(), Some(200));
        }
    }

    #[test]
    fn error_statuses_are_classified_with_server_fields() {
        let e = parse(
            400,
            r#"{"error":"invalid_request","error_verbose":"long_description","error_description":"super_long_description","error_hint":"how_to_fix"}"#,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        let o = e.oauth().unwrap();
        assert_eq!(o.error.as_deref(), Some("invalid_request"));
        assert_eq!(
            o.error_description.as_deref(),
            Some("super_long_description")
        );
        assert_eq!(o.error_hint.as_deref(), Some("how_to_fix"));
        assert_eq!(o.error_verbose.as_deref(), Some("long_description"));
        assert!(e.message().contains("super_long_description"));

        let e = parse(
            400,
            r#"{"error":"invalid_client","error_description":"bad key"}"#,
        )
        .unwrap_err();
        assert_eq!(
            (e.kind(), e.status(), e.retryable()),
            (ErrorKind::Credentials, Some(400), false)
        );
        assert!(e.message().contains("bad key") && e.message().contains("Access Keys"));
        assert_eq!(parse(401, "").unwrap_err().kind(), ErrorKind::Credentials);
        assert_eq!(parse(403, "").unwrap_err().kind(), ErrorKind::Forbidden);
        assert_eq!(parse(404, "").unwrap_err().kind(), ErrorKind::Config);
        let e = parse(429, "").unwrap_err();
        assert_eq!((e.kind(), e.retryable()), (ErrorKind::RateLimited, true));
        let e = parse(503, "<html>").unwrap_err();
        assert_eq!((e.kind(), e.retryable()), (ErrorKind::Server, true));
        assert_eq!(
            parse(302, "").unwrap_err().kind(),
            ErrorKind::InvalidResponse
        );
    }
}
