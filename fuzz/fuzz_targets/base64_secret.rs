#![no_main]
//! The lenient Base64 decoder for application secrets.
use libfuzzer_sys::fuzz_target;
use sinch_auth::{decode_base64_secret, ApplicationCredentials};

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    if let Ok(bytes) = decode_base64_secret(&s) {
        // Decoded length follows from the input length.
        let sextets = s.trim_end_matches('=').len();
        assert_eq!(bytes.len(), sextets * 6 / 8);
    }
    let _ = ApplicationCredentials::new("k", s.to_string());
});
