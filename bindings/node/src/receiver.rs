//! `WebhookReceiver`: the core's receiver and its builder, translated. Every rule (rotation,
//! proxy paths, Mailgun's body forms, replays) is in `sinch_auth::webhook::WebhookReceiver`.

use crate::credentials::ApplicationCredentials;
use crate::errors::guarded;
use crate::pairs;
use crate::verify::{MemoryReplayGuard, SharedReplayGuard};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use sinch_auth::webhook::{self as core, PublicPath, ReplayGuard};
use std::sync::Arc;
use std::time::SystemTime;

/// What a successful check found.
#[napi(object)]
pub struct Verified {
    pub product: String,
    pub secret_index: u32,
    pub signed_path: Option<String>,
    pub public_url: Option<String>,
    /// What the replay guard recorded (for `forget`).
    pub replay_key: Option<String>,
}

fn verified(v: core::Verified) -> Verified {
    Verified {
        product: v.product.as_str().to_owned(),
        secret_index: v.secret_index as u32,
        signed_path: v.signed_path,
        public_url: v.public_url,
        replay_key: v.replay_key,
    }
}

fn at(now: Option<f64>) -> sinch_auth::Result<Option<SystemTime>> {
    now.map(core::now_from_epoch_seconds).transpose()
}

/// The core's `WebhookReceiverBuilder`, one setter per option.
#[napi]
pub struct WebhookReceiverBuilder {
    inner: Option<core::WebhookReceiverBuilder>,
}

#[napi]
impl WebhookReceiverBuilder {
    /// A builder for `product` (`voice`, `verification`, `conversation`, `sms`, `numbers`,
    /// `mailgun`).
    #[napi(constructor)]
    pub fn new(product: String) -> Result<Self> {
        let product: core::WebhookProduct = guarded(|| product.parse())?;
        Ok(Self {
            inner: Some(core::WebhookReceiver::builder(product)),
        })
    }

    fn with(
        &mut self,
        f: impl FnOnce(core::WebhookReceiverBuilder) -> core::WebhookReceiverBuilder,
    ) {
        self.inner = self.inner.take().map(f);
    }

    #[napi]
    pub fn secret(&mut self, secret: String) {
        self.with(|b| b.secret(secret));
    }

    #[napi]
    pub fn application(&mut self, app: &ApplicationCredentials) {
        let app = app.inner.as_ref().clone();
        self.with(|b| b.application(app));
    }

    /// Seconds; `freshness` false turns the check off; neither: the core's default.
    #[napi]
    pub fn tolerance(&mut self, seconds: Option<f64>, freshness: bool) -> Result<()> {
        let t = match (freshness, seconds) {
            (false, _) => None,
            (true, None) => return Ok(()),
            (true, Some(s)) => Some(guarded(|| core::duration_from_seconds("tolerance", s))?),
        };
        self.with(|b| b.tolerance(t));
        Ok(())
    }

    #[napi]
    pub fn public_path(&mut self, path: String) {
        self.with(|b| b.public_path(PublicPath::Fixed(path)));
    }

    #[napi]
    pub fn prefix(&mut self, strip: String, add: String) {
        self.with(|b| b.public_path(PublicPath::Prefix { strip, add }));
    }

    #[napi]
    pub fn trust_forwarded(&mut self, trust: bool) {
        self.with(|b| b.trust_forwarded(trust));
    }

    /// `true`: an in-memory guard; `false`: none; a guard: that one.
    #[napi]
    pub fn replay_guard(&mut self, guard: Either3<bool, &MemoryReplayGuard, &SharedReplayGuard>) {
        let g: Option<Arc<dyn ReplayGuard>> = match guard {
            Either3::A(true) => Some(Arc::new(core::MemoryReplayGuard::default())),
            Either3::A(false) => None,
            Either3::B(m) => Some(m.inner.clone()),
            Either3::C(s) => Some(s.inner.clone()),
        };
        self.with(|b| b.replay_guard(g));
    }

    #[napi]
    pub fn build(&mut self) -> Result<WebhookReceiver> {
        let b = self
            .inner
            .take()
            .ok_or_else(|| Error::from_reason("this builder was already built"))?;
        Ok(WebhookReceiver {
            inner: Arc::new(guarded(|| b.build())?),
        })
    }
}

/// Checks one product's deliveries against one or more secrets.
#[napi]
pub struct WebhookReceiver {
    inner: Arc<core::WebhookReceiver>,
}

/// A check on the libuv pool (a Redis replay guard makes a network round trip).
pub struct VerifyTask {
    receiver: Arc<core::WebhookReceiver>,
    method: String,
    path: String,
    headers: Vec<String>,
    body: Vec<u8>,
    now: Option<f64>,
}

#[napi]
impl Task for VerifyTask {
    type Output = core::Verified;
    type JsValue = Verified;

    fn compute(&mut self) -> Result<Self::Output> {
        let h = core::Headers::from_pairs(pairs(&self.headers));
        let d = core::Delivery {
            method: &self.method,
            path: &self.path,
            headers: &h,
            body: &self.body,
        };
        guarded(|| self.receiver.verify(&d, at(self.now)?))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(verified(output))
    }
}

#[napi]
impl WebhookReceiver {
    #[napi(getter)]
    pub fn product(&self) -> &'static str {
        self.inner.product().as_str()
    }

    #[napi(getter)]
    pub fn has_replay_guard(&self) -> bool {
        self.inner.has_replay_guard()
    }

    /// Checks a delivery on this thread: the method and path of the request line, the
    /// headers (flat name/value array), the raw body.
    #[napi]
    pub fn verify(
        &self,
        method: String,
        path: String,
        headers: Vec<String>,
        body: &[u8],
        now: Option<f64>,
    ) -> Result<Verified> {
        let h = core::Headers::from_pairs(pairs(&headers));
        let d = core::Delivery {
            method: &method,
            path: &path,
            headers: &h,
            body,
        };
        guarded(|| self.inner.verify(&d, at(now)?)).map(verified)
    }

    /// The same check on the libuv pool.
    #[napi]
    pub fn verify_async(
        &self,
        method: String,
        path: String,
        headers: Vec<String>,
        body: &[u8],
        now: Option<f64>,
    ) -> AsyncTask<VerifyTask> {
        AsyncTask::new(VerifyTask {
            receiver: self.inner.clone(),
            method,
            path,
            headers,
            body: body.to_vec(),
            now,
        })
    }

    /// Undoes the replay guard's record (`replayKey` of a `Verified`).
    #[napi]
    pub fn forget(&self, replay_key: String) {
        self.inner.forget_key(&replay_key);
    }
}

/// The core's refusal of a body that is not the raw bytes, with the Node hints.
#[napi]
pub fn raw_body_refusal(got: String) -> Result<()> {
    guarded(|| Err(core::raw_body_required(&got, "node")))
}
