#![no_main]
//! The token endpoint's answer: any status, any body.
use libfuzzer_sys::fuzz_target;
use sinch_auth::fuzzing::{jwt_exp, parse_token_response};
use sinch_auth::transport::HttpResponse;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]) % 600, rest),
        _ => (200, data),
    };
    let resp = HttpResponse {
        status,
        headers: vec![("location".into(), String::from_utf8_lossy(body).into_owned())],
        body: body.to_vec(),
    };
    if let Ok(t) = parse_token_response(&resp, "https://auth.test/oauth2/token") {
        assert!(!t.access_token.is_empty());
        assert!(t.expires_in.as_secs_f64() > 0.0);
    }
    let _ = jwt_exp(&String::from_utf8_lossy(body));
});
