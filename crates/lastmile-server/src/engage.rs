//! Engagement: users with a gap are nudged through a webhook (a chat or mail bridge) with a
//! `lastmile://` link that opens the app at the step that closes the gap. A user with no
//! joined device gets a fresh single-use, expiring invite in the link; one who has a device
//! gets `lastmile://open?step=...`, which carries no secret. Each user is nudged at most once
//! per interval; a webhook that fails is tried again on the next run, and nothing is recorded
//! for a nudge that was not delivered.

use lastmile_core::clock::UnixMillis;
use lastmile_core::deep_link::{DeepLink, Step};
use lastmile_core::invite::{InviteCode, JoinInput};
use lastmile_core::policy::Gap;
use serde::Serialize;
use sqlx::AnyPool;

use crate::ServerError;
use crate::secrets::{hash_secret, new_invite_entropy};
use crate::store::engage::SentNudge;
use crate::store::{self, Org};

/// How long an invite sent in a nudge stays valid.
pub const NUDGE_INVITE_MS: i64 = 72 * 3_600_000;

/// The webhook's body format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// [`Nudge`] as JSON.
    Json,
    /// `{"text": "..."}`, which Slack's incoming webhooks (and Mattermost, Teams connectors...)
    /// take.
    Slack,
}

/// One nudge, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Nudge {
    pub organisation: String,
    pub email: String,
    pub name: String,
    /// What is missing, in words.
    pub gaps: Vec<String>,
    /// `remind`, `warn` or `block`, when enforcement has started.
    pub level: Option<String>,
    pub deadline_ms: Option<i64>,
    /// The step that closes the most important gap.
    pub step: String,
    /// Opens the app at that step (with a single-use invite when the user has no device).
    pub link: String,
    /// When the invite in the link expires, if there is one.
    pub invite_expires_at_ms: Option<i64>,
}

impl Nudge {
    fn text(&self) -> String {
        let push = match self.level.as_deref() {
            Some("block") => "Your access is blocked until this is done. ",
            Some("warn") => "Your access will be blocked soon. ",
            _ => "",
        };
        format!(
            "Hi {}, your {} account {}. {push}Open Lastmile to fix it in a minute: {}",
            self.name,
            self.organisation,
            self.gaps.join("; "),
            self.link
        )
    }
}

/// The step for a user's gaps (the most important first).
pub fn step_for(gaps: &[Gap]) -> Step {
    use lastmile_core::factor::Tier;
    for gap in gaps {
        match gap {
            Gap::Tier { need: Tier::PhishingResistant, .. } => return Step::SecurityKey,
            Gap::Tier { .. } => return Step::Totp,
            Gap::RecoveryCodes => return Step::RecoveryCodes,
            Gap::Factors { .. } => {}
        }
    }
    Step::Totp
}

/// Where and how to send.
#[derive(Debug, Clone)]
pub struct Webhook {
    url: url::Url,
    format: Format,
}

/// An HTTP client for webhooks: redirects are not followed (the configured URL is where
/// messages go, not wherever it points).
fn http_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_default()
}

/// Escapes what Slack's message markup reads as control characters (`<`, `>`, `&`), so
/// that text a user controls (a device's host name) cannot make a link or a mention.
pub fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

impl Webhook {
    /// A webhook at `url`: https, or http only to a loopback address (messages carry names
    /// and email addresses).
    pub fn new(url: url::Url, format: Format) -> Result<Webhook, ServerError> {
        if crate::urls::https_or_loopback(&url) {
            Ok(Webhook { url, format })
        } else {
            Err(ServerError::Invalid(format!("webhook {url}: use https (http only on a loopback address)")))
        }
    }

    /// Posts one JSON message; an answer other than 2xx (a redirect included) is an error.
    async fn post(&self, http: &reqwest::Client, body: &serde_json::Value) -> Result<(), String> {
        let answer = http
            .post(self.url.clone())
            .timeout(std::time::Duration::from_secs(10))
            .json(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        match answer.status() {
            s if s.is_success() => Ok(()),
            s => Err(format!("the webhook answered {s} (redirects are not followed)")),
        }
    }
}

/// Tells the user's other channels that someone signed in with one of their recovery codes
/// (if it was not them, they should call IT at once). Best effort, in the background: the
/// sign-in never waits for the webhook, and a failure is logged.
pub fn notify_recovery(webhook: &Webhook, org: &str, email: &str, name: &str, hostname: &str, at: UnixMillis) {
    let body = match webhook.format {
        Format::Json => serde_json::json!({
            "event": "recovery.signed_in", "organisation": org, "email": email, "name": name,
            "device": hostname, "at_ms": at.0,
        }),
        Format::Slack => serde_json::json!({ "text": slack_escape(&format!(
            "Hi {name}, someone signed in to your {org} account with one of your recovery codes, on a device \
             named {hostname}. If that was not you, tell your IT team now."
        ))}),
    };
    let webhook = webhook.clone();
    tokio::spawn(async move {
        if let Err(e) = webhook.post(&http_client(), &body).await {
            tracing::warn!(error = %e, "recovery notice not delivered");
        }
    });
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Outcome {
    pub sent: Vec<Nudge>,
    pub failed: Vec<String>,
}

/// Nudges up to `limit` users of `org` with a gap (none twice within `min_interval_ms`).
/// `server_url` goes into invite links. With `webhook` `None`, nothing is sent or recorded
/// (a dry run that shows what would go out, without invites).
pub async fn run(
    pool: &AnyPool,
    org: &Org,
    server_url: &url::Url,
    webhook: Option<&Webhook>,
    min_interval_ms: i64,
    limit: i64,
    now: UnixMillis,
) -> Result<Outcome, ServerError> {
    let (policies, http) = (org_levels(pool, org, now).await?, http_client());
    let mut outcome = Outcome::default();
    for user in store::engage::due(pool, org, now, min_interval_ms, limit).await? {
        let user_gaps: Vec<Gap> = serde_json::from_str(&user.gaps_json).unwrap_or_default();
        let step = step_for(&user_gaps);
        let (deadline, level) = policies.get(&user.user_id).cloned().unwrap_or_default();
        let gaps = if user_gaps.is_empty() {
            vec!["has no verified factor yet".to_string()]
        } else {
            user_gaps.iter().map(ToString::to_string).collect()
        };
        let mut nudge = Nudge {
            organisation: org.name.clone(),
            email: user.email.clone(),
            name: user.name.clone(),
            gaps,
            level,
            deadline_ms: deadline,
            step: step.wire().into(),
            link: DeepLink::Open { step }.to_link(),
            invite_expires_at_ms: None,
        };
        let Some(webhook) = webhook else {
            outcome.sent.push(nudge);
            continue;
        };
        // A user without a device needs an invite: made now, stored only if the nudge goes out.
        let invite = (!user.has_device).then(|| InviteCode::from_entropy(new_invite_entropy()));
        if let Some(code) = &invite {
            let input = JoinInput { code: code.clone(), server: Some(server_url.clone()) };
            nudge.link = DeepLink::Join { input, step: Some(step) }.to_link();
            nudge.invite_expires_at_ms = Some(now.0 + NUDGE_INVITE_MS);
        }
        let body = match webhook.format {
            Format::Json => {
                serde_json::to_value(&nudge).map_err(|e| ServerError::Internal(format!("nudge as JSON: {e}")))?
            }
            Format::Slack => serde_json::json!({ "text": slack_escape(&nudge.text()) }),
        };
        if let Err(e) = webhook.post(&http, &body).await {
            tracing::warn!(user = %user.user_id, error = %e, "nudge not delivered; tried again next run");
            outcome.failed.push(user.email);
            continue;
        }
        let invite_hash = invite.as_ref().map(|code| hash_secret(code.canonical()));
        let sent = SentNudge {
            user_id: &user.user_id,
            org_id: &org.id,
            step: step.wire(),
            invite_hash: invite_hash.as_deref(),
            invite_expires: UnixMillis(now.0 + NUDGE_INVITE_MS),
        };
        store::engage::record_nudge(pool, sent, now).await?;
        outcome.sent.push(nudge);
    }
    Ok(outcome)
}

/// Each user's (deadline, enforcement level now), from their group's policy.
async fn org_levels(
    pool: &AnyPool,
    org: &Org,
    now: UnixMillis,
) -> Result<std::collections::HashMap<String, (Option<i64>, Option<String>)>, ServerError> {
    let groups = store::policy::group_policies(pool, org).await?;
    Ok(store::engage::groups_of_unmet(pool, org)
        .await?
        .into_iter()
        .map(|(user, group)| {
            let policy = groups.iter().find(|(n, _)| *n == group).map(|(_, p)| p.clone()).unwrap_or_default();
            let level = policy.level_at(now).map(|l| format!("{l:?}").to_lowercase());
            (user, (policy.deadline_ms, level))
        })
        .collect())
}
