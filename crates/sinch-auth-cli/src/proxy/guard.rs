//! Local protection, checked before anything else is done for a request: the proxy token
//! (when one is required), a `Host` that is loopback or a Sinch host (DNS rebinding), no
//! `Origin` unless allowed (browsers), and the `X-Sinch-Proxy: 1` header a browser cannot
//! add cross-origin without a preflight, which is never answered.

use super::route::{host_of, is_loopback};
use sinch_auth::{endpoint_for_host, Secret};
use subtle::ConstantTimeEq;

/// The header every request must carry (unless `--no-guard-header`).
pub(crate) const GUARD_HEADER: &str = "x-sinch-proxy";
/// Where a proxy token may come instead of `Proxy-Authorization: Bearer …`.
pub(crate) const TOKEN_HEADER: &str = "x-sinch-proxy-token";

/// What the guard needs from the configuration.
#[derive(Debug, Clone, Default)]
pub(crate) struct Policy {
    /// The proxy token (`Secret`: this struct's `Debug` does not show it).
    pub(crate) token: Option<Secret>,
    pub(crate) allow_origins: Vec<String>,
    pub(crate) require_guard_header: bool,
}

/// A refusal: the status and one line saying why and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) status: u16,
    pub(crate) counter: &'static str,
    pub(crate) message: String,
}

fn refuse(status: u16, counter: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        counter,
        message: message.into(),
    }
}

/// `header(name)` gives a request header's value (names in lower case).
pub(crate) fn check<'h>(
    policy: &Policy,
    header: impl Fn(&str) -> Option<&'h str>,
) -> Result<(), Refusal> {
    if let Some(expected) = &policy.token {
        let given = header("proxy-authorization")
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .or_else(|| header(TOKEN_HEADER))
            .unwrap_or("");
        if !bool::from(given.trim().as_bytes().ct_eq(expected.expose().as_bytes())) {
            return Err(refuse(
                407,
                "rejected_token",
                "this proxy needs its token: Proxy-Authorization: Bearer <token> (or X-Sinch-Proxy-Token), from --token-file",
            ));
        }
    }
    let host = header("host").map(host_of).unwrap_or("");
    if !(is_loopback(host) || endpoint_for_host(host).is_some()) {
        return Err(refuse(
            421,
            "rejected_host",
            format!(
                "Host {:?} is neither loopback nor a Sinch host: refused (DNS rebinding guard)",
                host.chars().take(80).collect::<String>()
            ),
        ));
    }
    if let Some(origin) = header("origin") {
        if !policy.allow_origins.iter().any(|o| o == origin) {
            return Err(refuse(
                403,
                "rejected_origin",
                "requests from a browser page (an Origin header) are refused; --allow-origin ORIGIN lets one origin in",
            ));
        }
    }
    if policy.require_guard_header && header(GUARD_HEADER).map(str::trim) != Some("1") {
        return Err(refuse(
            412,
            "rejected_guard",
            "add the header X-Sinch-Proxy: 1 (curl -H 'X-Sinch-Proxy: 1'); it keeps web pages from using this proxy",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(policy: &Policy, headers: &[(&str, &str)]) -> Result<(), u16> {
        check(policy, |n| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| *v)
        })
        .map_err(|r| r.status)
    }

    #[test]
    fn each_guard_in_turn() {
        let p = Policy {
            require_guard_header: true,
            ..Policy::default()
        };
        let ok = [("host", "127.0.0.1:8787"), ("x-sinch-proxy", "1")];
        assert_eq!(run(&p, &ok), Ok(()));
        assert_eq!(
            run(&p, &[("host", "localhost"), ("x-sinch-proxy", "1")]),
            Ok(())
        );
        assert_eq!(
            run(
                &p,
                &[("host", "numbers.api.sinch.com"), ("x-sinch-proxy", "1")]
            ),
            Ok(())
        );
        assert_eq!(
            run(&p, &[("host", "evil.test:8787"), ("x-sinch-proxy", "1")]),
            Err(421)
        );
        assert_eq!(
            run(
                &p,
                &[("host", "127.0.0.1.evil.test"), ("x-sinch-proxy", "1")]
            ),
            Err(421)
        );
        assert_eq!(
            run(&p, &[ok[0], ok[1], ("origin", "https://evil.test")]),
            Err(403)
        );
        assert_eq!(run(&p, &[ok[0]]), Err(412));
        let tokened = Policy {
            token: Some(Secret::new("t0k")),
            ..p.clone()
        };
        assert_eq!(run(&tokened, &ok), Err(407));
        assert_eq!(
            run(
                &tokened,
                &[ok[0], ok[1], ("proxy-authorization", "Bearer t0k")]
            ),
            Ok(())
        );
        assert_eq!(
            run(&tokened, &[ok[0], ok[1], ("x-sinch-proxy-token", "t0k")]),
            Ok(())
        );
        assert_eq!(
            run(&tokened, &[ok[0], ok[1], ("x-sinch-proxy-token", "t0K")]),
            Err(407)
        );
    }
}
