//! Recognising the "your bearer token expired" 401.

/// True for a 401 whose `WWW-Authenticate` mentions `expired` (any case, any header-name
/// case). 407 (proxies send the same words) and every other status are never a token expiry.
pub fn is_expired_token_challenge<'a>(
    status: u16,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> bool {
    status == 401
        && headers.into_iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("www-authenticate") && v.to_ascii_lowercase().contains("expired")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_fixtures() {
        let yes = [
            r#"Bearer error="invalid_token", error_description="Jwt expired at 2024-07-08T22:12:28Z", error_uri="https://tools.ietf.org/html/rfc6750#section-3.1""#,
            "token expired",
            r#"Bearer realm="sinch", error="invalid_token", error_description="expired""#,
            r#"Bearer error="expired""#,
            "token invalid: expired",
        ];
        for v in yes {
            assert!(
                is_expired_token_challenge(401, [("WWW-Authenticate", v)]),
                "{v}"
            );
            assert!(
                is_expired_token_challenge(401, [("www-authenticate", v)]),
                "{v}"
            );
        }
        assert!(!is_expired_token_challenge(
            401,
            [("www-authenticate", "no")]
        ));
        assert!(!is_expired_token_challenge(
            401,
            [("www-authenticate", r#"Bearer error="invalid_token""#)]
        ));
        assert!(!is_expired_token_challenge(401, []));
        assert!(!is_expired_token_challenge(
            407,
            [(
                "www-authenticate",
                r#"Bearer realm="proxy", error="expired""#
            )]
        ));
    }
}
