//! One request to its upstream: the credential its product takes (a bearer token, an
//! application signature over the buffered body, the SMS service-plan token, Mailgun Basic),
//! the caller's headers without hop-by-hop, proxy and guard headers, and both bodies
//! streamed. Never an expired token: no valid token means a 503, not a guess.

use super::route::Upstream;
use super::state::State;
use sinch_auth::{is_expired_token_challenge, sign_request, AuthModel, SignRequest};
use std::io::{Cursor, Read};
use std::sync::Arc;

/// Request headers never forwarded: hop-by-hop ones (RFC 9110 §7.6.1), the proxy's own, and
/// those the proxy sets (Authorization, Host, the signature's).
const DROPPED: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "authorization",
    "x-sinch-proxy",
    "x-sinch-proxy-token",
    "expect",
];
const SIGNED: &[&str] = &["x-timestamp", "content-md5"];

/// Response headers not passed back (hop-by-hop; `respond` frames the body itself).
const DROPPED_BACK: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
];

/// How the `type` of every problem the proxy answers starts (`doctor` tells the proxy's
/// refusals from anything else's by it).
pub(crate) const PROBLEM_TYPE: &str = "urn:sinch-auth:problem:";

/// What the handler sends back: status, headers, and a streamed body of known or unknown
/// length.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    pub(crate) body: Box<dyn Read + Send>,
    pub(crate) length: Option<usize>,
    /// An upstream 401 whose challenge says the token expired.
    pub(crate) expired_token: bool,
}

impl Answer {
    /// A small JSON answer (`application/problem+json` for errors).
    pub(crate) fn json(status: u16, content_type: &str, value: serde_json::Value) -> Answer {
        let bytes = value.to_string().into_bytes();
        Answer {
            status,
            headers: vec![("Content-Type".to_owned(), content_type.as_bytes().to_vec())],
            length: Some(bytes.len()),
            body: Box::new(Cursor::new(bytes)),
            expired_token: false,
        }
    }

    /// RFC 9457 problem details: `kind` names the problem (`auth-unavailable`, …).
    pub(crate) fn problem(status: u16, kind: &str, detail: &str) -> Answer {
        Answer::json(
            status,
            "application/problem+json",
            serde_json::json!({
                "type": format!("{PROBLEM_TYPE}{kind}"),
                "title": kind.replace('-', " "),
                "status": status,
                "detail": detail,
            }),
        )
    }
}

/// The incoming request, as the handler reads it.
pub(crate) struct Incoming<'r> {
    pub(crate) method: &'r str,
    pub(crate) path: String,
    /// Names lowercased (as `http1` gives them).
    pub(crate) headers: &'r [(String, String)],
    /// `Content-Length`, when the caller sent one (`None`: chunked or no body).
    pub(crate) length: Option<usize>,
    pub(crate) chunked: bool,
    pub(crate) body: &'r mut dyn Read,
}

impl Incoming<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn has_body(&self) -> bool {
        self.chunked || self.length.is_some_and(|n| n > 0)
    }
}

/// Where the proxy's own log records go (see `logger.rs`).
const LOG: &str = "sinch_auth::proxy";

/// Sends `req` to `up` with the credential its product takes.
pub(crate) fn forward(state: &Arc<State>, up: &Upstream, req: Incoming<'_>) -> Answer {
    log::debug!(
        target: LOG,
        "{} {}{} -> {} with {} credentials",
        req.method,
        up.sinch_host,
        req.path.split('?').next().unwrap_or(""),
        up.origin,
        up.model.as_str()
    );
    match up.model {
        AuthModel::Application => signed(state, up, req),
        AuthModel::Project => bearer(state, up, req),
        AuthModel::ServicePlan => match state.service_plan() {
            Ok(c) => {
                state.count("injected");
                send(state, up, req, c.authorization())
            }
            Err(e) => unavailable(state, &e),
        },
        AuthModel::ApiKey => match state.mailgun() {
            Ok(c) => {
                state.count("injected");
                send(state, up, req, c.basic_authorization())
            }
            Err(e) => unavailable(state, &e),
        },
    }
}

fn unavailable(state: &State, e: &sinch_auth::Error) -> Answer {
    state.count("auth_unavailable");
    log::warn!(target: LOG, "no valid credential, answered 503: {}", e.message());
    Answer::problem(503, "auth-unavailable", e.message())
}

/// OAuth2 bearer: the body streams; after an expired-token 401 on a request without a body,
/// the token is dropped (compare-and-clear) and the request sent once more.
fn bearer(state: &Arc<State>, up: &Upstream, req: Incoming<'_>) -> Answer {
    let provider = match state.provider() {
        Ok(p) => p,
        Err(e) => return unavailable(state, &e),
    };
    let token = match provider.token() {
        Ok(t) => t,
        Err(e) => return unavailable(state, &e),
    };
    state.count("injected");
    // Only a request without a body can be sent again (a streamed body is gone).
    let again = (!req.has_body()).then(|| (req.method, req.path.clone(), req.headers));
    let answer = send(state, up, req, format!("Bearer {}", token.secret()));
    if let (true, Some((method, path, headers))) = (answer.expired_token, again) {
        state.count("retried_after_expiry");
        log::info!(
            target: LOG,
            "{}: the upstream's 401 says the token expired; dropped, and the request sent once more",
            up.sinch_host
        );
        provider.invalidate(&token);
        let token = match provider.token() {
            Ok(t) => t,
            Err(e) => return unavailable(state, &e),
        };
        let mut empty = std::io::empty();
        let again = Incoming {
            method,
            path,
            headers,
            length: None,
            chunked: false,
            body: &mut empty,
        };
        return send(state, up, again, format!("Bearer {}", token.secret()));
    }
    answer
}

/// Application signing: the body is buffered (up to the limit) so its MD5 can be signed,
/// and the Content-Type sent is exactly the one signed.
fn signed(state: &Arc<State>, up: &Upstream, req: Incoming<'_>) -> Answer {
    let limit = state.config.max_signed_body;
    if req.length.is_some_and(|n| n > limit) {
        state.count("too_large");
        return too_large(limit);
    }
    let app = match state.application() {
        Ok(a) => a,
        Err(e) => return unavailable(state, &e),
    };
    let mut body = Vec::new();
    if let Err(e) = req.body.take(limit as u64 + 1).read_to_end(&mut body) {
        return Answer::problem(
            400,
            "bad-request-body",
            &format!("reading the request body failed: {}", e.kind()),
        );
    }
    if body.len() > limit {
        state.count("too_large");
        return too_large(limit);
    }
    let content_type = req.header("content-type").unwrap_or("").to_owned();
    let timestamp = state.config.fixed_timestamp.clone();
    let mut sign = SignRequest::new(req.method, &req.path)
        .body(&body)
        .content_type(&content_type);
    if let Some(ts) = &timestamp {
        sign = sign.timestamp(ts);
    }
    let signed = match sign_request(app, &sign) {
        Ok(s) => s,
        Err(e) => return Answer::problem(400, "cannot-sign", e.message()),
    };
    state.count("signed");
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(n, _)| !SIGNED.iter().any(|s| n.eq_ignore_ascii_case(s)))
        .cloned()
        .collect();
    headers.push(("x-timestamp".to_owned(), signed.timestamp.clone()));
    let length = body.len();
    let mut cursor = Cursor::new(body);
    let out = Incoming {
        method: req.method,
        path: req.path,
        headers: &headers,
        length: Some(length),
        chunked: false,
        body: &mut cursor,
    };
    send(state, up, out, signed.authorization)
}

fn too_large(limit: usize) -> Answer {
    Answer::problem(
        413,
        "signed-body-too-large",
        &format!(
            "application-signed requests are buffered to be signed, up to {limit} bytes (--max-signed-body)"
        ),
    )
}

/// The request upstream with `authorization`, the answer streamed back.
fn send(state: &Arc<State>, up: &Upstream, req: Incoming<'_>, authorization: String) -> Answer {
    let url = format!("{}{}", up.origin, req.path);
    let mut builder = ureq::http::Request::builder().method(req.method).uri(&url);
    for (n, v) in req.headers {
        if DROPPED.iter().any(|d| n.eq_ignore_ascii_case(d)) {
            continue;
        }
        if n.eq_ignore_ascii_case("content-length") && req.length.is_none() {
            continue;
        }
        builder = builder.header(n.as_str(), v.as_str());
    }
    if let Some(n) = req.length {
        if !req
            .headers
            .iter()
            .any(|(h, _)| h.eq_ignore_ascii_case("content-length"))
        {
            builder = builder.header("content-length", n.to_string());
        }
    }
    builder = builder.header("authorization", authorization);
    let has_body = req.has_body();
    // ureq reads the caller's body straight into its output buffer (128 KiB per read).
    let result = if has_body {
        builder
            .body(ureq::SendBody::from_reader(req.body))
            .map_err(|e| e.to_string())
            .and_then(|r| state.agent.run(r).map_err(|e| describe(&e)))
    } else {
        builder
            .body(ureq::SendBody::none())
            .map_err(|e| e.to_string())
            .and_then(|r| state.agent.run(r).map_err(|e| describe(&e)))
    };
    state.count("proxied");
    let resp = match result {
        Ok(r) => r,
        Err(why) => {
            state.count("upstream_errors");
            log::warn!(target: LOG, "{}: upstream unreachable: {why}", up.sinch_host);
            return Answer::problem(
                502,
                "upstream-unreachable",
                &format!("{}: {why}", up.sinch_host),
            );
        }
    };
    let status = resp.status().as_u16();
    if status >= 500 {
        state.count("upstream_5xx");
    }
    let length = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    let expired = status == 401
        && is_expired_token_challenge(
            401,
            resp.headers()
                .iter()
                .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?))),
        );
    let headers = resp
        .headers()
        .iter()
        .filter(|(n, _)| {
            !DROPPED_BACK
                .iter()
                .any(|d| n.as_str().eq_ignore_ascii_case(d))
        })
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    Answer {
        status,
        headers,
        body: Box::new(resp.into_body().into_reader()),
        length,
        expired_token: expired,
    }
}

/// An upstream (or probed) failure in a fixed phrase: never the URL, which may hold a query.
pub(crate) fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        ureq::Error::Io(io) => format!("connection failed ({})", io.kind()),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection refused".to_owned(),
        // These two would repeat the URL, and with it a query the access log leaves out.
        ureq::Error::BadUri(_) => "the URL is not valid".to_owned(),
        ureq::Error::Http(_) => "the request could not be built".to_owned(),
        other => format!("{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn an_upstream_error_never_repeats_the_url() {
        let url = "http://127.0.0.1:1/v1?api_key=query-secret".to_owned();
        for e in [
            ureq::Error::BadUri(url.clone()),
            ureq::Error::Http(
                ureq::http::Request::builder()
                    .uri("\n")
                    .body(())
                    .unwrap_err(),
            ),
        ] {
            let said = describe(&e);
            assert!(!said.contains("query-secret") && !said.is_empty(), "{said}");
        }
    }
}
