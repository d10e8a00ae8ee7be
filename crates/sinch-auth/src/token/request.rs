//! Building the token request, and the URL rule: HTTPS, or plain HTTP to loopback only.

use crate::credentials::ProjectCredentials;
use crate::error::{Error, Result};
use crate::transport::HttpRequest;
use std::net::IpAddr;

/// Refuses anything but `https://`, or `http://` to a loopback host, before any I/O.
pub fn validate_url(url: &str) -> Result<()> {
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|_| Error::config(format!("{url:?} is not a valid URL")))?;
    let host = uri
        .host()
        .ok_or_else(|| Error::config(format!("{url:?} has no host")))?;
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if is_loopback(host) => Ok(()),
        Some("http") => Err(Error::config(format!(
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
pub fn token_request(creds: &ProjectCredentials, token_url: &str) -> HttpRequest {
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
        for bad in [
            "http://auth.sinch.com/oauth2/token",
            "http://10.0.0.1/oauth2/token",
            "http://localhost.evil.com/x",
            "ftp://auth.sinch.com/",
            "auth.sinch.com/oauth2/token",
            "not a url",
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
