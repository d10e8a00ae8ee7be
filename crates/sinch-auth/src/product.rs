//! Which auth model each Sinch product uses, which credentials and env vars it needs, where
//! they come from, and its base URL per region. This table is the only copy: the bindings and
//! the CLI read it from here.

use crate::error::{Error, Result};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
/// How a product authenticates, which decides the credentials it takes.
pub enum AuthModel {
    /// Project ID + access key (OAuth2 client credentials, or Basic for quick tests).
    Project,
    /// Application key + secret (signed requests, or Basic for prototyping).
    Application,
    /// SMS service plan ID + API token (static Bearer).
    ServicePlan,
    /// Mailgun API key (Basic with the literal user `api`).
    ApiKey,
}

impl AuthModel {
    /// Every model, in declaration order.
    pub const ALL: [AuthModel; 4] = [
        AuthModel::Project,
        AuthModel::Application,
        AuthModel::ServicePlan,
        AuthModel::ApiKey,
    ];

    /// The name used by every language (`"project"`, `"service_plan"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            AuthModel::Project => "project",
            AuthModel::Application => "application",
            AuthModel::ServicePlan => "service-plan",
            AuthModel::ApiKey => "api-key",
        }
    }

    /// Env vars for this model: `(name, required)`.
    pub fn env_vars(self) -> &'static [EnvVar] {
        match self {
            AuthModel::Project => PROJECT_VARS,
            AuthModel::Application => APPLICATION_VARS,
            AuthModel::ServicePlan => SERVICE_PLAN_VARS,
            AuthModel::ApiKey => MAILGUN_VARS,
        }
    }

    /// The credentials this model needs, in words.
    pub fn credentials_needed(self) -> &'static str {
        match self {
            AuthModel::Project => "Project ID + Access Key ID + Key Secret",
            AuthModel::Application => "Application Key + Application Secret",
            AuthModel::ServicePlan => "Service plan ID + API token (+ SMS region)",
            AuthModel::ApiKey => "Mailgun API key (username is the literal `api`) + domain",
        }
    }

    /// How requests are authenticated under this model.
    pub fn how(self) -> &'static str {
        match self {
            AuthModel::Project => {
                "OAuth2 client credentials: POST grant_type=client_credentials with Basic \
                 key_id:key_secret to https://auth.sinch.com/oauth2/token, then \
                 `Authorization: Bearer <access_token>`. Basic key_id:key_secret also works \
                 but is heavily rate-limited: quick tests only."
            }
            AuthModel::Application => {
                "Signed requests: `Authorization: Application <key>:<HMAC-SHA256 signature>` \
                 plus `x-timestamp` (production), or Basic app_key:app_secret (prototyping)."
            }
            AuthModel::ServicePlan => {
                "`Authorization: Bearer <API token>` (static, never refreshed)."
            }
            AuthModel::ApiKey => "Basic auth with user `api` and the API key as password.",
        }
    }
}

impl fmt::Display for AuthModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuthModel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let norm = s.trim().to_ascii_lowercase().replace('_', "-");
        AuthModel::ALL
            .into_iter()
            .find(|m| m.as_str() == norm)
            .ok_or_else(|| {
                Error::config(format!(
                    "unknown auth model {s:?}; valid auth models: project, application, service-plan, api-key"
                ))
            })
    }
}

/// An environment variable a credential set is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvVar {
    /// The variable's name (`SINCH_KEY_ID`).
    pub name: &'static str,
    /// Whether the credential set cannot be built without it.
    pub required: bool,
    /// Whether its value is a secret (never printed).
    pub secret: bool,
    /// What the value is and where to find it.
    pub description: &'static str,
}

const fn var(
    name: &'static str,
    required: bool,
    secret: bool,
    description: &'static str,
) -> EnvVar {
    EnvVar {
        name,
        required,
        secret,
        description,
    }
}

const PROJECT_VARS: &[EnvVar] = &[
    var("SINCH_PROJECT_ID", true, false, "Project ID"),
    var("SINCH_KEY_ID", true, false, "Access Key ID"),
    var("SINCH_KEY_SECRET", true, true, "Access Key Secret"),
];
const APPLICATION_VARS: &[EnvVar] = &[
    var("SINCH_APP_KEY", true, false, "Application Key"),
    var(
        "SINCH_APP_SECRET",
        true,
        true,
        "Application Secret (Base64)",
    ),
];
const SERVICE_PLAN_VARS: &[EnvVar] = &[
    var("SINCH_SERVICE_PLAN_ID", true, false, "SMS service plan ID"),
    var("SINCH_SMS_API_TOKEN", true, true, "SMS API token"),
    var(
        "SINCH_SMS_REGION",
        true,
        false,
        "SMS region (us, eu, br, ca, au)",
    ),
];
const MAILGUN_VARS: &[EnvVar] = &[
    var("MAILGUN_API_KEY", true, true, "Mailgun API key"),
    var("MAILGUN_DOMAIN", true, false, "Mailgun sending domain"),
    var(
        "MAILGUN_REGION",
        false,
        false,
        "Mailgun region (us, eu; default us)",
    ),
];

/// The env var that overrides the OAuth2 token URL (the local server's `export` lines set it).
pub const TOKEN_URL_ENV: &str = "SINCH_AUTH_URL";
/// The global token endpoint, valid for every region.
pub const DEFAULT_TOKEN_URL: &str = "https://auth.sinch.com/oauth2/token";

pub(crate) const DASHBOARD_ACCESS_KEYS: &str =
    "Dashboard > Settings > Access Keys (https://dashboard.sinch.com/settings/access-keys); the Project ID is at the top of the dashboard. Key Secrets are shown only once: if lost, create a new Access Key";
pub(crate) const DASHBOARD_VOICE_APPS: &str =
    "Dashboard > Voice > Apps (https://dashboard.sinch.com/voice/apps)";
pub(crate) const DASHBOARD_VERIFICATION_APPS: &str =
    "Dashboard > Verification > Apps (https://dashboard.sinch.com/verification/apps)";
pub(crate) const DASHBOARD_SMS_SERVICE_PLANS: &str =
    "Dashboard > SMS > APIs (https://dashboard.sinch.com/sms/api/rest): the service plan ID and its API token";
pub(crate) const DASHBOARD_MAILGUN: &str =
    "Mailgun > API Security (https://app.mailgun.com/settings/api_security)";

/// One base URL of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// Which auth model this host is used with (SMS has one host per model).
    pub model: AuthModel,
    /// Region name as accepted by [`ProductInfo::base_url`] (`"global"` when not regional).
    pub region: &'static str,
    /// The base URL (`https://…`, no trailing slash).
    pub url: &'static str,
    /// A remark shown with the endpoint (empty when there is none).
    pub note: &'static str,
}

const fn ep(model: AuthModel, region: &'static str, url: &'static str) -> Endpoint {
    Endpoint {
        model,
        region,
        url,
        note: "",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
/// A Sinch product (or Mailgun) whose API this library authenticates.
pub enum Product {
    /// Conversation API.
    Conversation,
    /// Conversation message templates.
    Templates,
    /// Numbers API.
    Numbers,
    /// SMS API.
    Sms,
    /// Fax API.
    Fax,
    /// Elastic SIP Trunking.
    ElasticSipTrunking,
    /// 10DLC registration.
    TenDlc,
    /// Number Lookup.
    NumberLookup,
    /// Provisioning API.
    Provisioning,
    /// Voice API (application-signed requests).
    Voice,
    /// Verification API (application-signed requests).
    Verification,
    /// In-app calling.
    InAppCalling,
    /// Mailgun email API.
    Mailgun,
}

/// Everything the library knows about one product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductInfo {
    /// The product this entry describes.
    pub product: Product,
    /// Canonical product string (`"elastic-sip-trunking"`).
    pub name: &'static str,
    /// The product's name for people (`"Elastic SIP Trunking"`).
    pub display_name: &'static str,
    /// Other names accepted when parsing (`"sip"`, …).
    pub aliases: &'static [&'static str],
    /// The models it accepts, the recommended one first.
    pub models: &'static [AuthModel],
    /// Where the credentials come from.
    pub dashboard: &'static str,
    /// Base URLs, per model and region.
    pub endpoints: &'static [Endpoint],
    /// Region used when none is given; `None` when the caller must choose.
    pub default_region: Option<&'static str>,
    /// Things that go wrong (the seed's gotchas).
    pub gotchas: &'static [&'static str],
}

use AuthModel::{ApiKey, Application, Project, ServicePlan};

const GOTCHA_BASIC: &str =
    "Basic auth with the access key is heavily rate-limited: use OAuth2 bearer tokens in production.";
const GOTCHA_TOKEN: &str =
    "OAuth2 tokens expire (3600 s); the token endpoint https://auth.sinch.com/oauth2/token is global and its tokens are valid in every region.";
const GOTCHA_NO_JWT: &str =
    "Do not mint your own JWT: use the access_token the token endpoint returns, verbatim.";
const GOTCHA_APP_KEYS: &str =
    "Uses application credentials (Application Key + Secret), never project Access Keys: they are separate sets from different dashboard pages.";
const GOTCHA_SECRET_B64: &str =
    "The Application Secret is Base64: signing uses its decoded bytes as the HMAC-SHA256 key.";
const GOTCHA_REGION: &str =
    "The API base URL region must match the region the app was created in (apps cannot migrate); a token that works for Numbers but fails here means the wrong region.";

static TABLE: &[ProductInfo] = &[
    ProductInfo {
        product: Product::Conversation,
        name: "conversation",
        display_name: "Conversation API",
        aliases: &["conv", "conversation-api"],
        models: &[Project],
        dashboard: DASHBOARD_ACCESS_KEYS,
        endpoints: &[
            ep(Project, "us", "https://us.conversation.api.sinch.com"),
            ep(Project, "eu", "https://eu.conversation.api.sinch.com"),
            ep(Project, "br", "https://br.conversation.api.sinch.com"),
        ],
        default_region: None,
        gotchas: &[GOTCHA_REGION, GOTCHA_TOKEN, GOTCHA_NO_JWT, GOTCHA_BASIC],
    },
    ProductInfo {
        product: Product::Templates,
        name: "templates",
        display_name: "Conversation Template Management",
        aliases: &["template", "template-management"],
        models: &[Project],
        dashboard: DASHBOARD_ACCESS_KEYS,
        endpoints: &[
            ep(Project, "us", "https://us.template.api.sinch.com"),
            ep(Project, "eu", "https://eu.template.api.sinch.com"),
            ep(Project, "br", "https://br.template.api.sinch.com"),
        ],
        default_region: None,
        gotchas: &[GOTCHA_REGION, GOTCHA_TOKEN, GOTCHA_NO_JWT],
    },
    ProductInfo {
        product: Product::Numbers,
        name: "numbers",
        display_name: "Numbers API",
        aliases: &["numbers-api"],
        models: &[Project],
        dashboard: DASHBOARD_ACCESS_KEYS,
        endpoints: &[ep(Project, "global", "https://numbers.api.sinch.com")],
        default_region: Some("global"),
        gotchas: &[GOTCHA_TOKEN, GOTCHA_NO_JWT, GOTCHA_BASIC],
    },
    ProductInfo {
        product: Product::Sms,
        name: "sms",
        display_name: "SMS API",
        aliases: &["sms-api", "xms"],
        models: &[Project, ServicePlan],
        dashboard: DASHBOARD_ACCESS_KEYS,
        endpoints: &[
            ep(Project, "us", "https://zt.us.sms.api.sinch.com"),
            ep(Project, "eu", "https://zt.eu.sms.api.sinch.com"),
            ep(Project, "br", "https://zt.br.sms.api.sinch.com"),
            ep(Project, "ca", "https://zt.ca.sms.api.sinch.com"),
            ep(Project, "au", "https://zt.au.sms.api.sinch.com"),
            ep(ServicePlan, "us", "https://us.sms.api.sinch.com"),
            ep(ServicePlan, "eu", "https://eu.sms.api.sinch.com"),
            ep(ServicePlan, "br", "https://br.sms.api.sinch.com"),
            ep(ServicePlan, "ca", "https://ca.sms.api.sinch.com"),
            ep(ServicePlan, "au", "https://au.sms.api.sinch.com"),
        ],
        default_region: None,
        gotchas: &[
            "Two models: project OAuth2 on zt.{region}.sms.api.sinch.com (path /xms/v1/{project_id}/...), or service plan ID + API token on {region}.sms.api.sinch.com (path /xms/v1/{service_plan_id}/...). When both are configured, the service plan wins.",
            "OAuth2 for SMS is officially US and EU only; BR, CA and AU use the service-plan API token.",
            GOTCHA_TOKEN,
        ],
    },
    ProductInfo {
        product: Product::Fax,
        name: "fax",
        display_name: "Fax API",
        aliases: &["fax-api"],
        models: &[Project],
        dashboard: DASHBOARD_ACCESS_KEYS,
        endpoints: &[
            ep(Project, "global", "https://fax.api.sinch.com"),
            ep(Project, "use1", "https://use1.fax.api.sinch.com"),
            ep(Project, "eu1", "https://eu1.fax.api.sinch.com"),
            ep(Project, "sae1", "https://sae1.fax.api.sinch.com"),
            ep(Project, "apse1", "https://apse1.fax.api.sinch.com"),
            ep(Project, "apse2", "https://apse2.fax.api.sinch.com"),
        ],
        default_region: Some("global"),
        gotchas: &[
            GOTCHA_TOKEN,
            "Fax callbacks carry no signature: protect the callback URL another way.",
        ],
    },
    ProductInfo {
        product: Product::ElasticSipTrunking,
        name: "elastic-sip-trunking",
        display_name: "Elastic SIP Trunking",
        aliases: &["est", "sip-trunking", "elastic-trunking"],
        models: &[Project],
        dashboard: DASHBOARD_ACCESS_KEYS,
        endpoints: &[ep(Project, "global", "https://elastic-trunking.api.sinch.com")],
        default_region: Some("global"),
        gotchas: &[GOTCHA_TOKEN, GOTCHA_BASIC],
    },
    ProductInfo {
        product: Product::TenDlc,
        name: "10dlc",
        display_name: "10DLC registration (US)",
        aliases: &["ten-dlc", "tendlc", "us10dlc"],
        models: &[Project],
        dashboard: DASHBOARD_ACCESS_KEYS,
        endpoints: &[ep(Project, "us", "https://us10dlc.numbers.api.sinch.com")],
        default_region: Some("us"),
        gotchas: &[GOTCHA_TOKEN, "10DLC is US only."],
    },
    ProductInfo {
        product: Product::NumberLookup,
        name: "number-lookup",
        display_name: "Number Lookup API",
        aliases: &["lookup", "numberlookup"],
        models: &[Project],
        dashboard: DASHBOARD_ACCESS_KEYS,
        endpoints: &[ep(Project, "global", "https://lookup.api.sinch.com")],
        default_region: Some("global"),
        gotchas: &[GOTCHA_TOKEN, GOTCHA_BASIC],
    },
    ProductInfo {
        product: Product::Provisioning,
        name: "provisioning",
        display_name: "Provisioning API",
        aliases: &["provisioning-api"],
        models: &[Project],
        dashboard: DASHBOARD_ACCESS_KEYS,
        endpoints: &[ep(Project, "global", "https://provisioning.api.sinch.com")],
        default_region: Some("global"),
        gotchas: &[GOTCHA_TOKEN, GOTCHA_BASIC],
    },
    ProductInfo {
        product: Product::Voice,
        name: "voice",
        display_name: "Voice API",
        aliases: &["calling", "voice-api"],
        models: &[Application],
        dashboard: DASHBOARD_VOICE_APPS,
        endpoints: &[
            ep(Application, "global", "https://calling.api.sinch.com"),
            ep(Application, "use1", "https://calling-use1.api.sinch.com"),
            ep(Application, "euc1", "https://calling-euc1.api.sinch.com"),
            ep(Application, "sae1", "https://calling-sae1.api.sinch.com"),
            ep(Application, "apse1", "https://calling-apse1.api.sinch.com"),
            ep(Application, "apse2", "https://calling-apse2.api.sinch.com"),
            Endpoint {
                model: Application,
                region: "management",
                url: "https://callingapi.sinch.com",
                note: "application management (numbers, callbacks); not regional",
            },
        ],
        default_region: Some("global"),
        gotchas: &[
            GOTCHA_APP_KEYS,
            GOTCHA_SECRET_B64,
            "Basic app_key:app_secret is for prototyping; sign requests in production.",
        ],
    },
    ProductInfo {
        product: Product::Verification,
        name: "verification",
        display_name: "Verification API",
        aliases: &["verify", "verification-api"],
        models: &[Application],
        dashboard: DASHBOARD_VERIFICATION_APPS,
        endpoints: &[ep(Application, "global", "https://verification.api.sinch.com")],
        default_region: Some("global"),
        gotchas: &[
            GOTCHA_APP_KEYS,
            GOTCHA_SECRET_B64,
            "Public authentication (`Application <key>` without a signature) is weak and for client-side SDKs only.",
        ],
    },
    ProductInfo {
        product: Product::InAppCalling,
        name: "in-app-calling",
        display_name: "In-App Calling",
        aliases: &["iac", "rtc", "in-app"],
        models: &[Application],
        dashboard: DASHBOARD_VOICE_APPS,
        endpoints: &[ep(Application, "global", "https://calling.api.sinch.com")],
        default_region: Some("global"),
        gotchas: &[GOTCHA_APP_KEYS, GOTCHA_SECRET_B64],
    },
    ProductInfo {
        product: Product::Mailgun,
        name: "mailgun",
        display_name: "Mailgun",
        aliases: &["email"],
        models: &[ApiKey],
        dashboard: DASHBOARD_MAILGUN,
        endpoints: &[
            ep(ApiKey, "us", "https://api.mailgun.net"),
            ep(ApiKey, "eu", "https://api.eu.mailgun.net"),
        ],
        default_region: Some("us"),
        gotchas: &[
            "The Basic username is the literal `api`; the API key is the password.",
            "A domain's region (US or EU) is fixed when the domain is created: use the matching host.",
            "Webhooks are signed with the HTTP webhook signing key, not the API key.",
        ],
    },
];

/// The product and endpoint whose base URL has `host` (case-insensitive, no port): the
/// allowlist of Sinch hosts, and which auth each one takes. `None` for any other host.
pub fn endpoint_for_host(host: &str) -> Option<(&'static ProductInfo, &'static Endpoint)> {
    let host = host.trim_end_matches('.');
    TABLE.iter().find_map(|info| {
        info.endpoints
            .iter()
            .find(|e| {
                e.url
                    .strip_prefix("https://")
                    .is_some_and(|h| h.eq_ignore_ascii_case(host))
            })
            .map(|e| (info, e))
    })
}

impl Product {
    /// Every product's entry, in table order.
    pub fn all() -> impl Iterator<Item = &'static ProductInfo> {
        TABLE.iter()
    }

    /// This product's entry in the table.
    pub fn info(self) -> &'static ProductInfo {
        TABLE
            .iter()
            .find(|i| i.product == self)
            .expect("every product has a row")
    }

    /// The canonical name (`"elastic-sip-trunking"`).
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// The recommended auth model.
    pub fn auth_model(self) -> AuthModel {
        self.info().models[0]
    }

    fn valid_names() -> String {
        TABLE.iter().map(|i| i.name).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Product {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c == '_' || c == ' ' { '-' } else { c })
            .collect();
        TABLE
            .iter()
            .find(|i| i.name == norm || i.aliases.contains(&norm.as_str()))
            .map(|i| i.product)
            .ok_or_else(|| {
                Error::config(format!(
                    "unknown product {s:?}; valid products: {}",
                    Product::valid_names()
                ))
            })
    }
}

impl ProductInfo {
    /// Regions accepted for `model`, in table order.
    pub fn regions(&self, model: AuthModel) -> Vec<&'static str> {
        self.endpoints
            .iter()
            .filter(|e| e.model == model)
            .map(|e| e.region)
            .collect()
    }

    /// The base URL for `region` (or the default region) under the recommended model.
    pub fn base_url(&self, region: Option<&str>) -> Result<&'static str> {
        self.base_url_for(self.models[0], region)
    }

    /// The base URL for `region` under `model` (SMS has one host per model).
    pub fn base_url_for(&self, model: AuthModel, region: Option<&str>) -> Result<&'static str> {
        if !self.models.contains(&model) {
            return Err(Error::config(format!(
                "{} does not use the {} auth model; it uses {}",
                self.display_name,
                model,
                self.models
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )));
        }
        let regions = self.regions(model);
        let region = match region.map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => r.to_ascii_lowercase(),
            None => match self.default_region {
                Some(d) => d.to_owned(),
                None => {
                    return Err(Error::config(format!(
                        "{} needs a region (it must match the region the app was created in); valid regions: {}",
                        self.display_name,
                        regions.join(", ")
                    )))
                }
            },
        };
        self.endpoints
            .iter()
            .find(|e| e.model == model && e.region == region)
            .map(|e| e.url)
            .ok_or_else(|| {
                Error::config(format!(
                    "unknown region {region:?} for {}; valid regions: {}",
                    self.display_name,
                    regions.join(", ")
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_product_string_and_alias_parses() {
        for info in Product::all() {
            assert_eq!(info.name.parse::<Product>().unwrap(), info.product);
            for a in info.aliases {
                assert_eq!(a.parse::<Product>().unwrap(), info.product, "{a}");
            }
            assert!(!info.endpoints.is_empty());
            assert!(info.endpoints.iter().all(|e| e.url.starts_with("https://")));
        }
        assert_eq!(
            "EST".parse::<Product>().unwrap(),
            Product::ElasticSipTrunking
        );
        assert_eq!("lookup".parse::<Product>().unwrap(), Product::NumberLookup);
    }

    #[test]
    fn auth_models_follow_the_decision_table() {
        use Product::*;
        for p in [
            Conversation,
            Templates,
            Numbers,
            Fax,
            ElasticSipTrunking,
            TenDlc,
            NumberLookup,
            Provisioning,
            Sms,
        ] {
            assert_eq!(p.auth_model(), AuthModel::Project, "{p}");
        }
        for p in [Voice, Verification, InAppCalling] {
            assert_eq!(p.auth_model(), AuthModel::Application, "{p}");
        }
        assert_eq!(Mailgun.auth_model(), AuthModel::ApiKey);
        assert_eq!(
            Sms.info().models,
            &[AuthModel::Project, AuthModel::ServicePlan]
        );
    }

    #[test]
    fn unknown_product_lists_valid_values() {
        let e = "smss".parse::<Product>().unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Config);
        assert!(e.message().contains("conversation") && e.message().contains("mailgun"));
    }

    #[test]
    fn base_urls_per_region_and_model() {
        let conv = Product::Conversation.info();
        assert_eq!(
            conv.base_url(Some("EU")).unwrap(),
            "https://eu.conversation.api.sinch.com"
        );
        let e = conv.base_url(None).unwrap_err();
        assert!(e.message().contains("us, eu, br"), "{e}");
        let e = conv.base_url(Some("ap")).unwrap_err();
        assert!(e.message().contains("valid regions: us, eu, br"), "{e}");
        let sms = Product::Sms.info();
        assert_eq!(
            sms.base_url(Some("eu")).unwrap(),
            "https://zt.eu.sms.api.sinch.com"
        );
        assert_eq!(
            sms.base_url_for(AuthModel::ServicePlan, Some("au"))
                .unwrap(),
            "https://au.sms.api.sinch.com"
        );
        let voice = Product::Voice.info();
        assert_eq!(
            voice.base_url(None).unwrap(),
            "https://calling.api.sinch.com"
        );
        assert_eq!(
            voice.base_url(Some("euc1")).unwrap(),
            "https://calling-euc1.api.sinch.com"
        );
        assert_eq!(
            voice.base_url(Some("management")).unwrap(),
            "https://callingapi.sinch.com"
        );
        assert_eq!(
            Product::Mailgun.info().base_url(Some("eu")).unwrap(),
            "https://api.eu.mailgun.net"
        );
        assert!(voice.base_url_for(AuthModel::Project, None).is_err());
    }

    #[test]
    fn auth_model_strings_round_trip() {
        for m in AuthModel::ALL {
            assert_eq!(m.as_str().parse::<AuthModel>().unwrap(), m);
        }
        assert!("oauth".parse::<AuthModel>().is_err());
    }

    #[test]
    fn hosts_map_to_their_product_and_auth_model() {
        let (info, e) = endpoint_for_host("Calling-EUC1.api.sinch.com").unwrap();
        assert_eq!(
            (info.product, e.model),
            (Product::Voice, AuthModel::Application)
        );
        let (info, e) = endpoint_for_host("us.sms.api.sinch.com").unwrap();
        assert_eq!(
            (info.product, e.model),
            (Product::Sms, AuthModel::ServicePlan)
        );
        let (info, e) = endpoint_for_host("zt.us.sms.api.sinch.com").unwrap();
        assert_eq!((info.product, e.model), (Product::Sms, AuthModel::Project));
        assert_eq!(
            endpoint_for_host("api.eu.mailgun.net").unwrap().1.model,
            AuthModel::ApiKey
        );
        for other in [
            "evil.test",
            "api.sinch.com.evil.test",
            "sinch.com",
            "",
            "numbers.api.sinch.com:443",
        ] {
            assert!(endpoint_for_host(other).is_none(), "{other}");
        }
    }
}
