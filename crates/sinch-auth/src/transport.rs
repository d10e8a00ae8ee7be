//! One blocking HTTP exchange. The token provider speaks to the network only through
//! [`Transport`]; [`UreqTransport`] is the default: explicit timeouts, no redirects followed,
//! a cap on the response body, non-2xx returned as a response (not an error).

#[cfg(feature = "ureq")]
use crate::error::Error;
use crate::error::Result;
use crate::token::redact_url;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone)]
/// One HTTP request for a [`Transport`] to send.
pub struct HttpRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The absolute URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

// Requests carry Authorization headers: Debug shows names only.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &redact_url(&self.url))
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("body_len", &self.body.len())
            .finish()
    }
}

#[derive(Debug, Clone)]
/// What came back, whatever the status.
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes (capped by the transport).
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// First header value with this name, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one blocking HTTP exchange; implement it to use your own HTTP client.
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends the request and returns whatever status came back. `Err` only for transport
    /// failures (connect, timeout, TLS, reset, body too large).
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// Timeouts and limits of the default transport.
pub struct TransportConfig {
    /// How long connecting may take.
    pub connect_timeout: Duration,
    /// The whole exchange, connect through the last body byte.
    pub timeout: Duration,
    /// The largest response body read; a larger one is an error.
    pub max_response_bytes: u64,
    /// Which library asks, for the `User-Agent` (`sinch-auth/0.1.0 (python)`): `rust`,
    /// `python`, `node` or `cli`, so Sinch support can tell clients apart.
    pub client: &'static str,
    /// A PEM file of CA certificates to trust instead of the bundled web PKI roots: a
    /// company's TLS-inspecting proxy or private CA. `None`: the bundled roots.
    pub ca_bundle: Option<PathBuf>,
}

/// Environment variables naming a CA bundle, in the order they are read.
pub const CA_BUNDLE_ENV: [&str; 2] = ["SINCH_AUTH_CA_BUNDLE", "SSL_CERT_FILE"];

impl TransportConfig {
    /// Sets `ca_bundle` from `SINCH_AUTH_CA_BUNDLE`, else `SSL_CERT_FILE`, when it is not set
    /// already and one of them is.
    pub fn with_env_ca_bundle(mut self) -> Self {
        if self.ca_bundle.is_none() {
            self.ca_bundle = CA_BUNDLE_ENV
                .iter()
                .filter_map(std::env::var_os)
                .find(|v| !v.is_empty())
                .map(PathBuf::from);
        }
        self
    }
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            max_response_bytes: 64 * 1024,
            client: "rust",
            ca_bundle: None,
        }
    }
}

#[cfg(feature = "ureq")]
/// The default transport: ureq with rustls, explicit timeouts, no redirects, `*_PROXY` honoured.
pub struct UreqTransport {
    agent: ureq::Agent,
    config: TransportConfig,
}

#[cfg(feature = "ureq")]
impl fmt::Debug for UreqTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UreqTransport")
            .field("config", &self.config)
            .finish()
    }
}

#[cfg(feature = "ureq")]
impl UreqTransport {
    /// A transport with these timeouts and limits.
    ///
    /// Fails only when `config.ca_bundle` cannot be read or holds no certificate.
    pub fn new(config: TransportConfig) -> Result<Self> {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(path) = &config.ca_bundle {
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&read_ca_bundle(path)?));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .tls_config(tls.build())
            .timeout_connect(Some(config.connect_timeout))
            .timeout_global(Some(config.timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(user_agent(config.client))
            .build()
            .into();
        Ok(UreqTransport { agent, config })
    }

    /// The timeouts and limits in use.
    pub fn config(&self) -> &TransportConfig {
        &self.config
    }
}

/// The certificates of a PEM file (other PEM items, such as keys, are skipped).
#[cfg(feature = "ureq")]
fn read_ca_bundle(path: &std::path::Path) -> Result<Vec<ureq::tls::Certificate<'static>>> {
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| {
        Error::config(format!(
            "cannot read the CA bundle {shown}: {}. Set SINCH_AUTH_CA_BUNDLE (or the ca_bundle option) to a readable PEM file",
            e.kind()
        ))
    })?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::config(format!(
            "the CA bundle {shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        )));
    }
    Ok(certs)
}

/// `sinch-auth/<version> (<client>)`.
pub fn user_agent(client: &str) -> String {
    format!("sinch-auth/{} ({client})", env!("CARGO_PKG_VERSION"))
}

/// `host[:port]` of a URL, for messages (never userinfo).
#[cfg(feature = "ureq")]
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority.rsplit_once('@').map_or(authority, |(_, h)| h)
}

/// One message per way a request fails, each naming the host, what failed and what to check.
#[cfg(feature = "ureq")]
fn transport_error(url: &str, e: ureq::Error, config: &TransportConfig) -> Error {
    let ca = if config.ca_bundle.is_some() {
        "the CA bundle in use (SINCH_AUTH_CA_BUNDLE/SSL_CERT_FILE) does not hold the CA that signed it"
    } else {
        "set SINCH_AUTH_CA_BUNDLE to a PEM file with the CA that signed it (a TLS-inspecting proxy or private CA)"
    };
    let host = host_of(url);
    let proxies = "proxies (HTTPS_PROXY/NO_PROXY)";
    let what = match &e {
        ureq::Error::Timeout(ureq::Timeout::Connect) => format!(
            "connecting to {host} timed out after {:?}: check that the host is reachable from here (firewall, {proxies})",
            config.connect_timeout
        ),
        ureq::Error::Timeout(_) => format!(
            "{host} did not answer within {:?}: the server or the network is slow; the request is safe to retry",
            config.timeout
        ),
        ureq::Error::HostNotFound => format!("could not resolve {host} (DNS): check the host name, DNS and {proxies}"),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => format!(
            "{host} refused the connection: nothing listens on that port, or a firewall rejects it; check the URL's port and {proxies}"
        ),
        ureq::Error::Io(io) if io.to_string().contains("lookup address") => {
            format!("could not resolve {host} (DNS): check the host name, DNS and {proxies}")
        }
        // rustls reports a failed handshake through the stream, as InvalidData.
        ureq::Error::Io(io)
            if io.kind() == std::io::ErrorKind::InvalidData
                && url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://")) =>
        {
            format!(
                "the TLS handshake with {host} failed ({}): if the certificate is not trusted, {ca}; or the URL is not an https endpoint",
                io.get_ref().map_or_else(|| io.kind().to_string(), |inner| inner.to_string())
            )
        }
        ureq::Error::Io(io) => format!(
            "the connection to {host} failed ({}): check network access to the host and {proxies}",
            io.kind()
        ),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => format!(
            "the TLS handshake with {host} failed ({e}): if the certificate is not trusted, {ca}; or the URL is not an https endpoint"
        ),
        ureq::Error::ConnectionFailed => format!("could not connect to {host}: check network access to the host and {proxies}"),
        other => format!("{other}; check network access to the host and {proxies}"),
    };
    let error = Error::transport(format!("request to {} failed: {what}", redact_url(url)));
    match e {
        // Its text repeats the URL, which may hold credentials: the message says enough.
        ureq::Error::BadUri(_) => error,
        ureq::Error::Io(io) => error.with_source(io),
        other => error.with_source(other),
    }
}

#[cfg(feature = "ureq")]
impl Transport for UreqTransport {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse> {
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(request.url.as_str());
        for (n, v) in &request.headers {
            builder = builder.header(n.as_str(), v.as_str());
        }
        let req = builder.body(request.body.clone()).map_err(|_| {
            Error::config(format!(
                "cannot build a request to {}: the URL or a header is not valid HTTP",
                redact_url(&request.url)
            ))
        })?;
        let timeout = self.config.timeout;
        let mut resp = self
            .agent
            .run(req)
            .map_err(|e| transport_error(&request.url, e, &self.config))?;
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
        use std::io::Read;
        let limit = self.config.max_response_bytes;
        let mut body = Vec::new();
        resp.body_mut()
            .as_reader()
            .take(limit + 1)
            .read_to_end(&mut body)
            .map_err(|e| {
                let msg = if e.kind() == std::io::ErrorKind::TimedOut
                    || e.to_string().to_ascii_lowercase().contains("timeout")
                {
                    format!("timed out reading the response (limit {timeout:?})")
                } else {
                    format!(
                        "the connection failed while reading the response: {}",
                        e.kind()
                    )
                };
                Error::transport(format!(
                    "request to {} failed: {msg}; the request is safe to retry",
                    redact_url(&request.url)
                ))
                .with_source(e)
            })?;
        if body.len() as u64 > limit {
            return Err(Error::invalid_response(format!(
                "the response from {} is larger than {limit} bytes; this is not a token endpoint answer (check the URL)",
                redact_url(&request.url)
            ))
            .with_status(status));
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}
