//! Plain HTTP calls to an API (doctor and demo use them to try credentials for real).

use sinch_auth::{Error, Result};
use std::time::Duration;

pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

pub fn call(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Answer> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(15)))
        .timeout_connect(Some(Duration::from_secs(5)))
        .max_redirects(0)
        .max_redirects_will_error(false)
        .build()
        .into();
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    let req = req
        .body(body.to_vec())
        .map_err(|e| Error::config(format!("cannot build a request to {url}: {e}")))?;
    let mut resp = agent
        .run(req)
        .map_err(|e| Error::transport(format!("request to {url} failed: {e}")))?;
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = resp
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_vec()
        .unwrap_or_default();
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// `SINCH_API_BASE_URL` (set by `sinch-auth serve`) or the product's own base URL.
pub fn base_url(default: &str) -> String {
    std::env::var("SINCH_API_BASE_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| default.to_owned())
        .trim_end_matches('/')
        .to_owned()
}
