//! Where a request goes: a fixed upstream per listener, a host-prefixed path
//! (`/numbers.api.sinch.com/v1/…`), an absolute-form target (`curl -x`), or a `Host` that is
//! itself a Sinch host. Every upstream is a host of the core's product table (which also
//! says which auth it takes), or a loopback origin the user named; anything else is refused
//! before a credential is computed.

use sinch_auth::{endpoint_for_host, AuthModel, Product};

/// An origin to send to: `scheme://host[:port]`, and the auth its product takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Upstream {
    pub(crate) origin: String,
    /// The Sinch host the request is for (the override's key when overridden).
    pub(crate) sinch_host: String,
    pub(crate) product: Product,
    pub(crate) model: AuthModel,
}

/// Why a request has no upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoRoute {
    /// A host that is not a Sinch host of the product table (403).
    Forbidden(String),
    /// Nothing says where to go (404, with how to say it).
    Unknown,
}

/// `HOST=URL` pairs: an allowlisted Sinch host served by another origin (a local mock).
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides(Vec<(String, String)>);

impl Overrides {
    pub(crate) fn parse(pairs: &[String]) -> Result<Self, String> {
        let mut out = Vec::new();
        for p in pairs {
            let (host, url) = p
                .split_once('=')
                .ok_or_else(|| format!("--override-host takes HOST=URL, not {p:?}"))?;
            if endpoint_for_host(host).is_none() {
                return Err(format!(
                    "--override-host {host}: not a Sinch host of the product table (`sinch-auth which PRODUCT` lists them)"
                ));
            }
            check_origin(url)?;
            out.push((
                host.to_ascii_lowercase(),
                url.trim_end_matches('/').to_owned(),
            ));
        }
        Ok(Overrides(out))
    }

    fn get(&self, host: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(host))
            .map(|(_, u)| u.as_str())
    }
}

/// An origin the proxy may send to: `https://` anything, `http://` only on loopback.
pub(crate) fn check_origin(url: &str) -> Result<(), String> {
    let rest = if let Some(r) = url.strip_prefix("https://") {
        r
    } else if let Some(r) = url.strip_prefix("http://") {
        if !is_loopback(host_of(r)) {
            return Err(format!(
                "{url}: http:// is allowed only to a loopback upstream (127.0.0.1, localhost, [::1]); Sinch hosts are https://"
            ));
        }
        r
    } else {
        return Err(format!(
            "{url}: an upstream is https://host (or http:// on loopback)"
        ));
    };
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') || rest.trim_end_matches('/').contains('/') {
        return Err(format!(
            "{url}: an upstream is an origin (scheme://host[:port]), without a path or user info"
        ));
    }
    Ok(())
}

/// The host of an authority (`host:port`, `[v6]:port`), lower-case.
pub(crate) fn host_of(authority: &str) -> &str {
    let authority = authority.split('/').next().unwrap_or("");
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

pub(crate) fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The upstream for a Sinch `host`, through an override when one is set.
pub(crate) fn sinch_upstream(host: &str, overrides: &Overrides) -> Result<Upstream, NoRoute> {
    let (info, endpoint) =
        endpoint_for_host(host).ok_or_else(|| NoRoute::Forbidden(host.to_owned()))?;
    let origin = match overrides.get(host) {
        Some(url) => url.to_owned(),
        None => format!("https://{}", host.to_ascii_lowercase()),
    };
    Ok(Upstream {
        origin,
        sinch_host: host.to_ascii_lowercase(),
        product: info.product,
        model: endpoint.model,
    })
}

/// The upstream and the path (with query) for a request line `target` with `host` header,
/// on a listener with `fixed` upstream (if any).
pub(crate) fn route(
    target: &str,
    fixed: Option<&Upstream>,
    overrides: &Overrides,
) -> Result<(Upstream, String), NoRoute> {
    // Absolute form (a forward proxy's request): the host is the target's.
    for scheme in ["http://", "https://"] {
        if let Some(rest) = strip_prefix_ci(target, scheme) {
            let authority = rest.split(['/', '?']).next().unwrap_or("");
            let path = &rest[authority.len()..];
            if authority.contains('@') {
                // Credentials in the URL are never sent on, and a userinfo part is a
                // classic way to dress one host up as another.
                return Err(NoRoute::Forbidden(without_userinfo(authority)));
            }
            let up = sinch_upstream(host_of(authority), overrides)?;
            return Ok((up, normalise(path)));
        }
    }
    if let Some(up) = fixed {
        return Ok((up.clone(), normalise(target)));
    }
    // Host-prefixed: /numbers.api.sinch.com/v1/…
    let trimmed = target.trim_start_matches('/');
    let first = trimmed.split(['/', '?']).next().unwrap_or("");
    if first.contains('.') {
        let up = sinch_upstream(first, overrides)?;
        return Ok((up, normalise(&trimmed[first.len()..])));
    }
    Err(NoRoute::Unknown)
}

/// `target` with any `user:password@` of an absolute-form URL taken out (for the log and
/// messages).
pub(crate) fn without_userinfo(target: &str) -> String {
    let (scheme, rest) = match target.find("://") {
        Some(i) => target.split_at(i + 3),
        None => ("", target),
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}{}", &rest[at + 1..]),
        None => target.to_owned(),
    }
}

fn normalise(path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_routing_forms_and_refusals() {
        let none = Overrides::default();
        let (up, path) = route("/numbers.api.sinch.com/v1/projects?x=1", None, &none).unwrap();
        assert_eq!(
            (up.origin.as_str(), path.as_str()),
            ("https://numbers.api.sinch.com", "/v1/projects?x=1")
        );
        assert_eq!(up.model, AuthModel::Project);
        let (up, path) = route(
            "http://calling.api.sinch.com/calling/v1/callouts",
            None,
            &none,
        )
        .unwrap();
        assert_eq!(
            (up.origin.as_str(), path.as_str()),
            ("https://calling.api.sinch.com", "/calling/v1/callouts")
        );
        assert_eq!(up.model, AuthModel::Application);
        assert_eq!(
            route("/evil.test/x", None, &none),
            Err(NoRoute::Forbidden("evil.test".into()))
        );
        assert_eq!(
            route("http://evil.test/x", None, &none),
            Err(NoRoute::Forbidden("evil.test".into()))
        );
        assert_eq!(route("/v1/projects", None, &none), Err(NoRoute::Unknown));
        for userinfo in [
            "http://u:PW@numbers.api.sinch.com/v1",
            "http://numbers.api.sinch.com:443@evil.test/x",
        ] {
            match route(userinfo, None, &none) {
                Err(NoRoute::Forbidden(shown)) => {
                    assert!(!shown.contains("PW") && !shown.contains('@'), "{shown}")
                }
                other => panic!("{userinfo}: {other:?}"),
            }
        }
        assert_eq!(without_userinfo("http://u:PW@h/p?q"), "http://h/p?q");
        assert_eq!(without_userinfo("/p@x"), "/p@x");
        let o = Overrides::parse(&["numbers.api.sinch.com=http://127.0.0.1:9".into()]).unwrap();
        let (up, _) = route("/numbers.api.sinch.com/v1", None, &o).unwrap();
        assert_eq!(up.origin, "http://127.0.0.1:9");
        assert!(Overrides::parse(&["evil.test=http://127.0.0.1:9".into()]).is_err());
        assert!(Overrides::parse(&["numbers.api.sinch.com=http://10.0.0.1:9".into()]).is_err());
    }

    #[test]
    fn origins_are_https_or_loopback_http_without_paths() {
        assert!(check_origin("https://us.conversation.api.sinch.com").is_ok());
        assert!(check_origin("http://127.0.0.1:8700").is_ok());
        assert!(check_origin("http://[::1]:8700/").is_ok());
        for bad in [
            "http://example.com",
            "ftp://x",
            "https://a/b",
            "https://u:p@a",
            "http://127.0.0.1.evil.test",
        ] {
            assert!(check_origin(bad).is_err(), "{bad}");
        }
    }
}
