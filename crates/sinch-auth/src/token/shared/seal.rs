//! Nothing secret in the store: key names are an HMAC of the key ID under the key secret
//! (neither readable from them; a wrong or rotated secret lands on other names) and values
//! are sealed with XChaCha20-Poly1305 under a key derived (HKDF-SHA256) from the key secret,
//! the key name as associated data. Every worker that may use the token already holds the
//! secret, so there is no key to distribute. A value that does not open is a miss.

use crate::credentials::ProjectCredentials;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Nonce, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use hmac::Mac;
use zeroize::Zeroizing;

const VERSION: u8 = 1;
const NONCE: usize = 24;

/// The names of one credential set's keys, and the sealing key.
pub(crate) struct Sealer {
    /// `<prefix>:v1:{<fp>}:` — the braces are a Redis Cluster hash tag, so the keys of one
    /// credential set share a slot.
    base: String,
    cipher: XChaCha20Poly1305,
}

impl Sealer {
    pub(crate) fn new(creds: &ProjectCredentials, token_url: &str, prefix: &str) -> Self {
        let secret = creds.key_secret().expose().as_bytes();
        let mut mac = crate::crypto::hmac_sha256_key(secret);
        for part in [
            b"sinch-auth/cache/v1\0".as_slice(),
            token_url.as_bytes(),
            b"\0",
            creds.key_id().as_bytes(),
        ] {
            mac.update(part);
        }
        let fp = hex::encode(&mac.finalize().into_bytes()[..16]);
        let mut okm = Zeroizing::new([0u8; 32]);
        let info = [
            b"sinch-auth/cache-enc/v1\0".as_slice(),
            token_url.as_bytes(),
            b"\0",
            creds.key_id().as_bytes(),
        ]
        .concat();
        hkdf::Hkdf::<sha2::Sha256>::new(None, secret)
            .expand(&info, okm.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        let cipher = XChaCha20Poly1305::new(&(*okm).into());
        Sealer {
            base: format!("{prefix}:v1:{{{fp}}}:"),
            cipher,
        }
    }

    pub(crate) fn key(&self, what: &str) -> String {
        format!("{}{what}", self.base)
    }

    /// `version | nonce | ciphertext+tag`, bound to `key`.
    pub(crate) fn seal(&self, key: &str, plaintext: &[u8]) -> Option<Vec<u8>> {
        let nonce = Nonce::<XChaCha20Poly1305>::try_generate().ok()?;
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: &aad(key),
                },
            )
            .ok()?;
        let mut out = Vec::with_capacity(1 + NONCE + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Some(out)
    }

    /// The plaintext, or `None` for anything that is not a value this key sealed for `key`.
    pub(crate) fn open(&self, key: &str, value: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let (&version, rest) = value.split_first()?;
        if version != VERSION || rest.len() < NONCE {
            return None;
        }
        let (nonce, sealed) = rest.split_at(NONCE);
        self.cipher
            .decrypt(
                nonce.try_into().ok()?,
                Payload {
                    msg: sealed,
                    aad: &aad(key),
                },
            )
            .ok()
            .map(Zeroizing::new)
    }
}

fn aad(key: &str) -> Vec<u8> {
    [&[VERSION][..], key.as_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(secret: &str) -> Sealer {
        let c = ProjectCredentials::new("p", "key-id-1", secret).unwrap();
        Sealer::new(&c, "https://auth.sinch.com/oauth2/token", "sinch-auth")
    }

    #[test]
    fn names_hide_the_key_and_values_open_only_with_the_same_secret_and_name() {
        let s = sealer("secret-1");
        let key = s.key("tok");
        assert!(
            key.starts_with("sinch-auth:v1:{") && key.ends_with("}:tok"),
            "{key}"
        );
        assert!(!key.contains("key-id-1") && !key.contains("secret-1"));
        let sealed = s.seal(&key, b"the token").unwrap();
        assert!(!sealed.windows(9).any(|w| w == b"the token"));
        assert_eq!(&**s.open(&key, &sealed).unwrap(), b"the token");
        // Another name, another secret, a flipped bit, a truncated value: misses.
        assert!(s.open(&s.key("other"), &sealed).is_none());
        let rotated = sealer("secret-2");
        assert_ne!(rotated.key("tok"), key);
        assert!(rotated.open(&key, &sealed).is_none());
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(s.open(&key, &flipped).is_none());
        assert!(s.open(&key, &sealed[..10]).is_none());
        assert!(s.open(&key, b"").is_none());
        // Two seals of one value differ (a fresh nonce each time).
        assert_ne!(s.seal(&key, b"x").unwrap(), s.seal(&key, b"x").unwrap());
    }
}
