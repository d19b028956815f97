//! The audit log: every change of a user's factors and devices, appended in the same
//! transaction as the change. Events name ids, never secrets. The log is a hash chain:
//! each event's hash covers its fields and the previous event's hash, and the chain's head
//! (last seq and hash) is kept apart, so that changing, removing or reordering any event,
//! the newest included, is found by [`verify`].

use lastmile_core::clock::UnixMillis;

use crate::ServerError;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    DeviceJoined,
    DeviceRevoked,
    FactorVerified,
    FactorRevoked,
    RecoveryCodesIssued,
    RecoverySignIn,
    RecoverySignInResumed,
    RecoverySignInRefused,
    RecoveryLockedOut,
    RecoverySessionEnded,
    /// A device's report was refused: a bad signature, a replay, a reused id.
    ReportRefused,
    /// An administrator excused a user from the policy until a date.
    ExceptionGranted,
    /// A user moved to another policy group.
    GroupChanged,
    /// A user with a gap was sent a nudge (engagement webhook).
    Nudged,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::DeviceJoined => "device.joined",
            Kind::DeviceRevoked => "device.revoked",
            Kind::FactorVerified => "factor.verified",
            Kind::FactorRevoked => "factor.revoked",
            Kind::RecoveryCodesIssued => "recovery_codes.issued",
            Kind::RecoverySignIn => "recovery.signed_in",
            Kind::RecoverySignInResumed => "recovery.sign_in_resumed",
            Kind::RecoverySignInRefused => "recovery.sign_in_refused",
            Kind::RecoveryLockedOut => "recovery.locked_out",
            Kind::RecoverySessionEnded => "recovery.session_ended",
            Kind::ReportRefused => "report.refused",
            Kind::ExceptionGranted => "policy.exception_granted",
            Kind::GroupChanged => "policy.group_changed",
            Kind::Nudged => "engagement.nudged",
        }
    }
}

/// One event about a user. The organisation is looked up from the user in the same statement.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub at: UnixMillis,
    pub user_id: &'a str,
    /// The device that made the change (or the device changed, for device events).
    pub device_id: Option<&'a str>,
    pub factor_id: Option<&'a str>,
    pub kind: Kind,
    /// Extra facts as JSON (`{}` when none).
    pub detail: serde_json::Value,
}

impl<'a> Event<'a> {
    /// An event about a user alone (no device, no factor): policy, exceptions, nudges.
    pub fn about_user(at: UnixMillis, user_id: &'a str, kind: Kind, detail: serde_json::Value) -> Event<'a> {
        Event { at, user_id, device_id: None, factor_id: None, kind, detail }
    }
}

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of one event: SHA-256 over its fields and the previous hash, as a JSON array
/// (so that no field can bleed into the next), hex.
#[allow(clippy::too_many_arguments)]
pub fn chain_hash(
    seq: i64,
    at_ms: i64,
    org_id: &str,
    user_id: Option<&str>,
    device_id: Option<&str>,
    factor_id: Option<&str>,
    kind: &str,
    detail: &str,
    prev_hash: &str,
) -> String {
    let canonical = serde_json::json!([seq, at_ms, org_id, user_id, device_id, factor_id, kind, detail, prev_hash]);
    crate::secrets::hash_secret(&canonical.to_string())
}

/// Appends an event inside the transaction that makes the change it records. The chain's
/// head row is updated first, which serialises writers on it (a row lock on PostgreSQL,
/// the write lock on SQLite), so two events can never take the same place.
pub async fn record(tx: &mut crate::store::WriteTx, ev: &Event<'_>) -> Result<(), ServerError> {
    use sqlx::Row;
    let conn = &mut ***tx;
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let (seq, prev): (i64, String) = (head.get(0), head.get(1));
    let org_id: String = sqlx::query("SELECT org_id FROM users WHERE id = $1")
        .bind(ev.user_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| ServerError::Corrupt(format!("audit event for unknown user {}", ev.user_id)))?
        .get(0);
    let detail = ev.detail.to_string();
    let hash = chain_hash(
        seq,
        ev.at.0,
        &org_id,
        Some(ev.user_id),
        ev.device_id,
        ev.factor_id,
        ev.kind.as_str(),
        &detail,
        &prev,
    );
    sqlx::query(
        "INSERT INTO audit_events (at_ms, org_id, user_id, device_id, factor_id, kind, detail, seq, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(ev.at.0)
    .bind(&org_id)
    .bind(ev.user_id)
    .bind(ev.device_id)
    .bind(ev.factor_id)
    .bind(ev.kind.as_str())
    .bind(&detail)
    .bind(seq)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *conn).await?;
    // Every change of a user's factors is an event recorded here, in the transaction that
    // makes it: the natural place to keep the user's compliance row current.
    if matches!(ev.kind, Kind::FactorVerified | Kind::FactorRevoked) {
        crate::compliance::refresh(conn, ev.user_id, ev.at).await?;
    }
    Ok(())
}

/// Appends an event that goes with no other change (a refused sign-in, a lockout).
pub async fn record_alone(pool: &sqlx::AnyPool, ev: &Event<'_>) -> Result<(), ServerError> {
    let mut tx = crate::store::begin_write(pool).await?;
    record(&mut tx, ev).await?;
    tx.commit().await
}

/// What checking the chain found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainReport {
    /// Chained events checked.
    pub events: i64,
    /// Events from before the chain existed (no seq).
    pub unchained: i64,
    /// The first event that does not fit, and why; `None` when the log is intact.
    pub first_bad: Option<BadEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BadEvent {
    /// The event's row id, when the problem is a row (not a missing one).
    pub id: Option<i64>,
    pub seq: i64,
    pub reason: String,
}

/// Walks the chain from the first event and recomputes every hash.
pub async fn verify(pool: &sqlx::AnyPool) -> Result<ChainReport, ServerError> {
    use sqlx::Row;
    let unchained: i64 =
        sqlx::query("SELECT COUNT(*) FROM audit_events WHERE seq IS NULL").fetch_one(pool).await?.get(0);
    let rows = sqlx::query(
        "SELECT id, seq, at_ms, org_id, user_id, device_id, factor_id, kind, detail, prev_hash, hash \
         FROM audit_events WHERE seq IS NOT NULL ORDER BY seq",
    )
    .fetch_all(pool)
    .await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(pool).await?;
    let (head_seq, head_hash): (i64, String) = (head.get(0), head.get(1));
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    let bad = |id: Option<i64>, seq: i64, reason: String| Some(BadEvent { id, seq, reason });
    let mut first_bad = None;
    for r in &rows {
        let (id, seq): (i64, i64) = (r.get(0), r.get(1));
        let stored_prev: Option<String> = r.get(9);
        let stored_hash: Option<String> = r.get(10);
        if seq != expected_seq {
            first_bad = bad(Some(id), expected_seq, format!("event {expected_seq} is missing (the next one is {seq})"));
            break;
        }
        let detail: String = r.get(8);
        let hash = chain_hash(
            seq,
            r.get(2),
            &r.get::<String, _>(3),
            r.get::<Option<String>, _>(4).as_deref(),
            r.get::<Option<String>, _>(5).as_deref(),
            r.get::<Option<String>, _>(6).as_deref(),
            &r.get::<String, _>(7),
            &detail,
            &prev,
        );
        if stored_prev.as_deref() != Some(prev.as_str()) {
            first_bad = bad(Some(id), seq, "it does not follow the event before it (reordered or replaced)".into());
            break;
        }
        if stored_hash.as_deref() != Some(hash.as_str()) {
            first_bad = bad(Some(id), seq, "its content was changed after it was written".into());
            break;
        }
        prev = hash;
        expected_seq += 1;
    }
    let checked = expected_seq - 1;
    if first_bad.is_none() && (head_seq != checked || head_hash != prev) {
        first_bad = bad(
            None,
            checked + 1,
            format!("the log ends at event {checked}, but {head_seq} were written: the newest were removed"),
        );
    }
    Ok(ChainReport { events: checked, unchained, first_bad })
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    pub id: i64,
    /// Place in the hash chain (`None` for events from before the chain).
    pub seq: Option<i64>,
    pub at_ms: i64,
    pub org_id: String,
    pub user_id: Option<String>,
    pub device_id: Option<String>,
    pub factor_id: Option<String>,
    pub kind: String,
    pub detail: serde_json::Value,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

/// A user's events in order (all events when `user_id` is `None`).
pub async fn list(pool: &sqlx::AnyPool, user_id: Option<&str>) -> Result<Vec<Stored>, ServerError> {
    let rows = sqlx::query(
        "SELECT id, at_ms, org_id, user_id, device_id, factor_id, kind, detail, seq, prev_hash, hash \
         FROM audit_events WHERE ($1 IS NULL OR user_id = $1) ORDER BY seq, id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(stored).collect()
}

/// Events with `from_ms <= at_ms < to_ms`, in chain order (for export).
pub async fn range(pool: &sqlx::AnyPool, from_ms: i64, to_ms: i64) -> Result<Vec<Stored>, ServerError> {
    let rows = sqlx::query(
        "SELECT id, at_ms, org_id, user_id, device_id, factor_id, kind, detail, seq, prev_hash, hash \
         FROM audit_events WHERE at_ms >= $1 AND at_ms < $2 ORDER BY seq, id",
    )
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(stored).collect()
}

fn stored(r: sqlx::any::AnyRow) -> Result<Stored, ServerError> {
    use sqlx::Row;
    let detail: String = r.get(7);
    Ok(Stored {
        id: r.get(0),
        seq: r.get(8),
        at_ms: r.get(1),
        org_id: r.get(2),
        user_id: r.get(3),
        device_id: r.get(4),
        factor_id: r.get(5),
        kind: r.get(6),
        detail: serde_json::from_str(&detail).map_err(|e| ServerError::Corrupt(format!("audit event detail: {e}")))?,
        prev_hash: r.get(9),
        hash: r.get(10),
    })
}

/// Writes events as CSV (one row per event; `detail` as JSON text).
pub fn write_csv(events: &[Stored], out: impl std::io::Write) -> Result<(), ServerError> {
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| ServerError::Invalid(format!("writing CSV: {e}"));
    w.write_record([
        "seq",
        "at_ms",
        "org_id",
        "user_id",
        "device_id",
        "factor_id",
        "kind",
        "detail",
        "prev_hash",
        "hash",
    ])
    .map_err(io)?;
    for e in events {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        w.write_record([
            e.seq.map(|s| s.to_string()).unwrap_or_default(),
            e.at_ms.to_string(),
            e.org_id.clone(),
            opt(&e.user_id),
            opt(&e.device_id),
            opt(&e.factor_id),
            e.kind.clone(),
            e.detail.to_string(),
            opt(&e.prev_hash),
            opt(&e.hash),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(|e| ServerError::Invalid(format!("writing CSV: {e}")))
}

/// Unix ms from `YYYY-MM-DD` (midnight UTC) or from Unix ms as digits.
pub fn parse_day(s: &str) -> Result<i64, ServerError> {
    let bad = || ServerError::Invalid(format!("{s:?} is not a date (YYYY-MM-DD, UTC) or Unix milliseconds"));
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().map_err(|_| bad());
    }
    let mut parts = s.splitn(3, '-').map(|p| p.parse::<i64>());
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    // Days from the civil date (proleptic Gregorian), after H. Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * 86_400_000)
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_parse_to_midnight_utc() {
        for (s, ms) in [
            ("1970-01-01", 0),
            ("2026-11-23", 1_795_392_000_000),
            ("2000-02-29", 951_782_400_000),
            ("1790000000123", 1_790_000_000_123),
        ] {
            assert_eq!(super::parse_day(s).expect(s), ms, "{s}");
        }
        for bad in ["", "2026-13-01", "yesterday", "2026-11"] {
            assert!(super::parse_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn csv_quotes_json_details() {
        let e = super::Stored {
            id: 1,
            seq: Some(1),
            at_ms: 5,
            org_id: "org_1".into(),
            user_id: Some("usr_1".into()),
            device_id: None,
            factor_id: None,
            kind: "device.joined".into(),
            detail: serde_json::json!({"hostname": "a,b", "via": "invite"}),
            prev_hash: Some("00".into()),
            hash: Some("ff".into()),
        };
        let mut out = Vec::new();
        super::write_csv(&[e], &mut out).expect("csv");
        let text = String::from_utf8(out).expect("utf8");
        assert_eq!(
            text.lines().nth(1),
            Some(r#"1,5,org_1,usr_1,,,device.joined,"{""hostname"":""a,b"",""via"":""invite""}",00,ff"#)
        );
    }
}
