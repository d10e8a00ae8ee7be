//! The four credential classes.

use crate::errors::guarded;
use pyo3::prelude::*;
use sinch_auth as core;

#[pyclass(frozen, module = "sinch_auth._native", name = "ProjectCredentials")]
pub struct ProjectCredentials {
    pub inner: core::ProjectCredentials,
}

#[pymethods]
impl ProjectCredentials {
    #[new]
    fn new(
        py: Python<'_>,
        project_id: String,
        key_id: String,
        key_secret: String,
    ) -> PyResult<Self> {
        let inner = guarded(py, || {
            core::ProjectCredentials::new(project_id, key_id, key_secret)
        })?;
        Ok(Self { inner })
    }
    /// SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET.
    #[staticmethod]
    fn from_env(py: Python<'_>) -> PyResult<Self> {
        Ok(Self {
            inner: guarded(py, core::ProjectCredentials::from_env)?,
        })
    }
    #[getter]
    fn project_id(&self) -> &str {
        self.inner.project_id()
    }
    #[getter]
    fn key_id(&self) -> &str {
        self.inner.key_id()
    }
    fn basic_authorization(&self) -> String {
        self.inner.basic_authorization()
    }
    fn __repr__(&self) -> String {
        format!(
            "ProjectCredentials(project_id={:?}, key_id={:?}, key_secret=<redacted>)",
            self.inner.project_id(),
            self.inner.key_id()
        )
    }
}

#[pyclass(frozen, module = "sinch_auth._native", name = "ApplicationCredentials")]
pub struct ApplicationCredentials {
    pub inner: core::ApplicationCredentials,
}

#[pymethods]
impl ApplicationCredentials {
    #[new]
    fn new(py: Python<'_>, app_key: String, app_secret: String) -> PyResult<Self> {
        Ok(Self {
            inner: guarded(py, || {
                core::ApplicationCredentials::new(app_key, app_secret)
            })?,
        })
    }
    /// SINCH_APP_KEY, SINCH_APP_SECRET.
    #[staticmethod]
    fn from_env(py: Python<'_>) -> PyResult<Self> {
        Ok(Self {
            inner: guarded(py, core::ApplicationCredentials::from_env)?,
        })
    }
    #[getter]
    fn app_key(&self) -> &str {
        self.inner.app_key()
    }
    fn basic_authorization(&self) -> String {
        self.inner.basic_authorization()
    }
    fn __repr__(&self) -> String {
        format!(
            "ApplicationCredentials(app_key={:?}, app_secret=<redacted>)",
            self.inner.app_key()
        )
    }
}

#[pyclass(frozen, module = "sinch_auth._native", name = "ServicePlanCredentials")]
pub struct ServicePlanCredentials {
    pub inner: core::ServicePlanCredentials,
}

#[pymethods]
impl ServicePlanCredentials {
    #[new]
    fn new(
        py: Python<'_>,
        service_plan_id: String,
        api_token: String,
        region: String,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: guarded(py, || {
                core::ServicePlanCredentials::new(service_plan_id, api_token, region)
            })?,
        })
    }
    /// SINCH_SERVICE_PLAN_ID, SINCH_SMS_API_TOKEN, SINCH_SMS_REGION.
    #[staticmethod]
    fn from_env(py: Python<'_>) -> PyResult<Self> {
        Ok(Self {
            inner: guarded(py, core::ServicePlanCredentials::from_env)?,
        })
    }
    #[getter]
    fn service_plan_id(&self) -> &str {
        self.inner.service_plan_id()
    }
    #[getter]
    fn region(&self) -> &str {
        self.inner.region()
    }
    #[getter]
    fn base_url(&self) -> &'static str {
        self.inner.base_url()
    }
    /// `Bearer <api token>`.
    fn authorization(&self) -> String {
        self.inner.authorization()
    }
    fn __repr__(&self) -> String {
        format!(
            "ServicePlanCredentials(service_plan_id={:?}, api_token=<redacted>, region={:?})",
            self.inner.service_plan_id(),
            self.inner.region()
        )
    }
}

#[pyclass(frozen, module = "sinch_auth._native", name = "MailgunCredentials")]
pub struct MailgunCredentials {
    pub inner: core::MailgunCredentials,
}

#[pymethods]
impl MailgunCredentials {
    #[new]
    #[pyo3(signature = (api_key, domain, region="us"))]
    fn new(py: Python<'_>, api_key: String, domain: String, region: &str) -> PyResult<Self> {
        Ok(Self {
            inner: guarded(py, || {
                core::MailgunCredentials::new(api_key, domain, Some(region))
            })?,
        })
    }
    /// MAILGUN_API_KEY, MAILGUN_DOMAIN, optional MAILGUN_REGION.
    #[staticmethod]
    fn from_env(py: Python<'_>) -> PyResult<Self> {
        Ok(Self {
            inner: guarded(py, core::MailgunCredentials::from_env)?,
        })
    }
    #[getter]
    fn domain(&self) -> &str {
        self.inner.domain()
    }
    #[getter]
    fn region(&self) -> &str {
        self.inner.region()
    }
    #[getter]
    fn base_url(&self) -> &'static str {
        self.inner.base_url()
    }
    fn basic_authorization(&self) -> String {
        self.inner.basic_authorization()
    }
    fn __repr__(&self) -> String {
        format!(
            "MailgunCredentials(api_key=<redacted>, domain={:?}, region={:?})",
            self.inner.domain(),
            self.inner.region()
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ProjectCredentials>()?;
    m.add_class::<ApplicationCredentials>()?;
    m.add_class::<ServicePlanCredentials>()?;
    m.add_class::<MailgunCredentials>()?;
    Ok(())
}
