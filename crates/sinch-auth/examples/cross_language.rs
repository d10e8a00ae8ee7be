//! The Rust side of scripts/test-cross-language.sh: signs every case of
//! tests/api/cross_language.json, or, given the other languages' results, verifies them as
//! application callbacks. Prints JSON on stdout.
//!
//! `cross_language sign INPUTS` / `cross_language verify INPUTS RESULTS`

use serde_json::{json, Value};
use sinch_auth::webhook::{Headers, VerifyOptions};
use sinch_auth::{sign_request, verify_application_callback, ApplicationCredentials, SignRequest};
use std::time::{Duration, UNIX_EPOCH};

fn body(case: &Value) -> String {
    match case.get("body_repeat") {
        Some(r) => r[0]
            .as_str()
            .unwrap()
            .repeat(r[1].as_u64().unwrap() as usize),
        None => case["body"].as_str().unwrap().to_owned(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let read =
        |p: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let inputs = read(&args[2]);
    let app = ApplicationCredentials::new(
        inputs["app_key"].as_str().unwrap(),
        inputs["app_secret"].as_str().unwrap(),
    )
    .unwrap();
    let cases = inputs["cases"].as_array().unwrap();
    let out: Value = match args[1].as_str() {
        "sign" => cases
            .iter()
            .map(|c| {
                let b = body(c);
                let req =
                    SignRequest::new(c["method"].as_str().unwrap(), c["path"].as_str().unwrap())
                        .body(b.as_bytes())
                        .content_type(c["content_type"].as_str().unwrap())
                        .timestamp(c["timestamp"].as_str().unwrap())
                        .scheme(c["scheme"].as_str().unwrap().parse().unwrap());
                let s = sign_request(&app, &req).unwrap();
                (
                    c["id"].as_str().unwrap().to_owned(),
                    json!({"authorization": s.authorization, "x_timestamp": s.timestamp}),
                )
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
        "verify" => {
            let results = read(&args[3]);
            let now = UNIX_EPOCH + Duration::from_secs(inputs["now"].as_u64().unwrap());
            cases
                .iter()
                .filter(|c| {
                    !c["scheme"]
                        .as_str()
                        .unwrap()
                        .eq_ignore_ascii_case("service")
                })
                .map(|c| {
                    let r = &results[c["id"].as_str().unwrap()];
                    let mut h = Headers::new();
                    h.insert("authorization", r["authorization"].as_str().unwrap());
                    h.insert("x-timestamp", r["x_timestamp"].as_str().unwrap());
                    h.insert("content-type", c["content_type"].as_str().unwrap());
                    let b = body(c);
                    let ok = verify_application_callback(
                        &app,
                        c["method"].as_str().unwrap(),
                        c["path"].as_str().unwrap(),
                        &h,
                        b.as_bytes(),
                        &VerifyOptions {
                            now: Some(now),
                            tolerance: None,
                        },
                    );
                    (
                        c["id"].as_str().unwrap().to_owned(),
                        Value::Bool(ok.is_ok()),
                    )
                })
                .collect::<serde_json::Map<_, _>>()
                .into()
        }
        other => panic!("unknown mode {other}"),
    };
    println!("{out}");
}
