//! Signed test webhooks, as Sinch would send them, to a URL of the user's choice.

use crate::state::TestKeys;
use sinch_auth::webhook::{conversation_signature, mailgun_signature, numbers_signature};
use sinch_auth::{sign_request, ApplicationCredentials, Error, Result, SignRequest};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookKind {
    Conversation,
    Sms,
    Numbers,
    Voice,
    Verification,
    Mailgun,
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
            "mailgun" => WebhookKind::Mailgun,
            _ => {
                return Err(Error::config(format!(
                    "unknown webhook kind {s:?}; valid kinds: conversation, sms, numbers, voice, verification, mailgun"
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

/// Which secret a delivery is signed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Current,
    Previous,
    Wrong,
}

/// Builds a signed sample webhook of `kind` for a receiver at `url` (its path is signed for
/// Voice/Verification callbacks).
pub fn signed_webhook(kind: WebhookKind, url: &str, keys: &TestKeys) -> Result<SignedWebhook> {
    build(kind, url, keys, Key::Current, SystemTime::now())
}

fn build(
    kind: WebhookKind,
    url: &str,
    keys: &TestKeys,
    key: Key,
    now: SystemTime,
) -> Result<SignedWebhook> {
    let secs = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let pick = |current: &str, previous: &str, wrong: &str| -> String {
        match key {
            Key::Current => current,
            Key::Previous => previous,
            Key::Wrong => wrong,
        }
        .to_owned()
    };
    let webhook_secret = pick(
        &keys.webhook_secret,
        &keys.previous_webhook_secret,
        "not-the-webhook-secret",
    );
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
                &webhook_secret,
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
                r#"{{"eventId":"{}","timestamp":"{}","projectId":"{}","resourceId":"+12025550123","resourceType":"ACTIVE_NUMBER","eventType":"PROVISIONING_TO_VOICE_PLATFORM","status":"SUCCEEDED","failureCode":null}}"#,
                nonce(),
                sinch_auth::x_timestamp_at(now),
                keys.project_id
            );
            let sig = numbers_signature(&webhook_secret, body.as_bytes());
            (body, vec![("X-Sinch-Signature".to_owned(), sig)])
        }
        WebhookKind::Voice | WebhookKind::Verification => {
            let body = if kind == WebhookKind::Voice {
                format!(
                    r#"{{"event":"ace","callid":"{}","timestamp":"{}","version":1}}"#,
                    nonce(),
                    sinch_auth::x_timestamp_at(now)
                )
            } else {
                format!(
                    r#"{{"id":"{}","event":"VerificationResultEvent","method":"sms","identity":{{"type":"number","endpoint":"+12025550123"}},"status":"SUCCESSFUL"}}"#,
                    nonce()
                )
            };
            let secret = pick(
                &keys.app_secret,
                &keys.previous_app_secret,
                "d3Jvbmctc2VjcmV0",
            );
            let app = ApplicationCredentials::new(keys.app_key.clone(), secret)?;
            let ct = "application/json; charset=utf-8";
            let ts = sinch_auth::x_timestamp_at(now);
            let signed = sign_request(
                &app,
                &SignRequest::new("POST", url)
                    .body(body.as_bytes())
                    .content_type(ct)
                    .timestamp(&ts),
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
        WebhookKind::Mailgun => {
            let key = pick(
                &keys.mailgun_signing_key,
                &keys.previous_mailgun_signing_key,
                &keys.mailgun_api_key,
            );
            let (token, ts) = (nonce(), secs.to_string());
            let sig = mailgun_signature(&key, &ts, &token);
            let body = format!(
                r#"{{"signature":{{"timestamp":"{ts}","token":"{token}","signature":"{sig}"}},"event-data":{{"event":"delivered","recipient":"alice@example.com","timestamp":{secs}}}}}"#
            );
            (body, Vec::new())
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

/// What a receiver should do with a delivery of the self-test sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A 2xx.
    Accept,
    /// A 4xx.
    Refuse,
    /// Either is defensible: the answer is reported, not judged (a replay where the product
    /// has no replay guard by default).
    Report,
}

/// One delivery of the self-test sequence and the receiver's answer.
#[derive(Debug, Clone)]
pub struct SequenceStep {
    pub name: &'static str,
    pub expect: Expect,
    pub status: u16,
    /// Said when the answer is wrong (or, for `Report`, what the answer means).
    pub advice: &'static str,
}

impl SequenceStep {
    /// Whether the receiver answered as it should (a `Report` step is never wrong).
    pub fn ok(&self) -> bool {
        let accepted = (200..300).contains(&self.status);
        match self.expect {
            Expect::Accept => accepted,
            Expect::Refuse => (400..500).contains(&self.status),
            Expect::Report => true,
        }
    }
}

/// Sends the self-test sequence to `url`: a genuine delivery, the same again (a replay), a
/// tampered body, a wrong secret, stale and future timestamps, no signature, and with
/// `rotation` one signed with the previous secret. Each answer is judged against what a
/// correct receiver does.
pub fn send_sequence(
    kind: WebhookKind,
    url: &str,
    keys: &TestKeys,
    rotation: bool,
) -> Result<Vec<SequenceStep>> {
    let now = SystemTime::now();
    let minutes = std::time::Duration::from_secs(600);
    let timed = kind != WebhookKind::Numbers;
    let mut steps = Vec::new();
    let mut run = |name, expect, advice, hook: &SignedWebhook| -> Result<()> {
        let status = post(url, hook)?;
        steps.push(SequenceStep {
            name,
            expect,
            status,
            advice,
        });
        Ok(())
    };
    let genuine = build(kind, url, keys, Key::Current, now)?;
    run(
        "genuine",
        Expect::Accept,
        "a genuine delivery was refused: check the secret, that the raw body is verified, and (voice, verification) the path behind any proxy",
        &genuine,
    )?;
    let (replay_expect, replay_advice) = match kind {
        WebhookKind::Mailgun => (
            Expect::Refuse,
            "a replayed Mailgun delivery was accepted: keep the replay guard on (it is by default)",
        ),
        WebhookKind::Numbers => (
            Expect::Report,
            "Numbers callbacks carry no nonce or timestamp, so a replay cannot be told from a retry",
        ),
        _ => (
            Expect::Report,
            "no replay guard, so a replay inside the tolerance is accepted (turn one on: replay_guard=True / replayGuard: true)",
        ),
    };
    run("replayed", replay_expect, replay_advice, &genuine)?;
    let mut tampered = build(kind, url, keys, Key::Current, now)?;
    // Mailgun signs the timestamp and token only, not the event data: change the token.
    let at = if kind == WebhookKind::Mailgun {
        let key = b"\"token\":\"";
        tampered
            .body
            .windows(key.len())
            .position(|w| w == key)
            .map(|i| i + key.len())
    } else {
        tampered
            .body
            .iter()
            .rposition(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    };
    if let Some(b) = at.and_then(|i| tampered.body.get_mut(i)) {
        *b = if *b == b'1' { b'2' } else { b'1' };
    }
    run(
        "tampered body",
        Expect::Refuse,
        "a changed body was accepted: the signature is not checked against the raw body",
        &tampered,
    )?;
    run(
        "wrong secret",
        Expect::Refuse,
        "a delivery signed with another secret was accepted: the signature is not checked",
        &build(kind, url, keys, Key::Wrong, now)?,
    )?;
    if timed {
        run(
            "stale (10 min old)",
            Expect::Refuse,
            "a delivery signed 10 minutes ago was accepted: check the timestamp (tolerance)",
            &build(kind, url, keys, Key::Current, now - minutes)?,
        )?;
        run(
            "future (10 min ahead)",
            Expect::Refuse,
            "a delivery dated 10 minutes ahead was accepted: check the timestamp both ways",
            &build(kind, url, keys, Key::Current, now + minutes)?,
        )?;
    }
    let mut unsigned = build(kind, url, keys, Key::Current, now)?;
    if kind == WebhookKind::Mailgun {
        unsigned.body = br#"{"event-data":{"event":"delivered"}}"#.to_vec();
    } else {
        unsigned
            .headers
            .retain(|(n, _)| n.eq_ignore_ascii_case("content-type"));
    }
    run(
        "no signature",
        Expect::Refuse,
        "a delivery without a signature was accepted",
        &unsigned,
    )?;
    if rotation {
        run(
            "previous secret (rotation)",
            Expect::Accept,
            "a delivery signed with the previous secret was refused: give the receiver both secrets while the rotation lasts",
            &build(kind, url, keys, Key::Previous, now)?,
        )?;
    }
    Ok(steps)
}

fn post(url: &str, hook: &SignedWebhook) -> Result<u16> {
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
        .body(hook.body.clone())
        .map_err(|e| Error::config(format!("cannot send to {url}: {e}")))?;
    let resp = agent
        .run(req)
        .map_err(|e| Error::transport(format!("sending the webhook to {url} failed: {e}")))?;
    Ok(resp.status().as_u16())
}

/// Sends a signed sample webhook to `url` and returns the receiver's status.
pub fn send_webhook(kind: WebhookKind, url: &str, keys: &TestKeys) -> Result<u16> {
    post(url, &signed_webhook(kind, url, keys)?)
}
