//! JWT-shaped access tokens: `header.payload.signature`, base64url, with `exp`. The server
//! remembers each one it issued and its exact expiry.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{KeyInit, Mac};
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone)]
pub struct Issued {
    pub project_id: String,
    pub expires: Instant,
    pub expires_wall: SystemTime,
}

#[derive(Default)]
pub struct TokenStore {
    issued: Mutex<HashMap<String, Issued>>,
    serial: AtomicU64,
}

pub enum Check {
    Valid(Issued),
    Expired(SystemTime),
    Unknown,
}

impl TokenStore {
    pub fn issue(&self, key_id: &str, project_id: &str, lifetime: Duration) -> String {
        let n = self.serial.fetch_add(1, Ordering::SeqCst) + 1;
        let now = SystemTime::now();
        let iat = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        let exp = (iat + lifetime).as_secs_f64().ceil() as u64;
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(
            json!({"iss": "sinch-auth-server", "sub": key_id, "project_id": project_id,
                   "iat": iat.as_secs(), "exp": exp, "jti": n})
            .to_string(),
        );
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(b"sinch-auth-server local signing key")
                .expect("any key length");
        mac.update(format!("{header}.{payload}").as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        let token = format!("{header}.{payload}.{sig}");
        let mut map = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 50_000 {
            let cutoff = Instant::now() - Duration::from_secs(60);
            map.retain(|_, v| v.expires > cutoff);
        }
        map.insert(
            token.clone(),
            Issued {
                project_id: project_id.to_owned(),
                expires: Instant::now() + lifetime,
                expires_wall: now + lifetime,
            },
        );
        token
    }

    /// Every token issued so far expires now (to provoke expired-token 401s in tests).
    pub fn expire_all(&self) -> usize {
        let mut map = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        let (now, wall) = (Instant::now(), SystemTime::now());
        for v in map.values_mut() {
            if v.expires > now {
                v.expires = now;
                v.expires_wall = wall;
            }
        }
        map.len()
    }

    pub fn check(&self, token: &str) -> Check {
        let map = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(token) {
            Some(i) if Instant::now() < i.expires => Check::Valid(i.clone()),
            Some(i) => Check::Expired(i.expires_wall),
            None => Check::Unknown,
        }
    }
}
