//! sign_request output against the local server's application-signed endpoints.

use sinch_auth::{sign_request, ApplicationCredentials, SignRequest};
use sinch_auth_server::LocalServer;

fn send(
    server: &LocalServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut req =
        ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{}", server.url(), path));
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    let mut resp = agent.run(req.body(body.to_vec()).unwrap()).unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_string().unwrap_or_default())
}

#[test]
fn signed_voice_and_verification_requests_are_accepted_and_tampering_is_401() {
    let server = LocalServer::start_default().unwrap();
    let k = server.keys();
    let app = ApplicationCredentials::new(k.app_key, k.app_secret).unwrap();
    let body = br#"{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+46700000000"},"text":"Hej"}}"#;
    for path in ["/calling/v1/callouts", "/verification/v1/verifications"] {
        let s = sign_request(&app, &SignRequest::new("POST", path).body(body)).unwrap();
        let h = [
            ("Authorization", s.authorization.as_str()),
            ("x-timestamp", s.timestamp.as_str()),
            ("Content-Type", "application/json"),
        ];
        assert_eq!(send(&server, "POST", path, &h, body).0, 200, "{path}");
        let mut tampered = body.to_vec();
        tampered[10] ^= 1;
        let (status, text) = send(&server, "POST", path, &h, &tampered);
        assert_eq!(status, 401);
        assert!(
            text.contains("Invalid Signature") && text.contains("bad_signature"),
            "{text}"
        );
        let wrong_type = [
            h[0],
            h[1],
            ("Content-Type", "application/json; charset=utf-8"),
        ];
        assert_eq!(send(&server, "POST", path, &wrong_type, body).0, 401);
    }
    // A GET with no body, query ignored by the canonical resource.
    let s = sign_request(
        &app,
        &SignRequest::new("GET", "/calling/v1/calls/id/1?x=1").content_type(""),
    )
    .unwrap();
    let h = [
        ("Authorization", s.authorization.as_str()),
        ("x-timestamp", s.timestamp.as_str()),
    ];
    assert_eq!(
        send(&server, "GET", "/calling/v1/calls/id/1?x=1", &h, b"").0,
        200
    );
    // Basic application auth also works; a wrong app secret does not.
    assert_eq!(
        send(
            &server,
            "POST",
            "/calling/v1/callouts",
            &[("Authorization", &app.basic_authorization())],
            body
        )
        .0,
        200
    );
    let wrong = ApplicationCredentials::new(app.app_key(), "d3JvbmctYXBwLXNlY3JldA==").unwrap();
    let s = sign_request(
        &wrong,
        &SignRequest::new("POST", "/calling/v1/callouts").body(body),
    )
    .unwrap();
    let h = [
        ("Authorization", s.authorization.as_str()),
        ("x-timestamp", s.timestamp.as_str()),
        ("Content-Type", "application/json"),
    ];
    assert_eq!(
        send(&server, "POST", "/calling/v1/callouts", &h, body).0,
        401
    );
    let c = server.counters();
    assert_eq!((c.signed_ok, c.signed_rejected), (4, 5), "{c:?}");
}
