//! Numbers API callbacks (spec §3.4): `X-Sinch-Signature` = hex(HMAC-SHA1(UTF-8 secret, body)).

use super::headers::Headers;
use crate::b64;
use crate::crypto::{ct_eq, hmac_sha1};
use crate::error::{Error, Result, SignatureReason};

/// The hex HMAC-SHA1 the Numbers API sends in `X-Sinch-Signature` for a body.
pub fn numbers_signature(secret: &str, body: &[u8]) -> String {
    b64::hex_lower(&hmac_sha1(secret.as_bytes(), &[body]))
}

/// Checks a Numbers callback's `X-Sinch-Signature` against the body.
pub fn verify_numbers_callback(secret: &str, headers: &Headers, body: &[u8]) -> Result<()> {
    if secret.is_empty() {
        return Err(Error::config(
            "the Numbers callback secret is empty: set the hmacSecret of the project's callback configuration",
        ));
    }
    let got = headers.one("x-sinch-signature")?;
    let got = b64::hex_decode(got).ok_or_else(|| {
        Error::signature(
            SignatureReason::MalformedHeader,
            "the X-Sinch-Signature header is not hex",
        )
    })?;
    if !ct_eq(&hmac_sha1(secret.as_bytes(), &[body]), &got) {
        return Err(Error::signature(
            SignatureReason::BadSignature,
            "the Numbers callback signature does not match: check the callback hmacSecret and verify the raw body bytes",
        ));
    }
    Ok(())
}
