#![no_main]
//! Inbound `Authorization` / `x-timestamp` / `content-type` headers of Voice and
//! Verification callbacks.
use libfuzzer_sys::fuzz_target;
use sinch_auth::webhook::{Headers, VerifyOptions};
use sinch_auth::{verify_application_callback, ApplicationCredentials};

fuzz_target!(|data: &[u8]| {
    let app = ApplicationCredentials::new("app-key", "bXkta2V5LXNlY3JldA==").unwrap();
    let mut parts = data.splitn(4, |&b| b == 0);
    let auth = parts.next().unwrap_or_default();
    let ts = parts.next().unwrap_or_default();
    let ct = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();
    let h = Headers::from_pairs([("Authorization", auth), ("x-timestamp", ts), ("content-type", ct)]);
    let path = String::from_utf8_lossy(ct);
    for opts in [VerifyOptions::default(), VerifyOptions::no_freshness()] {
        let _ = verify_application_callback(&app, "POST", &path, &h, body, &opts);
    }
});
