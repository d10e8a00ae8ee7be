//! Building the token request, and the URL rule: HTTPS, or plain HTTP to loopback only.

use crate::credentials::ProjectCredentials;
use crate::error::{Error, Result};
use crate::transport::HttpRequest;
use std::net::IpAddr;

/// `(scheme, host)` of an absolute URL; `None` when it is not one.
fn scheme_and_host(url: &str) -> Option<(String, &str)> {
    if url.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.contains('@') {
        return None; // no credentials in URLs
    }
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
    let (scheme, host) = scheme_and_host(url)
        .ok_or_else(|| Error::config(format!("{url:?} is not a valid absolute URL")))?;
    match scheme.as_str() {
        "https" => Ok(()),
        "http" if is_loopback(host) => Ok(()),
        "http" => Err(Error::config(format!(
            "refusing plain http:// to {host}: credentials and tokens only travel over HTTPS (http:// is allowed for loopback test servers only)"
        ))),
        _ => Err(Error::config(format!(
            "{url:?} must start with https:// (or http:// for a loopback test server)"
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
            "https://user:pass@auth.sinch.com/oauth2/token",
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
