//! Building the token request, and the URL rule: HTTPS, or plain HTTP to loopback only.

use crate::credentials::ProjectCredentials;
use crate::error::{Error, Result};
use crate::transport::HttpRequest;
use std::net::IpAddr;

/// `url` without its userinfo (`https://user:pw@host/p` → `https://host/p`): the only form
/// of a URL that may appear in a message, a log, `Debug` or CLI output.
pub(crate) fn redact_url(url: &str) -> std::borrow::Cow<'_, str> {
    // Without a scheme, the text up to the first `/` is treated as the authority.
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &url[..start], &rest[at + 1..]).into(),
        None => url.into(),
    }
}

/// `(scheme, host)` of an absolute URL; `None` when it is not one.
fn scheme_and_host(url: &str) -> Option<(String, &str)> {
    if url.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    // Userinfo (some corporate gateways want it) is allowed, and never shown.
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let end = inner.find(']')?;
        (&authority[..end + 2], &inner[end + 1..])
    } else {
        match authority.rsplit_once(':') {
            Some((h, _)) => (h, &authority[h.len()..]),
            None => (authority, ""),
        }
    };
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
        });
    (!host.is_empty() && port_ok).then(|| (scheme.to_ascii_lowercase(), host))
}

/// Refuses anything but `https://`, or `http://` to a loopback host, before any I/O.
pub(crate) fn validate_url(url: &str) -> Result<()> {
    let (scheme, host) = scheme_and_host(url).ok_or_else(|| {
        Error::config(format!(
            "{:?} is not a valid absolute URL (expected https://host[:port]/path)",
            redact_url(url)
        ))
    })?;
    match scheme.as_str() {
        "https" => Ok(()),
        "http" if is_loopback(host) => Ok(()),
        "http" => Err(Error::config(format!(
            "refusing plain http:// to {host}: credentials and tokens only travel over HTTPS (http:// is allowed for loopback test servers only)"
        ))),
        _ => Err(Error::config(format!(
            "{:?} must start with https:// (or http:// for a loopback test server)",
            redact_url(url)
        ))),
    }
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// `POST grant_type=client_credentials` with Basic `key_id:key_secret`.
pub(crate) fn token_request(creds: &ProjectCredentials, token_url: &str) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: token_url.into(),
        headers: vec![
            ("Authorization".into(), creds.basic_authorization()),
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("Accept".into(), "application/json".into()),
        ],
        body: b"grant_type=client_credentials".to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_userinfo_and_accepted_with_it() {
        assert_eq!(
            redact_url("https://user:PW@gw.corp/oauth2/token?x=1"),
            "https://gw.corp/oauth2/token?x=1"
        );
        assert_eq!(redact_url("https://a:b@c@gw.corp"), "https://gw.corp");
        assert_eq!(redact_url("https://gw.corp/p@q"), "https://gw.corp/p@q");
        assert_eq!(redact_url("not a url"), "not a url");
        assert_eq!(redact_url("user:PW@gw.corp/x"), "gw.corp/x");
        assert!(validate_url("https://user:PW@gw.corp/oauth2/token").is_ok());
        for bad in [
            "ftp://user:PW@gw.corp/x",
            "https://user:PW@/x",
            "user:PW@gw.corp",
        ] {
            let e = validate_url(bad).unwrap_err();
            assert!(!e.message().contains("PW"), "{e}");
        }
    }

    #[test]
    fn https_everywhere_http_only_on_loopback() {
        assert!(validate_url("https://auth.sinch.com/oauth2/token").is_ok());
        assert!(validate_url("http://127.0.0.1:8080/oauth2/token").is_ok());
        assert!(validate_url("http://127.9.9.9/oauth2/token").is_ok());
        assert!(validate_url("http://localhost:1/oauth2/token").is_ok());
        assert!(validate_url("http://[::1]:1/oauth2/token").is_ok());
        assert!(validate_url("HTTPS://auth.sinch.com").is_ok());
        assert!(validate_url("http://127.0.0.1/").is_ok());
        for bad in [
            "http://auth.sinch.com/oauth2/token",
            "http://10.0.0.1/oauth2/token",
            "http://localhost.evil.com/x",
            "ftp://auth.sinch.com/",
            "auth.sinch.com/oauth2/token",
            "not a url",
            "https://auth.sinch.com:port/x",
            "https:///x",
            "https://auth .sinch.com/",
        ] {
            let e = validate_url(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Config, "{bad}");
        }
    }

    #[test]
    fn request_matches_the_sdks() {
        let c = ProjectCredentials::new("p", "mock_key_id", "mock_key_secret").unwrap();
        let r = token_request(&c, "https://auth.sinch.com/oauth2/token");
        assert_eq!(r.method, "POST");
        assert_eq!(r.body, b"grant_type=client_credentials");
        assert!(r.headers.contains(&(
            "Authorization".into(),
            "Basic bW9ja19rZXlfaWQ6bW9ja19rZXlfc2VjcmV0".into()
        )));
        assert!(!format!("{r:?}").contains("bW9ja"));
    }
}
