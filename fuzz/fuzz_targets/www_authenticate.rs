#![no_main]
//! WWW-Authenticate, Retry-After and timestamps as servers and clients send them.
use libfuzzer_sys::fuzz_target;
use sinch_auth::fuzzing::{parse_iso8601, parse_retry_after};
use sinch_auth::{diagnose, is_expired_token_challenge, Product};

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let status = data.first().map_or(401, |b| 400 + u16::from(*b % 200));
    let _ = is_expired_token_challenge(status, [("WWW-Authenticate", s.as_ref())]);
    for p in [Product::Numbers, Product::Voice, Product::Conversation, Product::Mailgun] {
        let d = diagnose(p, status, [("www-authenticate", s.as_ref())], data, Some(&s));
        assert!(!d.fix.is_empty());
    }
    let _ = parse_retry_after(Some(&s), std::time::SystemTime::now());
    let _ = parse_iso8601(&s);
});
