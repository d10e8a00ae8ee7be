//! The four credential classes (the JS layer wraps them with option-object constructors).

use crate::errors::guarded;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use sinch_auth as core;
use std::sync::Arc;

#[napi]
pub struct ProjectCredentials {
    pub(crate) inner: core::ProjectCredentials,
}

#[napi]
impl ProjectCredentials {
    #[napi(constructor)]
    pub fn new(project_id: String, key_id: String, key_secret: String) -> Result<Self> {
        Ok(Self {
            inner: guarded(|| core::ProjectCredentials::new(project_id, key_id, key_secret))?,
        })
    }
    #[napi(factory)]
    pub fn from_env() -> Result<Self> {
        Ok(Self {
            inner: guarded(core::ProjectCredentials::from_env)?,
        })
    }
    #[napi(getter)]
    pub fn project_id(&self) -> String {
        self.inner.project_id().to_owned()
    }
    #[napi(getter)]
    pub fn key_id(&self) -> String {
        self.inner.key_id().to_owned()
    }
    #[napi]
    pub fn basic_authorization(&self) -> String {
        self.inner.basic_authorization()
    }
}

#[napi]
pub struct ApplicationCredentials {
    pub(crate) inner: Arc<core::ApplicationCredentials>,
}

impl ApplicationCredentials {
    fn wrap(inner: core::ApplicationCredentials) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }
}

#[napi]
impl ApplicationCredentials {
    #[napi(constructor)]
    pub fn new(app_key: String, app_secret: String) -> Result<Self> {
        guarded(|| core::ApplicationCredentials::new(app_key, app_secret)).map(Self::wrap)
    }
    #[napi(factory)]
    pub fn from_env() -> Result<Self> {
        guarded(core::ApplicationCredentials::from_env).map(Self::wrap)
    }
    #[napi(getter)]
    pub fn app_key(&self) -> String {
        self.inner.app_key().to_owned()
    }
    /// The same credentials as an `External`, what `signAuthorization` takes.
    #[napi(getter)]
    pub fn external(&self) -> External<Arc<core::ApplicationCredentials>> {
        External::new(self.inner.clone())
    }
    #[napi]
    pub fn basic_authorization(&self) -> String {
        self.inner.basic_authorization()
    }
}

#[napi]
pub struct ServicePlanCredentials {
    pub(crate) inner: core::ServicePlanCredentials,
}

#[napi]
impl ServicePlanCredentials {
    #[napi(constructor)]
    pub fn new(service_plan_id: String, api_token: String, region: String) -> Result<Self> {
        Ok(Self {
            inner: guarded(|| {
                core::ServicePlanCredentials::new(service_plan_id, api_token, region)
            })?,
        })
    }
    #[napi(factory)]
    pub fn from_env() -> Result<Self> {
        Ok(Self {
            inner: guarded(core::ServicePlanCredentials::from_env)?,
        })
    }
    #[napi(getter)]
    pub fn service_plan_id(&self) -> String {
        self.inner.service_plan_id().to_owned()
    }
    #[napi(getter)]
    pub fn region(&self) -> String {
        self.inner.region().to_owned()
    }
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }
    #[napi]
    pub fn authorization(&self) -> String {
        self.inner.authorization()
    }
}

#[napi]
pub struct MailgunCredentials {
    pub(crate) inner: core::MailgunCredentials,
}

#[napi]
impl MailgunCredentials {
    #[napi(constructor)]
    pub fn new(api_key: String, domain: String, region: Option<String>) -> Result<Self> {
        Ok(Self {
            inner: guarded(|| core::MailgunCredentials::new(api_key, domain, region.as_deref()))?,
        })
    }
    #[napi(factory)]
    pub fn from_env() -> Result<Self> {
        Ok(Self {
            inner: guarded(core::MailgunCredentials::from_env)?,
        })
    }
    #[napi(getter)]
    pub fn domain(&self) -> String {
        self.inner.domain().to_owned()
    }
    #[napi(getter)]
    pub fn region(&self) -> String {
        self.inner.region().to_owned()
    }
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }
    #[napi]
    pub fn basic_authorization(&self) -> String {
        self.inner.basic_authorization()
    }
}
