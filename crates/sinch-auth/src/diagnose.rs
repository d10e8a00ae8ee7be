//! A failed response explained: the seed's troubleshooting table as code.

use crate::error::ErrorKind;
use crate::product::{AuthModel, Product};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
/// What [`diagnose()`](crate::diagnose()) made of a failed response: the error kind, whether
/// retrying can help, the cause and the fix.
pub struct Diagnosis {
    /// The error kind this response maps to.
    pub kind: ErrorKind,
    /// Whether the same request may succeed if retried.
    pub retryable: bool,
    /// What most likely happened.
    pub cause: String,
    /// What to do about it.
    pub fix: String,
}

impl std::fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} Fix: {}", self.cause, self.fix)
    }
}

fn server_message(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let pick = |v: &Value| -> Option<String> {
        for k in ["error_description", "message", "error"] {
            if let Some(s) = v.get(k).and_then(Value::as_str) {
                return Some(s.to_owned());
            }
        }
        None
    };
    pick(&v)
        .or_else(|| v.get("error").and_then(pick))
        .map(|s| s.chars().take(200).collect())
}

fn d(kind: ErrorKind, cause: impl Into<String>, fix: impl Into<String>) -> Diagnosis {
    Diagnosis {
        kind,
        retryable: matches!(
            kind,
            ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Transport
        ),
        cause: cause.into(),
        fix: fix.into(),
    }
}

fn region_hint(product: Product, base_url: Option<&str>) -> Option<String> {
    if !matches!(product, Product::Conversation | Product::Templates) {
        return None;
    }
    let info = product.info();
    let regions = info.regions(AuthModel::Project).join(", ");
    let used = base_url
        .map(|u| format!(" (this request went to {u})"))
        .unwrap_or_default();
    Some(format!(
        "{} is regional{used}: the base URL must match the region the app was created in ({regions}; e.g. https://eu.conversation.api.sinch.com for EU apps). A token that works for Numbers but fails here almost always means the wrong region.",
        info.display_name
    ))
}

/// Explains a failed API response: `product`, the HTTP `status`, the response `headers`
/// (`WWW-Authenticate` matters), the `body`, and the base URL that was called, if known.
pub fn diagnose<'a>(
    product: Product,
    status: u16,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    body: &[u8],
    base_url: Option<&str>,
) -> Diagnosis {
    let www: String = headers
        .into_iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("www-authenticate"))
        .map(|(_, v)| v.to_owned())
        .collect::<Vec<_>>()
        .join(", ");
    let www_l = www.to_ascii_lowercase();
    let said = server_message(body)
        .map(|m| format!(" Server said: {m}."))
        .unwrap_or_default();
    let challenge = if www.is_empty() {
        String::new()
    } else {
        format!(
            " WWW-Authenticate: {}.",
            www.chars().take(200).collect::<String>()
        )
    };
    let model = product.auth_model();
    let name = product.info().display_name;
    let region = region_hint(product, base_url);
    match status {
        200..=299 => d(ErrorKind::InvalidResponse, format!("{status} is not a failure."), "Nothing to fix."),
        401 if model == AuthModel::Application => d(
            ErrorKind::Credentials,
            format!("401 Invalid Signature on {name}: wrong Application Key/Secret or a signing error.{said}"),
            "Verify the app credentials under Dashboard > Voice > Apps (or Verification > Apps); use application keys, not project Access Keys. Sign exactly what is sent: upper-case method, Content-MD5 of the raw body (empty body: empty line), the Content-Type header verbatim, the x-timestamp header, the path without host or query, and the Base64-decoded secret as the HMAC-SHA256 key (sinch-auth's sign_request does all of this).",
        ),
        401 if www_l.contains("expired") => d(
            ErrorKind::Credentials,
            format!("401 on {name}: the bearer token expired.{challenge}"),
            "Invalidate that token and fetch a new one, then retry once (TokenProvider.invalidate(token); the sinch-auth adapters do this automatically). Tokens live 3600 s: cache one per key and refresh before expiry instead of reusing a stale one.",
        ),
        401 if www_l.contains("invalid_client") || www_l.starts_with("basic") => d(
            ErrorKind::Credentials,
            format!("401 on {name}: the access key was rejected.{challenge}{said}"),
            "Verify the Key ID under Dashboard > Settings > Access Keys and use the Key Secret saved when the key was created; if the secret was lost, create a new Access Key and request a new OAuth2 token.",
        ),
        401 if www_l.contains("invalid_token") => d(
            ErrorKind::Credentials,
            format!("401 on {name}: the bearer token is not valid here.{challenge}{said}{}", region.as_ref().map(|r| format!(" {r}")).unwrap_or_default()),
            format!("Use the access_token returned by https://auth.sinch.com/oauth2/token verbatim (never a self-minted JWT), for this project's Access Key.{}", if region.is_some() { " Check the base URL region." } else { "" }),
        ),
        401 => d(
            ErrorKind::Credentials,
            format!("401 Unauthorized on {name}: wrong credentials or an expired token.{challenge}{said}"),
            match model {
                AuthModel::ServicePlan => "Check SINCH_SERVICE_PLAN_ID and SINCH_SMS_API_TOKEN under Dashboard > SMS > APIs, and that the host's region matches the service plan's.".to_owned(),
                AuthModel::ApiKey => "Use Basic auth with the literal user `api` and the Mailgun API key as password, on the host of the domain's region (api.mailgun.net or api.eu.mailgun.net).".to_owned(),
                _ => format!("Verify the Key ID from Access Keys and use the Key Secret saved at creation; if it was lost, create a new Access Key and re-request an OAuth2 token. Inspect WWW-Authenticate for details (invalid token, expired token, invalid client).{}", region.map(|r| format!(" {r}")).unwrap_or_default()),
            },
        ),
        403 => d(
            ErrorKind::Forbidden,
            format!("403 Forbidden on {name}: the credentials are valid but not allowed here.{said}"),
            match model {
                AuthModel::Application => "Check the app's authorization settings for this API in the dashboard (e.g. Verification apps set to 'Application' authorization reject public requests), and that the app key belongs to this product.".to_owned(),
                _ => format!("Check the Access Key's scope in the dashboard and that the Project ID (SINCH_PROJECT_ID) is the project the key belongs to.{}", region.map(|r| format!(" {r}")).unwrap_or_default()),
            },
        ),
        404 if region.is_some() => d(
            ErrorKind::Config,
            format!("404 on {name}: the app or resource was not found.{said}"),
            region.unwrap_or_default(),
        ),
        429 => d(
            ErrorKind::RateLimited,
            format!("429 Too Many Requests on {name}.{said}"),
            "Back off and retry (honour Retry-After). Basic auth is heavily rate-limited: use OAuth2 bearer tokens in production, and share one TokenProvider per key so tokens are not fetched per request.",
        ),
        500..=599 => d(
            ErrorKind::Server,
            format!("{status} from {name}: a server-side error, not an authentication problem.{said}"),
            "Retry with exponential backoff; if it persists, check the Sinch status page.",
        ),
        _ => d(
            ErrorKind::Config,
            format!("{status} from {name}: not an authentication failure.{said}"),
            "Check the request path, method and body against the API reference.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_troubleshooting_row() {
        // 401 on Conversation/Numbers: wrong credentials or expired token.
        let x = diagnose(
            Product::Numbers,
            401,
            [(
                "WWW-Authenticate",
                r#"Bearer error="invalid_token", error_description="Jwt expired at 2024-07-08T22:12:28Z""#,
            )],
            b"",
            None,
        );
        assert_eq!(x.kind, ErrorKind::Credentials);
        assert!(
            x.cause.contains("expired") && x.fix.contains("invalidate"),
            "{x}"
        );
        let x = diagnose(
            Product::Numbers,
            401,
            [(
                "www-authenticate",
                "Basic realm=\"sinch\", error=\"invalid_client\"",
            )],
            b"",
            None,
        );
        assert!(
            x.fix.contains("Access Keys") && x.fix.contains("Key Secret"),
            "{x}"
        );
        let x = diagnose(Product::Numbers, 401, [], b"", None);
        assert!(x.fix.contains("WWW-Authenticate"), "{x}");
        // 401 Invalid Signature on Voice/Verification.
        let x = diagnose(
            Product::Voice,
            401,
            [],
            br#"{"errorCode":40102,"message":"Invalid Signature"}"#,
            None,
        );
        assert!(
            x.cause.contains("Invalid Signature") && x.fix.contains("Voice > Apps"),
            "{x}"
        );
        assert!(x.fix.contains("Content-MD5"));
        // Token works for Numbers, fails for Conversation: region.
        let x = diagnose(
            Product::Conversation,
            401,
            [("www-authenticate", "Bearer error=\"invalid_token\"")],
            b"",
            Some("https://us.conversation.api.sinch.com"),
        );
        assert!(
            x.cause.contains("region") && x.cause.contains("us.conversation"),
            "{x}"
        );
        let x = diagnose(Product::Conversation, 404, [], b"", None);
        assert!(x.fix.contains("region"), "{x}");
        // 403: key scope / project.
        let x = diagnose(
            Product::Numbers,
            403,
            [],
            br#"{"error":{"message":"denied"}}"#,
            None,
        );
        assert_eq!(x.kind, ErrorKind::Forbidden);
        assert!(
            x.fix.contains("scope") && x.fix.contains("Project") && x.cause.contains("denied"),
            "{x}"
        );
        // 429: Basic is rate-limited, use OAuth2.
        let x = diagnose(Product::Numbers, 429, [], b"", None);
        assert!(x.retryable && x.fix.contains("OAuth2"), "{x}");
        let x = diagnose(Product::Sms, 503, [], b"", None);
        assert_eq!((x.kind, x.retryable), (ErrorKind::Server, true));
    }
}
