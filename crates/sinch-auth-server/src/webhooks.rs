//! Signed test webhooks, as Sinch would send them, to a URL of the user's choice.

use crate::state::TestKeys;
use sinch_auth::webhook::{conversation_signature, numbers_signature};
use sinch_auth::{sign_request, ApplicationCredentials, Error, Result, SignRequest};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookKind {
    Conversation,
    Sms,
    Numbers,
    Voice,
    Verification,
}

impl std::str::FromStr for WebhookKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "conversation" => WebhookKind::Conversation,
            "sms" => WebhookKind::Sms,
            "numbers" => WebhookKind::Numbers,
            "voice" => WebhookKind::Voice,
            "verification" => WebhookKind::Verification,
            _ => {
                return Err(Error::config(format!(
                    "unknown webhook kind {s:?}; valid kinds: conversation, sms, numbers, voice, verification"
                )))
            }
        })
    }
}

/// A webhook ready to send: body and headers.
#[derive(Debug, Clone)]
pub struct SignedWebhook {
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

fn nonce() -> String {
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("01LOCAL{:019}", n % 10u128.pow(19))
}

/// Builds a signed sample webhook of `kind` for a receiver at `url` (its path is signed for
/// Voice/Verification callbacks).
pub fn signed_webhook(kind: WebhookKind, url: &str, keys: &TestKeys) -> Result<SignedWebhook> {
    let now = SystemTime::now();
    let secs = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let (body, mut headers) = match kind {
        WebhookKind::Conversation | WebhookKind::Sms => {
            let body = if kind == WebhookKind::Sms {
                format!(
                    r#"{{"type":"recipient_delivery_report_sms","batch_id":"01LOCALBATCH","recipient":"12025550123","status":"Delivered","code":0,"at":"{}"}}"#,
                    sinch_auth::x_timestamp_at(now)
                )
            } else {
                format!(
                    r#"{{"app_id":"01LOCALAPP","accepted_time":"{}","project_id":"{}","message_delivery_report":{{"message_id":"01LOCALMSG","status":"DELIVERED"}}}}"#,
                    sinch_auth::x_timestamp_at(now),
                    keys.project_id
                )
            };
            let (n, t) = (nonce(), secs.to_string());
            let sig = conversation_signature(
                &keys.webhook_secret,
                body.as_bytes(),
                n.as_bytes(),
                t.as_bytes(),
            );
            (
                body,
                vec![
                    ("x-sinch-webhook-signature".to_owned(), sig),
                    ("x-sinch-webhook-signature-nonce".to_owned(), n),
                    ("x-sinch-webhook-signature-timestamp".to_owned(), t),
                    (
                        "x-sinch-webhook-signature-algorithm".to_owned(),
                        "HmacSHA256".to_owned(),
                    ),
                ],
            )
        }
        WebhookKind::Numbers => {
            let body = format!(
                r#"{{"eventId":"01LOCALEVENT","timestamp":"{}","projectId":"{}","resourceId":"+12025550123","resourceType":"ACTIVE_NUMBER","eventType":"PROVISIONING_TO_VOICE_PLATFORM","status":"SUCCEEDED","failureCode":null}}"#,
                sinch_auth::x_timestamp_at(now),
                keys.project_id
            );
            let sig = numbers_signature(&keys.webhook_secret, body.as_bytes());
            (body, vec![("X-Sinch-Signature".to_owned(), sig)])
        }
        WebhookKind::Voice | WebhookKind::Verification => {
            let body = if kind == WebhookKind::Voice {
                format!(
                    r#"{{"event":"ace","callid":"local-call-1","timestamp":"{}","version":1}}"#,
                    sinch_auth::x_timestamp_at(now)
                )
            } else {
                r#"{"id":"local-verification-1","event":"VerificationResultEvent","method":"sms","identity":{"type":"number","endpoint":"+12025550123"},"status":"SUCCESSFUL"}"#.to_owned()
            };
            let app = ApplicationCredentials::new(keys.app_key.clone(), keys.app_secret.clone())?;
            let ct = "application/json; charset=utf-8";
            let signed = sign_request(
                &app,
                &SignRequest::new("POST", url)
                    .body(body.as_bytes())
                    .content_type(ct),
            )?;
            // Sinch's own callbacks use the lower-case scheme.
            let auth = signed
                .authorization
                .replacen("Application ", "application ", 1);
            (
                body,
                vec![
                    ("Authorization".to_owned(), auth),
                    ("x-timestamp".to_owned(), signed.timestamp),
                ],
            )
        }
    };
    headers.push((
        "Content-Type".to_owned(),
        if matches!(kind, WebhookKind::Voice | WebhookKind::Verification) {
            "application/json; charset=utf-8"
        } else {
            "application/json"
        }
        .to_owned(),
    ));
    Ok(SignedWebhook {
        body: body.into_bytes(),
        headers,
    })
}

/// Sends a signed sample webhook to `url` and returns the receiver's status.
pub fn send_webhook(kind: WebhookKind, url: &str, keys: &TestKeys) -> Result<u16> {
    let hook = signed_webhook(kind, url, keys)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .build()
        .into();
    let mut req = ureq::http::Request::builder().method("POST").uri(url);
    for (n, v) in &hook.headers {
        req = req.header(n.as_str(), v.as_str());
    }
    let req = req
        .body(hook.body)
        .map_err(|e| Error::config(format!("cannot send to {url}: {e}")))?;
    let resp = agent
        .run(req)
        .map_err(|e| Error::transport(format!("sending the webhook to {url} failed: {e}")))?;
    Ok(resp.status().as_u16())
}
