//! Sign a Voice text-to-speech callout and send it.
//!
//! Needs SINCH_APP_KEY and SINCH_APP_SECRET (and, for the local server, SINCH_API_BASE_URL).

use sinch_auth::{sign_request, ApplicationCredentials, Product, SignRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let app = ApplicationCredentials::from_env()?;
    let base = match std::env::var("SINCH_API_BASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => Product::Voice.info().base_url(None)?.to_owned(),
    };
    let body = br#"{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+12025550123"},"text":"Hello from sinch-auth"}}"#;
    let path = "/calling/v1/callouts";
    // The Content-Type sent must be the one signed (application/json by default).
    let signed = sign_request(&app, &SignRequest::new("POST", path).body(body))?;
    let resp = ureq::post(&format!("{base}{path}"))
        .header("Authorization", &signed.authorization)
        .header("x-timestamp", &signed.timestamp)
        .header("Content-Type", "application/json")
        .send(&body[..])?;
    println!("callout answered {}", resp.status().as_u16());
    Ok(())
}
