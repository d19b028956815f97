//! The audit log, read back: the chain checked ([`verify`]), events listed and exported.
//! Events are appended by the store ([`crate::store::audit`]) in the transaction of the
//! change they record; the chain's format is [`lastmile_core::audit_chain`].

use lastmile_core::audit_chain::{self, BadEvent, StoredLink};

use crate::ServerError;
pub use crate::store::audit::{Stored, list, range};

/// What checking the chain found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainReport {
    /// Chained events checked.
    pub events: i64,
    /// Events from before the chain existed (no seq).
    pub unchained: i64,
    /// The first event that does not fit, and why; `None` when the log is intact.
    pub first_bad: Option<BadEvent>,
    /// Signed checkpoints the chain was checked against.
    pub checkpoints: usize,
}

/// Walks the chain from the first event and recomputes every hash.
pub async fn verify(pool: &sqlx::AnyPool) -> Result<ChainReport, ServerError> {
    Ok(verify_rows(&crate::store::audit::chain(pool).await?))
}

fn verify_rows(rows: &crate::store::audit::ChainRows) -> ChainReport {
    let links = rows.events.iter().filter_map(|(e, detail)| {
        Some(StoredLink {
            row: e.id,
            link: e.link(detail)?,
            prev_hash: e.prev_hash.as_deref(),
            hash: e.hash.as_deref(),
        })
    });
    let (events, first_bad) = audit_chain::check(links, (rows.head.0, &rows.head.1));
    ChainReport { events, unchained: rows.unchained, first_bad, checkpoints: 0 }
}

/// [`verify`], and then the chain against signed checkpoints kept outside the database: each
/// must be signed by `verifier`'s key (an altered checkpoint file is a finding), and each
/// checkpointed event must still have its checkpointed hash, which a chain rewritten from
/// the start (consistent in itself) does not.
pub async fn verify_with_checkpoints(
    pool: &sqlx::AnyPool,
    checkpoints: &[crate::checkpoint::SignedCheckpoint],
    verifier: &crate::checkpoint::CheckpointVerifier,
) -> Result<ChainReport, ServerError> {
    let rows = crate::store::audit::chain(pool).await?;
    let mut report = verify_rows(&rows);
    report.checkpoints = checkpoints.len();
    if report.first_bad.is_some() {
        return Ok(report);
    }
    if let Some((n, c)) = checkpoints.iter().enumerate().find(|(_, c)| !verifier.verifies(c)) {
        report.first_bad = Some(BadEvent {
            id: None,
            seq: c.checkpoint.seq,
            reason: format!("checkpoint {} is not signed by the checkpoint key: the file was altered", n + 1),
        });
        return Ok(report);
    }
    let hashes: std::collections::HashMap<i64, &str> =
        rows.events.iter().filter_map(|(e, _)| Some((e.seq?, e.hash.as_deref()?))).collect();
    let signed: Vec<audit_chain::Checkpoint> = checkpoints.iter().map(|c| c.checkpoint.clone()).collect();
    report.first_bad = audit_chain::check_checkpoints(|seq| hashes.get(&seq).copied(), &signed);
    Ok(report)
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
