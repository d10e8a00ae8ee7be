//! What each endpoint answers.

use crate::faults::{self, Fault};
use crate::http::{Request, Response};
use crate::state::Shared;
use crate::tokens::Check;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use sinch_auth::webhook::{Headers, VerifyOptions};
use sinch_auth::ApplicationCredentials;
use std::sync::atomic::Ordering;
use std::time::Duration;

pub(crate) enum Outcome {
    Respond(Response),
    Fault(Fault),
}

fn bump(c: &std::sync::atomic::AtomicU64) {
    c.fetch_add(1, Ordering::SeqCst);
}

pub(crate) fn handle(s: &Shared, req: &Request) -> Outcome {
    let path = req.path();
    if path == "/oauth2/token" {
        return token_endpoint(s, req);
    }
    Outcome::Respond(if path.starts_with("/_admin/") {
        admin(s, req)
    } else if path.starts_with("/v1/projects/") {
        bearer_protected(s, req)
    } else if path.starts_with("/calling/")
        || path.starts_with("/verification/")
        || path.starts_with("/v1/configuration/")
    {
        application_signed(s, req)
    } else if path.starts_with("/xms/v1/") {
        service_plan(s, req)
    } else if path.starts_with("/v3/") {
        mailgun(s, req)
    } else {
        Response::json(404, &json!({"error": "not_found"}))
    })
}

fn oauth_error(status: u16, error: &str, description: &str) -> Response {
    Response::json(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

fn token_endpoint(s: &Shared, req: &Request) -> Outcome {
    let c = &s.counters;
    let epoch = s.epoch();
    bump(&c.token_requests);
    s.record_user_agent(req.header("user-agent"));
    if let Some(f) = s.next_fault() {
        bump(&c.faults_played);
        match f {
            Fault::Slow(d) => {
                std::thread::sleep(d);
                // The client gave up long ago and a reset came in between: answering now would
                // count a token (and take a bucket slot) in the next test's tally.
                if s.epoch() != epoch {
                    return Outcome::Fault(Fault::Drop);
                }
            }
            f @ (Fault::Drop | Fault::ResetMidBody | Fault::SlowBody(_)) => {
                return Outcome::Fault(f)
            }
            f => return Outcome::Respond(faults::respond(f)),
        }
    }
    if !s.admit() {
        bump(&c.token_rate_limited);
        return Outcome::Respond(Response::json(
            429,
            &json!({"error": "rate_limited", "error_description": "Too Many Requests"}),
        ));
    }
    if req.method != "POST" {
        return Outcome::Respond(oauth_error(405, "invalid_request", "use POST"));
    }
    let keys = &s.config.keys;
    let basic = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let ok = basic
        .as_deref()
        .and_then(|b| b.split_once(':'))
        .is_some_and(|(k, sec)| k == keys.key_id && sec == keys.key_secret);
    if !ok {
        bump(&c.token_rejected);
        return Outcome::Respond(
            oauth_error(
                401,
                "invalid_client",
                "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).",
            )
            .header("WWW-Authenticate", "Basic realm=\"sinch\""),
        );
    }
    let form = String::from_utf8_lossy(&req.body);
    if !form
        .split('&')
        .any(|kv| kv == "grant_type=client_credentials")
    {
        return Outcome::Respond(oauth_error(
            400,
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        ));
    }
    let lifetime = s.lifetime();
    let token = s.tokens.issue(&keys.key_id, &keys.project_id, lifetime);
    bump(&c.tokens_issued);
    let secs = lifetime.as_secs_f64();
    let expires_in = if secs.fract() == 0.0 {
        json!(secs as u64)
    } else {
        json!(secs)
    };
    Outcome::Respond(Response::json(
        200,
        &json!({"access_token": token, "expires_in": expires_in, "scope": "", "token_type": "bearer"}),
    ))
}

fn unauthorized(challenge: &str) -> Response {
    Response::json(
        401,
        &json!({"error": {"code": 401, "message": "Unauthorized", "status": "UNAUTHENTICATED"}}),
    )
    .header("WWW-Authenticate", challenge)
}

fn bearer_protected(s: &Shared, req: &Request) -> Response {
    let c = &s.counters;
    bump(&c.api_requests);
    let keys = &s.config.keys;
    let project = req
        .path()
        .strip_prefix("/v1/projects/")
        .and_then(|p| p.split('/').next())
        .unwrap_or("");
    let auth = req.header("authorization").unwrap_or("");
    let granted_project = if let Some(tok) = auth.strip_prefix("Bearer ") {
        match s.tokens.check(tok.trim()) {
            Check::Valid(i) => i.project_id,
            Check::Expired(at) => {
                bump(&c.api_unauthorized);
                bump(&c.api_expired);
                return unauthorized(&format!(
                    "Bearer error=\"invalid_token\", error_description=\"Jwt expired at {}\", error_uri=\"https://tools.ietf.org/html/rfc6750#section-3.1\"",
                    sinch_auth::x_timestamp_at(at)
                ));
            }
            Check::Unknown => {
                bump(&c.api_unauthorized);
                return unauthorized(
                    "Bearer error=\"invalid_token\", error_description=\"Jwt is malformed or not issued by this server\"",
                );
            }
        }
    } else if let Some(b) = auth.strip_prefix("Basic ") {
        let decoded = STANDARD
            .decode(b.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        if decoded.as_deref() == Some(&format!("{}:{}", keys.key_id, keys.key_secret)) {
            keys.project_id.clone()
        } else {
            bump(&c.api_unauthorized);
            return unauthorized("Basic realm=\"sinch\", error=\"invalid_client\"");
        }
    } else {
        bump(&c.api_unauthorized);
        return unauthorized("Bearer realm=\"sinch\"");
    };
    if granted_project != project {
        bump(&c.api_forbidden);
        return Response::json(
            403,
            &json!({"error": {"code": 403, "message": "The access key does not have access to this project", "status": "PERMISSION_DENIED"}}),
        );
    }
    bump(&c.api_ok);
    Response::json(
        200,
        &json!({"activeNumbers": [{"phoneNumber": "+12025550123", "projectId": project}], "totalSize": 1}),
    )
}

fn application_signed(s: &Shared, req: &Request) -> Response {
    let c = &s.counters;
    bump(&c.signed_requests);
    let keys = &s.config.keys;
    let app = match ApplicationCredentials::new(keys.app_key.clone(), keys.app_secret.clone()) {
        Ok(a) => a,
        Err(_) => return Response::json(500, &json!({"errorCode": 50000})),
    };
    let headers = Headers::from_pairs(req.headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())));
    let opts = VerifyOptions {
        tolerance: Some(s.config.signature_tolerance),
        ..VerifyOptions::default()
    };
    match sinch_auth::verify_application_callback(
        &app,
        &req.method,
        req.path(),
        &headers,
        &req.body,
        &opts,
    ) {
        Ok(()) => {
            bump(&c.signed_ok);
            Response::json(
                200,
                &json!({"callId": format!("local-{}", c.signed_ok.load(Ordering::SeqCst))}),
            )
        }
        Err(e) => {
            bump(&c.signed_rejected);
            let reason = e.reason().map(|r| r.as_str()).unwrap_or("invalid");
            Response::json(
                401,
                &json!({"errorCode": 40102, "message": "Invalid Signature", "reason": reason}),
            )
            .header(
                "WWW-Authenticate",
                "Application realm=\"sinch\", error=\"invalid_signature\"",
            )
        }
    }
}

/// SMS with a service plan: `/xms/v1/{service_plan_id}/...` and `Bearer <api token>`.
fn service_plan(s: &Shared, req: &Request) -> Response {
    bump(&s.counters.api_requests);
    let keys = &s.config.keys;
    let plan = req
        .path()
        .trim_start_matches("/xms/v1/")
        .split('/')
        .next()
        .unwrap_or("");
    let ok = req.header("authorization") == Some(&format!("Bearer {}", keys.sms_api_token));
    if !ok {
        bump(&s.counters.api_unauthorized);
        return unauthorized("Bearer realm=\"sms\"");
    }
    if plan != keys.service_plan_id {
        bump(&s.counters.api_forbidden);
        return Response::json(
            403,
            &json!({"code": "forbidden", "text": "The service plan ID does not match the API token"}),
        );
    }
    bump(&s.counters.api_ok);
    Response::json(
        200,
        &json!({"batches": [], "count": 0, "page": 0, "page_size": 1}),
    )
}

/// Mailgun: Basic `api:<key>`.
fn mailgun(s: &Shared, req: &Request) -> Response {
    bump(&s.counters.api_requests);
    let keys = &s.config.keys;
    let expected = format!(
        "Basic {}",
        STANDARD.encode(format!("api:{}", keys.mailgun_api_key))
    );
    if req.header("authorization") != Some(expected.as_str()) {
        bump(&s.counters.api_unauthorized);
        return Response::new(401)
            .header("WWW-Authenticate", "Basic realm=\"MG API\"")
            .body(b"Forbidden".to_vec());
    }
    bump(&s.counters.api_ok);
    Response::json(
        200,
        &json!({"domain": {"name": keys.mailgun_domain, "state": "active"}}),
    )
}

fn admin(s: &Shared, req: &Request) -> Response {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    match (req.method.as_str(), req.path()) {
        ("GET", "/_admin/counters") => Response::json(200, &s.counters.snapshot().to_json()),
        ("GET", "/_admin/last-token-request") => {
            Response::json(200, &json!({"user_agent": s.last_user_agent()}))
        }
        ("GET", "/_admin/keys") => {
            let k = &s.config.keys;
            Response::json(
                200,
                &json!({"project_id": k.project_id, "key_id": k.key_id, "key_secret": k.key_secret,
                        "app_key": k.app_key, "app_secret": k.app_secret, "webhook_secret": k.webhook_secret,
                        "service_plan_id": k.service_plan_id, "sms_api_token": k.sms_api_token,
                        "mailgun_api_key": k.mailgun_api_key, "mailgun_domain": k.mailgun_domain}),
            )
        }
        ("POST", "/_admin/faults") => {
            let list = body
                .get("faults")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut parsed = Vec::new();
            for f in &list {
                match f.as_str().and_then(Fault::parse) {
                    Some(f) => parsed.push(f),
                    None => {
                        return Response::json(400, &json!({"error": format!("unknown fault {f}")}))
                    }
                }
            }
            for f in parsed {
                s.push_fault(f);
            }
            Response::json(200, &json!({"queued": list.len()}))
        }
        ("POST", "/_admin/config") => {
            if let Some(ms) = body.get("token_lifetime_ms").and_then(Value::as_u64) {
                s.set_lifetime(Duration::from_millis(ms));
            }
            if let Some(on) = body.get("rate_limit").and_then(Value::as_bool) {
                s.set_rate_limit(on);
            }
            Response::json(
                200,
                &json!({"token_lifetime_ms": s.lifetime().as_millis() as u64}),
            )
        }
        ("POST", "/_admin/expire-tokens") => {
            Response::json(200, &json!({"expired": s.tokens.expire_all()}))
        }
        ("POST", "/_admin/reset") => {
            s.reset_counters(1);
            s.clear_faults();
            s.set_rate_limit(s.config.rate_limit);
            s.set_lifetime(s.config.token_lifetime);
            Response::json(200, &json!({"reset": true}))
        }
        _ => Response::json(404, &json!({"error": "unknown admin endpoint"})),
    }
}
