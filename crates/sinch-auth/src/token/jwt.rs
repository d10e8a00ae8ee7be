//! Reads `exp` from a JWT-shaped token without checking its signature (we only use it to
//! refresh early; the server is the judge of validity).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The `exp` claim (epoch seconds) of a three-part JWT, if it has a numeric one.
pub(crate) fn jwt_exp(token: &str) -> Option<f64> {
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || payload.len() > 16 * 1024 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = v.get("exp")?.as_f64()?;
    exp.is_finite().then_some(exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        format!(
            "eyJhbGciOiJub25lIn0.{}.sig",
            URL_SAFE_NO_PAD.encode(payload.as_bytes())
        )
    }

    #[test]
    fn reads_exp() {
        assert_eq!(
            jwt_exp(&jwt(r#"{"exp":1700000000}"#)),
            Some(1_700_000_000.0)
        );
        assert_eq!(jwt_exp(&jwt(r#"{"exp":1.5}"#)), Some(1.5));
        assert_eq!(jwt_exp(&jwt(r#"{"exp":"soon"}"#)), None);
        assert_eq!(jwt_exp(&jwt(r#"{"sub":"x"}"#)), None);
        assert_eq!(jwt_exp("opaque-token"), None);
        assert_eq!(jwt_exp("a.b.c.d"), None);
        assert_eq!(jwt_exp("a.!!!.c"), None);
        assert_eq!(jwt_exp(&jwt("[1,2]")), None);
    }
}
