//! Domain values turned into the API's wire types (pure; no database, no HTTP).

use lastmile_core::policy::{Compliance, Gap, Policy};
use lastmile_proto::api::ComplianceView;

/// The device-facing view of a user's standing under their group's policy.
pub fn compliance(group: Option<String>, policy: &Policy, c: &Compliance) -> ComplianceView {
    ComplianceView {
        met: c.met,
        ok: c.ok(),
        group,
        min_tier: policy.min_tier.wire().into(),
        min_factors: policy.min_factors,
        recovery_codes_required: policy.recovery_codes_required,
        gaps: c.gaps.iter().map(ToString::to_string).collect(),
        missing_tier: c.gaps.iter().find_map(|g| match g {
            Gap::Tier { need, .. } => Some(need.wire().to_string()),
            _ => None,
        }),
        missing_recovery_codes: c.gaps.contains(&Gap::RecoveryCodes),
        level: c.level.map(|l| format!("{l:?}").to_lowercase()),
        deadline_ms: policy.deadline_ms,
        excepted_until_ms: c.excepted_until_ms,
        allowed_key_models: policy.keys.allow_aaguids.clone(),
    }
}
