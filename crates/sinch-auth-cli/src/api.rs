//! Plain HTTP calls to an API (doctor and demo use them to try credentials for real), over
//! the core's transport: same timeouts, no redirects, capped bodies.

use sinch_auth::transport::{HttpRequest, HttpResponse, Transport, TransportConfig, UreqTransport};
use sinch_auth::Result;
use std::sync::OnceLock;

pub type Answer = HttpResponse;

pub trait HeaderPairs {
    fn header_pairs(&self) -> impl Iterator<Item = (&str, &str)>;
}

impl HeaderPairs for HttpResponse {
    fn header_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

pub fn call(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Answer> {
    static TRANSPORT: OnceLock<Result<UreqTransport>> = OnceLock::new();
    let transport = TRANSPORT
        .get_or_init(|| {
            UreqTransport::new(
                TransportConfig {
                    max_response_bytes: 1 << 20,
                    client: "cli",
                    ..TransportConfig::default()
                }
                .with_env_ca_bundle(),
            )
        })
        .as_ref()
        .map_err(Clone::clone)?;
    transport.send(&HttpRequest {
        method: method.to_owned(),
        url: url.to_owned(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.to_vec(),
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
