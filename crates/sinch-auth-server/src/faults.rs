//! Faults the token endpoint can be told to play, one per request, in order.

use crate::http::Response;
use serde_json::json;
use std::io::Write;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// An error status with a small JSON body (500, 502, 503, 400, …).
    Status(u16),
    /// 429, with or without a `Retry-After` value.
    TooManyRequests { retry_after: Option<String> },
    /// Wait before answering normally.
    Slow(Duration),
    /// Send the headers, then wait before the body.
    SlowBody(Duration),
    /// Answer with exactly this status, content type and body.
    Body {
        status: u16,
        content_type: String,
        body: Vec<u8>,
    },
    /// Close the connection without answering.
    Drop,
    /// Promise a body, send part of it, close.
    ResetMidBody,
    /// 302 to this location.
    Redirect(String),
    /// A 200 whose body is this many bytes.
    Oversized(usize),
}

impl Fault {
    pub fn malformed_json() -> Fault {
        Fault::body(200, "application/json", br#"{"access_token": "abc", "#)
    }
    pub fn html() -> Fault {
        Fault::body(
            502,
            "text/html",
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        )
    }
    pub fn empty() -> Fault {
        Fault::body(200, "application/json", b"")
    }
    pub fn body(status: u16, content_type: &str, body: &[u8]) -> Fault {
        Fault::Body {
            status,
            content_type: content_type.to_owned(),
            body: body.to_vec(),
        }
    }

    /// Parses the admin API's / CLI's form: `500`, `429`, `429:retry-after=2`, `slow:1500`,
    /// `slow-body:1500`, `malformed`, `html`, `empty`, `drop`, `reset`, `redirect`,
    /// `oversized`, `missing-token`, `negative-expiry`, `expires-in:JSON` (a token answer
    /// with that raw `expires_in` value), `token-type:NAME`.
    pub fn parse(s: &str) -> Option<Fault> {
        let (name, arg) = match s.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (s, None),
        };
        let ms = |a: Option<&str>| {
            a.and_then(|v| v.parse::<u64>().ok())
                .map(Duration::from_millis)
        };
        Some(match name {
            "429" => Fault::TooManyRequests {
                retry_after: arg
                    .and_then(|a| a.strip_prefix("retry-after="))
                    .map(str::to_owned),
            },
            "slow" => Fault::Slow(ms(arg)?),
            "slow-body" => Fault::SlowBody(ms(arg)?),
            "malformed" => Fault::malformed_json(),
            "html" => Fault::html(),
            "empty" => Fault::empty(),
            "drop" => Fault::Drop,
            "reset" => Fault::ResetMidBody,
            "redirect" => Fault::Redirect(
                arg.unwrap_or("https://auth.sinch.com/oauth2/token")
                    .to_owned(),
            ),
            "oversized" => Fault::Oversized(arg.and_then(|a| a.parse().ok()).unwrap_or(1 << 20)),
            "missing-token" => Fault::body(
                200,
                "application/json",
                br#"{"expires_in":3600,"token_type":"bearer"}"#,
            ),
            "negative-expiry" => Fault::body(
                200,
                "application/json",
                br#"{"access_token":"x.y.z","expires_in":-5,"token_type":"bearer"}"#,
            ),
            "expires-in" => {
                let raw = arg?;
                serde_json::from_str::<serde_json::Value>(raw).ok()?;
                let body = format!(
                    r#"{{"access_token":"opaque-token","expires_in":{raw},"token_type":"bearer"}}"#
                );
                Fault::body(200, "application/json", body.as_bytes())
            }
            "token-type" => {
                let body =
                    json!({"access_token": "opaque-token", "expires_in": 3600, "token_type": arg?});
                Fault::body(200, "application/json", body.to_string().as_bytes())
            }
            n => {
                let status: u16 = n.parse().ok()?;
                if !(100..=599).contains(&status) {
                    return None;
                }
                Fault::Status(status)
            }
        })
    }
}

/// Plays a fault that does something other than answer (sleep, drop, reset). Returns false
/// when the connection must be closed.
pub(crate) fn play(f: Fault, w: &mut impl Write) -> bool {
    match f {
        Fault::Drop => false,
        Fault::ResetMidBody => {
            let r = Response::json(200, &json!({}));
            let mut out = r.head_bytes(200, true);
            out.extend_from_slice(br#"{"access_token":"eyJhbGciOi"#);
            let _ = w.write_all(&out);
            let _ = w.flush();
            false
        }
        Fault::SlowBody(d) => {
            let body = br#"{"error":"slow"}"#;
            let r = Response::new(500).header("Content-Type", "application/json");
            let _ = w.write_all(&r.head_bytes(body.len(), true));
            let _ = w.flush();
            std::thread::sleep(d);
            let _ = w.write_all(body);
            false
        }
        other => respond(other).write_to(w, false).is_ok(),
    }
}

/// The plain-response faults.
pub(crate) fn respond(f: Fault) -> Response {
    match f {
        Fault::Status(s) => Response::json(
            s,
            &json!({"error": if s >= 500 { "server_error" } else { "invalid_request" }, "error_description": format!("injected {s}")}),
        ),
        Fault::TooManyRequests { retry_after } => {
            let r = Response::json(429, &json!({"error": "rate_limited"}));
            match retry_after {
                Some(v) => r.header("Retry-After", &v),
                None => r,
            }
        }
        Fault::Body {
            status,
            content_type,
            body,
        } => Response::new(status)
            .header("Content-Type", &content_type)
            .body(body),
        Fault::Redirect(loc) => Response::new(302).header("Location", &loc),
        Fault::Oversized(n) => Response::new(200)
            .header("Content-Type", "application/json")
            .body(vec![b' '; n]),
        Fault::Slow(_) | Fault::SlowBody(_) | Fault::Drop | Fault::ResetMidBody => {
            Response::new(500)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_cli_forms() {
        assert_eq!(Fault::parse("500"), Some(Fault::Status(500)));
        assert_eq!(
            Fault::parse("429:retry-after=2"),
            Some(Fault::TooManyRequests {
                retry_after: Some("2".into())
            })
        );
        assert_eq!(
            Fault::parse("slow:1500"),
            Some(Fault::Slow(Duration::from_millis(1500)))
        );
        assert_eq!(Fault::parse("drop"), Some(Fault::Drop));
        assert_eq!(Fault::parse("nope"), None);
        assert!(Fault::parse("expires-in:0").is_some());
        assert!(Fault::parse("expires-in:\"soon\"").is_some());
        assert_eq!(Fault::parse("expires-in:not json"), None);
        assert!(Fault::parse("token-type:mac").is_some());
        assert_eq!(Fault::parse("999"), None);
    }
}
