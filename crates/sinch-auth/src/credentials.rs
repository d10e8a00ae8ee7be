//! The four credential sets, read from arguments or the environment, and their static
//! Authorization headers. Secrets live in [`Secret`]; no message ever contains one.

use crate::b64;
use crate::error::{Error, Result};
use crate::product::{AuthModel, EnvVar, Product};
use crate::secret::{Secret, SecretBytes};
use std::fmt;

/// `Basic base64(user:password)` (RFC 7617, UTF-8).
pub fn basic_authorization(user: &str, password: &str) -> Result<String> {
    if user.contains(':') {
        return Err(Error::config(
            "a Basic auth user id cannot contain ':' (RFC 7617)",
        ));
    }
    check_header_safe("Basic auth user id", user)?;
    check_header_safe("Basic auth password", password)?;
    Ok(format!(
        "Basic {}",
        b64::encode(format!("{user}:{password}").as_bytes())
    ))
}

fn check_header_safe(what: &str, value: &str) -> Result<()> {
    if value.chars().any(|c| c.is_control()) {
        return Err(Error::config(format!(
            "the {what} contains a control character (a stray newline from a copy-paste?)"
        )));
    }
    Ok(())
}

fn required(what: &str, env: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::config(format!(
            "the {what} is empty (env var {env})"
        )));
    }
    if value.trim() != value {
        return Err(Error::config(format!(
            "the {what} has leading or trailing white space (env var {env}); remove it"
        )));
    }
    check_header_safe(what, value)
}

/// Reads env vars through `lookup`; one error names every missing one and where to get it.
fn read_vars(
    model: AuthModel,
    dashboard: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Option<String>>> {
    let vars: &[EnvVar] = model.env_vars();
    let values: Vec<Option<String>> = vars
        .iter()
        .map(|v| lookup(v.name).filter(|s| !s.trim().is_empty()))
        .collect();
    let missing: Vec<&str> = vars
        .iter()
        .zip(&values)
        .filter(|(v, val)| v.required && val.is_none())
        .map(|(v, _)| v.name)
        .collect();
    if !missing.is_empty() {
        return Err(Error::config(format!(
            "missing or empty environment variable{} {} ({}); get them from {}",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            model.credentials_needed(),
            dashboard
        )));
    }
    Ok(values)
}

fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Project ID + access key: OAuth2 (or Basic) for Conversation, Numbers, SMS, Fax, …
#[derive(Clone, PartialEq, Eq)]
pub struct ProjectCredentials {
    project_id: String,
    key_id: String,
    key_secret: Secret,
}

impl ProjectCredentials {
    /// Project credentials from values; each is checked for shape (empty, whitespace, a key ID
    /// in the secret's place) and the error names the field, never its value.
    pub fn new(
        project_id: impl Into<String>,
        key_id: impl Into<String>,
        key_secret: impl Into<Secret>,
    ) -> Result<Self> {
        let (project_id, key_id, key_secret) =
            (project_id.into(), key_id.into(), key_secret.into());
        required("project ID", "SINCH_PROJECT_ID", &project_id)?;
        required("access key ID", "SINCH_KEY_ID", &key_id)?;
        if key_id.contains(':') {
            return Err(Error::config("the access key ID cannot contain ':'"));
        }
        required("key secret", "SINCH_KEY_SECRET", key_secret.expose())?;
        Ok(ProjectCredentials {
            project_id,
            key_id,
            key_secret,
        })
    }

    /// `SINCH_PROJECT_ID`, `SINCH_KEY_ID`, `SINCH_KEY_SECRET`.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(&env_lookup)
    }

    /// [`ProjectCredentials::from_env`] reading from `lookup` instead of the process environment.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        let v = read_vars(
            AuthModel::Project,
            crate::product::DASHBOARD_ACCESS_KEYS,
            lookup,
        )?;
        let mut it = v.into_iter().map(Option::unwrap_or_default);
        let (p, k, s) = (it.next(), it.next(), it.next());
        Self::new(
            p.unwrap_or_default(),
            k.unwrap_or_default(),
            s.unwrap_or_default(),
        )
    }

    /// The project ID (not secret).
    pub fn project_id(&self) -> &str {
        &self.project_id
    }
    /// The access key ID (not secret).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }
    /// The access key secret.
    pub fn key_secret(&self) -> &Secret {
        &self.key_secret
    }

    /// `Basic base64(key_id:key_secret)`: the token request's header, or quick-test API auth.
    pub fn basic_authorization(&self) -> String {
        basic_authorization(&self.key_id, self.key_secret.expose())
            .expect("validated at construction")
    }
}

impl fmt::Debug for ProjectCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProjectCredentials")
            .field("project_id", &self.project_id)
            .field("key_id", &self.key_id)
            .field("key_secret", &self.key_secret)
            .finish()
    }
}

/// Application key + secret: Voice, Verification, In-App Calling.
#[derive(Clone)]
pub struct ApplicationCredentials {
    app_key: String,
    app_secret: Secret,
    signing_key: SecretBytes,
    /// HMAC-SHA256 keyed with `signing_key` once, cloned per signature (zeroized on drop).
    mac: crate::crypto::HmacSha256,
}

impl PartialEq for ApplicationCredentials {
    fn eq(&self, other: &Self) -> bool {
        self.app_key == other.app_key && self.app_secret == other.app_secret
    }
}

impl Eq for ApplicationCredentials {}

impl ApplicationCredentials {
    /// The secret is the Base64 string from the dashboard; it is decoded once, here.
    pub fn new(app_key: impl Into<String>, app_secret: impl Into<Secret>) -> Result<Self> {
        let (app_key, app_secret) = (app_key.into(), app_secret.into());
        required("application key", "SINCH_APP_KEY", &app_key)?;
        if app_key.contains(':') || app_key.contains(' ') {
            return Err(Error::config(
                "the application key cannot contain ':' or spaces",
            ));
        }
        required(
            "application secret",
            "SINCH_APP_SECRET",
            app_secret.expose(),
        )?;
        let decoded = b64::decode_lenient(app_secret.expose()).map_err(|e| {
            Error::config(format!(
                "the application secret is not valid Base64: {e}. Copy it again from {} (Voice and Verification use the application secret, not a project key secret)",
                crate::product::DASHBOARD_VOICE_APPS
            ))
        })?;
        let mac = crate::crypto::hmac_sha256_key(&decoded);
        Ok(ApplicationCredentials {
            app_key,
            app_secret,
            signing_key: SecretBytes::new(decoded),
            mac,
        })
    }

    /// `SINCH_APP_KEY`, `SINCH_APP_SECRET`.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(&env_lookup)
    }

    /// [`ApplicationCredentials::from_env`] reading from `lookup` instead of the process environment.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        let dash = "Dashboard > Voice > Apps or Verification > Apps (https://dashboard.sinch.com/voice/apps)";
        let v = read_vars(AuthModel::Application, dash, lookup)?;
        let mut it = v.into_iter().map(Option::unwrap_or_default);
        let (k, s) = (it.next(), it.next());
        Self::new(k.unwrap_or_default(), s.unwrap_or_default())
    }

    /// The application key (not secret).
    pub fn app_key(&self) -> &str {
        &self.app_key
    }
    /// The application secret as given (Base64 text).
    pub fn app_secret(&self) -> &Secret {
        &self.app_secret
    }
    /// The decoded secret: the HMAC-SHA256 key.
    pub fn signing_key(&self) -> &SecretBytes {
        &self.signing_key
    }

    pub(crate) fn mac(&self) -> &crate::crypto::HmacSha256 {
        &self.mac
    }

    /// `Basic base64(app_key:app_secret)`: prototyping only; sign requests in production.
    pub fn basic_authorization(&self) -> String {
        basic_authorization(&self.app_key, self.app_secret.expose())
            .expect("validated at construction")
    }
}

impl fmt::Debug for ApplicationCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplicationCredentials")
            .field("app_key", &self.app_key)
            .field("app_secret", &self.app_secret)
            .finish()
    }
}

/// SMS service plan ID + API token (static bearer) for `{region}.sms.api.sinch.com`.
#[derive(Clone, PartialEq, Eq)]
pub struct ServicePlanCredentials {
    service_plan_id: String,
    api_token: Secret,
    region: String,
}

impl ServicePlanCredentials {
    /// SMS service plan credentials; `region` picks the SMS host (`us`, `eu`, …).
    pub fn new(
        service_plan_id: impl Into<String>,
        api_token: impl Into<Secret>,
        region: impl Into<String>,
    ) -> Result<Self> {
        let (id, token, region) = (service_plan_id.into(), api_token.into(), region.into());
        required("service plan ID", "SINCH_SERVICE_PLAN_ID", &id)?;
        required("SMS API token", "SINCH_SMS_API_TOKEN", token.expose())?;
        let region = region.trim().to_ascii_lowercase();
        Product::Sms
            .info()
            .base_url_for(AuthModel::ServicePlan, Some(&region))
            .map_err(|_| {
                Error::config(format!(
                    "unknown SMS region {region:?}; valid regions: {}",
                    Product::Sms
                        .info()
                        .regions(AuthModel::ServicePlan)
                        .join(", ")
                ))
            })?;
        Ok(ServicePlanCredentials {
            service_plan_id: id,
            api_token: token,
            region,
        })
    }

    /// `SINCH_SERVICE_PLAN_ID`, `SINCH_SMS_API_TOKEN`, `SINCH_SMS_REGION`.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(&env_lookup)
    }

    /// Service plan credentials from `SINCH_SERVICE_PLAN_ID`, `SINCH_API_TOKEN` and
    /// `SINCH_SMS_REGION`, read through `lookup`.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        let v = read_vars(
            AuthModel::ServicePlan,
            crate::product::DASHBOARD_SMS_SERVICE_PLANS,
            lookup,
        )?;
        let mut it = v.into_iter().map(Option::unwrap_or_default);
        let (i, t, r) = (it.next(), it.next(), it.next());
        Self::new(
            i.unwrap_or_default(),
            t.unwrap_or_default(),
            r.unwrap_or_default(),
        )
    }

    /// The service plan ID (not secret).
    pub fn service_plan_id(&self) -> &str {
        &self.service_plan_id
    }
    /// The API token sent as a static Bearer.
    pub fn api_token(&self) -> &Secret {
        &self.api_token
    }
    /// The SMS region these credentials are for.
    pub fn region(&self) -> &str {
        &self.region
    }
    /// The SMS base URL of the region.
    pub fn base_url(&self) -> &'static str {
        Product::Sms
            .info()
            .base_url_for(AuthModel::ServicePlan, Some(&self.region))
            .expect("validated at construction")
    }

    /// `Bearer <api token>`.
    pub fn authorization(&self) -> String {
        format!("Bearer {}", self.api_token.expose())
    }
}

impl fmt::Debug for ServicePlanCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServicePlanCredentials")
            .field("service_plan_id", &self.service_plan_id)
            .field("api_token", &self.api_token)
            .field("region", &self.region)
            .finish()
    }
}

/// Mailgun API key + domain.
#[derive(Clone, PartialEq, Eq)]
pub struct MailgunCredentials {
    api_key: Secret,
    domain: String,
    region: String,
}

impl MailgunCredentials {
    /// Mailgun credentials: the API key, the sending domain and the region (`us` or `eu`).
    pub fn new(
        api_key: impl Into<Secret>,
        domain: impl Into<String>,
        region: Option<&str>,
    ) -> Result<Self> {
        let (api_key, domain) = (api_key.into(), domain.into());
        required("Mailgun API key", "MAILGUN_API_KEY", api_key.expose())?;
        required("Mailgun domain", "MAILGUN_DOMAIN", &domain)?;
        let region = region.unwrap_or("us").trim().to_ascii_lowercase();
        Product::Mailgun.info().base_url(Some(&region))?;
        Ok(MailgunCredentials {
            api_key,
            domain,
            region,
        })
    }

    /// `MAILGUN_API_KEY`, `MAILGUN_DOMAIN`, optional `MAILGUN_REGION`.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(&env_lookup)
    }

    /// Mailgun credentials from `MAILGUN_API_KEY`, `MAILGUN_DOMAIN` and `MAILGUN_REGION`, read
    /// through `lookup`.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        let v = read_vars(AuthModel::ApiKey, crate::product::DASHBOARD_MAILGUN, lookup)?;
        let mut it = v.into_iter();
        let (k, d, r) = (
            it.next().flatten(),
            it.next().flatten(),
            it.next().flatten(),
        );
        Self::new(k.unwrap_or_default(), d.unwrap_or_default(), r.as_deref())
    }

    /// The Mailgun API key (Basic auth with the user `api`).
    pub fn api_key(&self) -> &Secret {
        &self.api_key
    }
    /// The sending domain (not secret).
    pub fn domain(&self) -> &str {
        &self.domain
    }
    /// The Mailgun region.
    pub fn region(&self) -> &str {
        &self.region
    }
    /// The Mailgun API base URL of the region.
    pub fn base_url(&self) -> &'static str {
        Product::Mailgun
            .info()
            .base_url(Some(&self.region))
            .expect("validated at construction")
    }

    /// `Basic base64("api:" + key)`.
    pub fn basic_authorization(&self) -> String {
        basic_authorization("api", self.api_key.expose()).expect("validated at construction")
    }
}

impl fmt::Debug for MailgunCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailgunCredentials")
            .field("api_key", &self.api_key)
            .field("domain", &self.domain)
            .field("region", &self.region)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn basic_headers_match_the_sdk_vectors() {
        // Spec E3 and E1.
        assert_eq!(
            basic_authorization("fooKey", "fooSecret").unwrap(),
            "Basic Zm9vS2V5OmZvb1NlY3JldA=="
        );
        let c = ProjectCredentials::new("p", "mock_key_id", "mock_key_secret").unwrap();
        assert_eq!(
            c.basic_authorization(),
            "Basic bW9ja19rZXlfaWQ6bW9ja19rZXlfc2VjcmV0"
        );
        let m = MailgunCredentials::new("key-1", "example.com", None).unwrap();
        assert_eq!(m.basic_authorization(), "Basic YXBpOmtleS0x");
        assert_eq!(m.base_url(), "https://api.mailgun.net");
        // UTF-8, RFC 7617.
        assert_eq!(basic_authorization("ü", "é").unwrap(), "Basic w7w6w6k=");
        assert!(basic_authorization("a:b", "c").is_err());
        assert!(basic_authorization("a", "c\r\nX-Evil: 1").is_err());
        let sp = ServicePlanCredentials::new("plan", "tok", "EU").unwrap();
        assert_eq!(sp.authorization(), "Bearer tok");
        assert_eq!(sp.base_url(), "https://eu.sms.api.sinch.com");
    }

    #[test]
    fn from_env_names_every_missing_variable() {
        let e = ProjectCredentials::from_lookup(&env(&[
            ("SINCH_KEY_ID", "k"),
            ("SINCH_PROJECT_ID", " "),
        ]))
        .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Config);
        assert!(
            e.message().contains("SINCH_PROJECT_ID, SINCH_KEY_SECRET"),
            "{e}"
        );
        assert!(e.message().contains("Access Keys"), "{e}");
        let e = ApplicationCredentials::from_lookup(&env(&[])).unwrap_err();
        assert!(
            e.message().contains("SINCH_APP_KEY, SINCH_APP_SECRET"),
            "{e}"
        );
        let e =
            ServicePlanCredentials::from_lookup(&env(&[("SINCH_SMS_REGION", "us")])).unwrap_err();
        assert!(
            e.message()
                .contains("SINCH_SERVICE_PLAN_ID, SINCH_SMS_API_TOKEN"),
            "{e}"
        );
        let e = MailgunCredentials::from_lookup(&env(&[])).unwrap_err();
        assert!(
            e.message().contains("MAILGUN_API_KEY, MAILGUN_DOMAIN"),
            "{e}"
        );
        assert!(!e.message().contains("MAILGUN_REGION"), "{e}");
    }

    #[test]
    fn from_env_reads_values() {
        let c = ProjectCredentials::from_lookup(&env(&[
            ("SINCH_PROJECT_ID", "proj"),
            ("SINCH_KEY_ID", "kid"),
            ("SINCH_KEY_SECRET", "marker-secret-1"),
        ]))
        .unwrap();
        assert_eq!((c.project_id(), c.key_id()), ("proj", "kid"));
        let a = ApplicationCredentials::from_lookup(&env(&[
            ("SINCH_APP_KEY", "k"),
            ("SINCH_APP_SECRET", "bXkta2V5LXNlY3JldA=="),
        ]))
        .unwrap();
        assert_eq!(a.signing_key().expose(), b"my-key-secret");
        let m = MailgunCredentials::from_lookup(&env(&[
            ("MAILGUN_API_KEY", "key"),
            ("MAILGUN_DOMAIN", "d"),
            ("MAILGUN_REGION", "eu"),
        ]))
        .unwrap();
        assert_eq!(m.base_url(), "https://api.eu.mailgun.net");
    }

    #[test]
    fn bad_values_are_config_errors_without_the_secret() {
        let e = ApplicationCredentials::new("k", "not base64!marker").unwrap_err();
        assert!(e.message().contains("not valid Base64"), "{e}");
        assert!(!e.message().contains("marker"));
        assert!(ProjectCredentials::new("p", "k", "").is_err());
        assert!(ProjectCredentials::new("p", "k", " s").is_err());
        assert!(ServicePlanCredentials::new("p", "t", "xx").is_err());
        assert!(MailgunCredentials::new("k", "d", Some("asia")).is_err());
    }

    #[test]
    fn debug_never_shows_secrets() {
        let marker = "MARKERSECRET0123";
        let p = ProjectCredentials::new("p", "k", marker).unwrap();
        let a = ApplicationCredentials::new("k", "TUFSS0VSU0VDUkVUMDEyMw==").unwrap();
        let s = ServicePlanCredentials::new("p", marker, "us").unwrap();
        let m = MailgunCredentials::new(marker, "d", None).unwrap();
        for d in [
            format!("{p:?}"),
            format!("{a:?}"),
            format!("{s:?}"),
            format!("{m:?}"),
        ] {
            assert!(!d.contains(marker) && !d.contains("TUFSS0VS"), "{d}");
            assert!(d.contains("redacted"), "{d}");
        }
    }
}
