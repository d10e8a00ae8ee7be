//! What `doctor` learns of a proxy at a URL from its reserved paths: whether a sinch-auth
//! proxy runs there (its health answer names it), whether it is ready, and its counters.

use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// Where a proxy listens when started without `--address` and `--port`.
pub fn default_url() -> String {
    format!("http://127.0.0.1:{}", super::DEFAULT_PORT)
}

/// What the health answer names the service.
pub(crate) const SERVICE: &str = "sinch-auth proxy";

/// What is at a URL.
#[derive(Debug)]
pub enum Found {
    /// Nothing accepts connections there.
    Nothing,
    /// A connection failed another way (a timeout, a reset), said in a line.
    Unreachable(String),
    /// Something answers that is not a sinch-auth proxy.
    Other(String),
    /// A sinch-auth proxy that wants its proxy token.
    NeedsToken,
    /// A sinch-auth proxy, and what it says of itself.
    Proxy {
        version: String,
        ready: bool,
        counters: BTreeMap<String, u64>,
    },
}

/// Asks `base` (`http://host:port`) what it is; `token` is the proxy token, if one is needed.
/// Never through `HTTP_PROXY`: the proxy is on this machine.
pub fn probe(base: &str, token: Option<&str>) -> Found {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(3)))
        .build()
        .into();
    let base = base.trim_end_matches('/');
    let get = |path: &str| -> Result<(u16, Value), ureq::Error> {
        let mut req = agent.get(format!("{base}/.sinch-auth/{path}"));
        if let Some(t) = token {
            req = req.header("X-Sinch-Proxy-Token", t);
        }
        let mut resp = req.call()?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .unwrap_or_default();
        Ok((status, serde_json::from_str(&body).unwrap_or(Value::Null)))
    };
    let (status, health) = match get("health") {
        Ok(answer) => answer,
        Err(ureq::Error::ConnectionFailed) => return Found::Nothing,
        Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return Found::Nothing
        }
        Err(e) => return Found::Unreachable(super::forward::describe(&e)),
    };
    let problem = health["type"].as_str().unwrap_or("");
    if status == 407 && problem.starts_with(super::forward::PROBLEM_TYPE) {
        return Found::NeedsToken;
    }
    if status != 200 || health["service"] != SERVICE {
        return Found::Other(format!("GET /.sinch-auth/health answered {status}"));
    }
    let ready = matches!(get("ready"), Ok((200, _)));
    let counters = match get("counters") {
        Ok((200, Value::Object(map))) => map
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_u64()?)))
            .collect(),
        _ => BTreeMap::new(),
    };
    Found::Proxy {
        version: health["version"].as_str().unwrap_or("").to_owned(),
        ready,
        counters,
    }
}
