//! A typed client for the Lastmile API (v1), on reqwest with native TLS, which trusts the
//! OS certificate store: where MDM installs a company's root CA.
//!
//! Every failure is one [`ClientError`] that says which of these happened: the server could
//! not be reached, it refused the request with a Lastmile error code, or it answered with
//! something that is not the Lastmile API (a captive portal, a proxy error page, garbage).

use std::fmt;
use std::time::Duration;

use lastmile_proto::api::{
    AccountView, ErrorBody, ErrorCode, FactorView, Health, JoinRequest, JoinResponse, PostureView, RecoveryCodeSet,
    RecoveryConfirmRequest, RecoverySession, RecoverySignInRequest, SecurityKeyRegistered, ServerTime, SignInOptions,
    SsoJoinRequest, SsoStart, SsoStartRequest, TotpEnrollment, TotpVerifyRequest, WebauthnChallenge, WebauthnFinish,
};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use url::Url;

/// A device's bearer secret. Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceToken(String);

impl DeviceToken {
    pub fn new(token: String) -> Self {
        Self(token)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DeviceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceToken(****)")
    }
}

/// The one error type of this crate.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot reach the Lastmile server at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the server refused the request ({status}): {message}")]
    Api { status: u16, code: ErrorCode, message: String },
    #[error("the server at {url} answered with something that is not the Lastmile API ({detail})")]
    BadResponse { url: String, detail: String },
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
}

impl ClientError {
    /// Whether trying again later might help (network trouble, server overload).
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Unreachable { .. } => true,
            ClientError::Api { status, .. } => *status >= 500,
            ClientError::BadResponse { .. } => true,
            ClientError::Setup(_) => false,
        }
    }
}

/// Connection options (from the resolved settings).
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// A proxy for every request; without one, the OS's proxy settings apply.
    pub proxy: Option<Url>,
    /// PEM certificates trusted in addition to the OS store (the `ca_bundle` policy: a
    /// company CA, such as a TLS-inspecting proxy's, not installed in the OS store).
    pub ca_bundle: Option<std::path::PathBuf>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self { proxy: None, ca_bundle: None, timeout: Duration::from_secs(10), connect_timeout: Duration::from_secs(4) }
    }
}

/// The API client. Cheap to clone (shares the connection pool).
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: Url,
}

impl ApiClient {
    pub fn new(base: &Url, options: &ClientOptions) -> Result<Self, ClientError> {
        let mut base = base.clone();
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("lastmile/", env!("CARGO_PKG_VERSION")))
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(proxy) = &options.proxy {
            builder = builder
                .proxy(reqwest::Proxy::all(proxy.as_str()).map_err(|e| ClientError::Setup(format!("proxy: {e}")))?);
        }
        if let Some(path) = &options.ca_bundle {
            let setup = |why: String| ClientError::Setup(format!("ca_bundle {}: {why}", path.display()));
            let pem = std::fs::read(path).map_err(|e| setup(e.to_string()))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| setup(e.to_string()))?;
            if certs.is_empty() {
                return Err(setup("holds no PEM certificate".into()));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().map_err(|e| ClientError::Setup(e.to_string()))?;
        Ok(Self { http, base })
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    fn url(&self, path: &str) -> Url {
        self.base.join(path).unwrap_or_else(|_| self.base.clone())
    }

    /// `base/prefix/{id}/action`, with `id` percent-encoded as one path segment.
    fn url_with_id(&self, prefix: &str, id: &str, action: &str) -> Result<Url, ClientError> {
        let mut url = self.url(prefix);
        url.path_segments_mut()
            .map_err(|()| ClientError::Setup("the server URL cannot have a path".into()))?
            .pop_if_empty()
            .push(id)
            .push(action);
        Ok(url)
    }

    pub async fn health(&self) -> Result<Health, ClientError> {
        let url = self.url("v1/health");
        let health: Health = self.send(self.http.get(url.clone()), &url).await?;
        if health.status != "ok" {
            return Err(ClientError::BadResponse {
                url: url.to_string(),
                detail: format!("status {:?}", health.status),
            });
        }
        Ok(health)
    }

    pub async fn time(&self) -> Result<ServerTime, ClientError> {
        let url = self.url("v1/time");
        self.send(self.http.get(url.clone()), &url).await
    }

    pub async fn join(&self, req: &JoinRequest) -> Result<JoinResponse, ClientError> {
        let url = self.url("v1/devices/join");
        self.send(self.http.post(url.clone()).json(req), &url).await
    }

    /// How people of `org` can join by signing in (`GET /v1/orgs/{slug}/sign-in`).
    /// How people of `org` can join by signing in (`GET /v1/orgs/{slug}/sign-in`).
    pub async fn sign_in_options(&self, org: &str) -> Result<SignInOptions, ClientError> {
        let url = self.url_with_id("v1/orgs", org, "sign-in")?;
        self.send(self.http.get(url.clone()), &url).await
    }

    pub async fn sso_start(&self, req: &SsoStartRequest) -> Result<SsoStart, ClientError> {
        let url = self.url("v1/sso/start");
        self.send(self.http.post(url.clone()).json(req), &url).await
    }

    pub async fn join_sso(&self, req: &SsoJoinRequest) -> Result<JoinResponse, ClientError> {
        let url = self.url("v1/devices/join/sso");
        self.send(self.http.post(url.clone()).json(req), &url).await
    }

    pub async fn me(&self, token: &DeviceToken) -> Result<PostureView, ClientError> {
        let url = self.url("v1/devices/me");
        self.send(self.http.get(url.clone()).bearer_auth(token.expose()), &url).await
    }

    /// Sends a report body exactly as it was signed (`signature`: base64url, from the
    /// device key), so that a retry repeats the same bytes.
    pub async fn report_signed(
        &self,
        token: &DeviceToken,
        body: String,
        signature: Option<&str>,
    ) -> Result<PostureView, ClientError> {
        let url = self.url("v1/posture");
        let mut req = self
            .http
            .post(url.clone())
            .bearer_auth(token.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        if let Some(sig) = signature {
            req = req.header(lastmile_proto::api::SIGNATURE_HEADER, sig);
        }
        self.send(req, &url).await
    }

    /// Gives a device that joined without a key its public key (base64url SPKI DER).
    pub async fn add_device_key(
        &self,
        token: &DeviceToken,
        public_key: &str,
    ) -> Result<lastmile_proto::api::DeviceKeyAdded, ClientError> {
        let url = self.url("v1/devices/me/key");
        let body = lastmile_proto::api::DeviceKeyRequest { device_public_key: public_key.to_string() };
        self.send(self.http.post(url.clone()).bearer_auth(token.expose()).json(&body), &url).await
    }

    pub async fn begin_totp(&self, token: &DeviceToken) -> Result<TotpEnrollment, ClientError> {
        let url = self.url("v1/factors/totp");
        self.send(self.http.post(url.clone()).bearer_auth(token.expose()), &url).await
    }

    pub async fn verify_totp(
        &self,
        token: &DeviceToken,
        factor_id: &str,
        code: &str,
    ) -> Result<FactorView, ClientError> {
        let url = self.url_with_id("v1/factors/totp/", factor_id, "verify")?;
        let body = TotpVerifyRequest { code: code.to_string() };
        self.send(self.http.post(url.clone()).bearer_auth(token.expose()).json(&body), &url).await
    }

    pub async fn new_recovery_codes(&self, token: &DeviceToken) -> Result<RecoveryCodeSet, ClientError> {
        let url = self.url("v1/factors/recovery-codes");
        self.send(self.http.post(url.clone()).bearer_auth(token.expose()), &url).await
    }

    pub async fn confirm_recovery_codes(
        &self,
        token: &DeviceToken,
        factor_id: &str,
        code: &str,
    ) -> Result<FactorView, ClientError> {
        let url = self.url_with_id("v1/factors/recovery-codes/", factor_id, "confirm")?;
        let body = RecoveryConfirmRequest { code: code.to_string() };
        self.send(self.http.post(url.clone()).bearer_auth(token.expose()).json(&body), &url).await
    }

    /// Starts registering a security key: the options for the authenticator.
    pub async fn begin_security_key(&self, token: &DeviceToken) -> Result<WebauthnChallenge, ClientError> {
        let url = self.url("v1/factors/security-key");
        self.send(self.http.post(url.clone()).bearer_auth(token.expose()), &url).await
    }

    /// Sends the authenticator's registration; the answer carries the assertion to verify it.
    pub async fn finish_security_key_registration(
        &self,
        token: &DeviceToken,
        finish: &WebauthnFinish,
    ) -> Result<SecurityKeyRegistered, ClientError> {
        let url = self.url("v1/factors/security-key/register");
        self.send(self.http.post(url.clone()).bearer_auth(token.expose()).json(finish), &url).await
    }

    /// Sends the authenticator's assertion; the first one verifies the key.
    pub async fn finish_security_key_verification(
        &self,
        token: &DeviceToken,
        finish: &WebauthnFinish,
    ) -> Result<FactorView, ClientError> {
        let url = self.url("v1/factors/security-key/verify");
        self.send(self.http.post(url.clone()).bearer_auth(token.expose()).json(finish), &url).await
    }

    /// Signs in with a recovery code. `current` is this device's token when it is already
    /// joined (it then keeps its identity and gets a new token).
    pub async fn recovery_sign_in(
        &self,
        req: &RecoverySignInRequest,
        current: Option<&DeviceToken>,
    ) -> Result<RecoverySession, ClientError> {
        let url = self.url("v1/recovery/sign-in");
        let mut builder = self.http.post(url.clone()).json(req);
        if let Some(token) = current {
            builder = builder.bearer_auth(token.expose());
        }
        self.send(builder, &url).await
    }

    pub async fn recovery_account(&self, token: &DeviceToken) -> Result<AccountView, ClientError> {
        let url = self.url("v1/recovery/account");
        self.send(self.http.get(url.clone()).bearer_auth(token.expose()), &url).await
    }

    pub async fn recovery_revoke_factor(
        &self,
        token: &DeviceToken,
        factor_id: &str,
    ) -> Result<AccountView, ClientError> {
        let url = self.url_with_id("v1/recovery/factors/", factor_id, "revoke")?;
        self.send(self.http.post(url.clone()).bearer_auth(token.expose()), &url).await
    }

    pub async fn recovery_revoke_device(
        &self,
        token: &DeviceToken,
        device_id: &str,
    ) -> Result<AccountView, ClientError> {
        let url = self.url_with_id("v1/recovery/devices/", device_id, "revoke")?;
        self.send(self.http.post(url.clone()).bearer_auth(token.expose()), &url).await
    }

    pub async fn recovery_end(&self, token: &DeviceToken) -> Result<AccountView, ClientError> {
        let url = self.url("v1/recovery/end");
        self.send(self.http.post(url.clone()).bearer_auth(token.expose()), &url).await
    }

    async fn send<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder, url: &Url) -> Result<T, ClientError> {
        let resp = req.send().await.map_err(|e| ClientError::Unreachable {
            url: self.base.to_string(),
            reason: describe_transport_error(&e),
        })?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| ClientError::Unreachable {
            url: self.base.to_string(),
            reason: format!("the connection broke while reading the answer: {}", describe_transport_error(&e)),
        })?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| ClientError::BadResponse {
                url: url.to_string(),
                detail: format!("HTTP {status}, body is not the expected JSON: {e}"),
            });
        }
        match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(body) => {
                Err(ClientError::Api { status: status.as_u16(), code: body.error.code, message: body.error.message })
            }
            Err(_) => Err(ClientError::BadResponse { url: url.to_string(), detail: describe_status(status) }),
        }
    }
}

fn describe_status(status: StatusCode) -> String {
    if status.is_redirection() {
        format!("HTTP {status}: a redirect, perhaps a captive portal or a wrong server address")
    } else {
        format!("HTTP {status} without a Lastmile error body")
    }
}

fn describe_transport_error(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    // The innermost cause is the one a person can act on (refused, DNS, certificate).
    let mut source: &dyn std::error::Error = e;
    while let Some(s) = source.source() {
        source = s;
    }
    let mut detail = format!("{kind}: {source}");
    if untrusted_certificate(e) {
        detail.push_str(
            ". This device does not trust the certificate it was shown. On a company network the usual cause is a \
             proxy that inspects TLS: its root certificate must be in this device's trust store, or named by the \
             ca_bundle setting (ask IT). Elsewhere, it may be an attack: do not go on.",
        );
    }
    detail
}

/// Whether a transport error is a certificate chain this device does not trust (what a
/// TLS-inspecting proxy's own certificate looks like), as opposed to a refused connection,
/// DNS or a timeout.
fn untrusted_certificate(e: &reqwest::Error) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        let text = s.to_string();
        if text.contains("certificate verify failed")
            || text.contains("self-signed certificate")
            || text.contains("self signed certificate")
            || text.contains("unable to get local issuer certificate")
            // Windows (SChannel) and macOS (Security.framework) say it their way.
            || text.contains("untrusted root")
            || text.contains("not trusted")
        {
            return true;
        }
        source = s.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_is_redacted() {
        assert_eq!(format!("{:?}", DeviceToken::new("lmd_secret".into())), "DeviceToken(****)");
    }

    #[test]
    fn base_path_is_kept() {
        let c =
            ApiClient::new(&Url::parse("https://mfa.example.com/lastmile").expect("url"), &ClientOptions::default())
                .expect("client");
        assert_eq!(c.url("v1/health").as_str(), "https://mfa.example.com/lastmile/v1/health");
    }

    #[test]
    fn ids_are_one_encoded_path_segment() {
        let c = ApiClient::new(&Url::parse("https://mfa.example.com/base").expect("url"), &ClientOptions::default())
            .expect("client");
        let url = c.url_with_id("v1/factors/totp/", "fac_1/../x", "verify").expect("url");
        assert_eq!(url.as_str(), "https://mfa.example.com/base/v1/factors/totp/fac_1%2F..%2Fx/verify");
    }

    #[tokio::test]
    async fn dead_port_is_unreachable_and_transient() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let c =
            ApiClient::new(&Url::parse(&format!("http://127.0.0.1:{port}")).expect("url"), &ClientOptions::default())
                .expect("client");
        let err = c.health().await.expect_err("nothing listens");
        assert!(matches!(err, ClientError::Unreachable { .. }), "{err:?}");
        assert!(err.is_transient());
        assert!(err.to_string().contains("cannot reach"), "{err}");
    }
}
