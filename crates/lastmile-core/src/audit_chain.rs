//! The audit log's hash chain, as pure functions: what an event's hash covers, and how a
//! sequence of stored events is checked. Storage is the server's; the format is defined
//! here so that an auditor's tool can recompute it from an export.

use sha2::{Digest, Sha256};

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one event that its hash covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link<'a> {
    pub seq: i64,
    pub at_ms: i64,
    pub org_id: &'a str,
    pub user_id: Option<&'a str>,
    pub device_id: Option<&'a str>,
    pub factor_id: Option<&'a str>,
    pub kind: &'a str,
    /// The event's details as stored (JSON text).
    pub detail: &'a str,
}

impl Link<'_> {
    /// SHA-256, hex, over the fields and the previous hash as one JSON array (so that no
    /// field can bleed into the next).
    pub fn hash(&self, prev_hash: &str) -> String {
        let canonical = serde_json::json!([
            self.seq,
            self.at_ms,
            self.org_id,
            self.user_id,
            self.device_id,
            self.factor_id,
            self.kind,
            self.detail,
            prev_hash
        ]);
        let digest = Sha256::digest(canonical.to_string().as_bytes());
        let mut hex = String::with_capacity(64);
        for b in digest {
            hex.push_str(&format!("{b:02x}"));
        }
        hex
    }
}

/// One stored event, as read back for checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLink<'a> {
    /// The row's id, to name it in a finding.
    pub row: i64,
    pub link: Link<'a>,
    pub prev_hash: Option<&'a str>,
    pub hash: Option<&'a str>,
}

/// The first event that does not fit, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BadEvent {
    /// The event's row id, when the problem is a row (not a missing one).
    pub id: Option<i64>,
    pub seq: i64,
    pub reason: String,
}

/// Checks events in `seq` order against the chain's head (the last seq and hash written):
/// returns how many events chain correctly and the first problem, if any. A changed,
/// removed, reordered or forged event is found, the newest included.
pub fn check<'a>(events: impl IntoIterator<Item = StoredLink<'a>>, head: (i64, &str)) -> (i64, Option<BadEvent>) {
    let mut prev = GENESIS.to_string();
    let mut expected = 1;
    for e in events {
        let seq = e.link.seq;
        if seq != expected {
            let reason = format!("event {expected} is missing (the next one is {seq})");
            return (expected - 1, Some(BadEvent { id: Some(e.row), seq: expected, reason }));
        }
        if e.prev_hash != Some(prev.as_str()) {
            let reason = "it does not follow the event before it (reordered or replaced)".to_string();
            return (expected - 1, Some(BadEvent { id: Some(e.row), seq, reason }));
        }
        let hash = e.link.hash(&prev);
        if e.hash != Some(hash.as_str()) {
            let reason = "its content was changed after it was written".to_string();
            return (expected - 1, Some(BadEvent { id: Some(e.row), seq, reason }));
        }
        prev = hash;
        expected += 1;
    }
    let checked = expected - 1;
    if head.0 != checked || head.1 != prev {
        let reason = format!("the log ends at event {checked}, but {} were written: the newest were removed", head.0);
        return (checked, Some(BadEvent { id: None, seq: checked + 1, reason }));
    }
    (checked, None)
}

/// A point of the chain vouched for outside the database: its head (the last seq and hash)
/// at a moment, signed with a key the database does not hold and written elsewhere (a file,
/// a webhook). Whoever can write the database can recompute the whole chain; they cannot
/// change what a checkpoint says, so a rewritten chain no longer has the checkpointed hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at_ms: i64,
}

impl Checkpoint {
    /// The bytes the signature covers (a label, so that no other signed message can pass
    /// for a checkpoint).
    pub fn message(&self) -> Vec<u8> {
        format!("lastmile-audit-checkpoint/v1\n{}\n{}\n{}", self.seq, self.hash, self.at_ms).into_bytes()
    }
}

/// Checks the chain's hashes (`hash_at(seq)`, from the stored events) against checkpoints
/// whose signatures were verified: every checkpointed event must still be there with the
/// checkpointed hash. The first that is not, as a finding.
pub fn check_checkpoints<'a>(hash_at: impl Fn(i64) -> Option<&'a str>, checkpoints: &[Checkpoint]) -> Option<BadEvent> {
    for c in checkpoints {
        match hash_at(c.seq) {
            Some(h) if h == c.hash => {}
            Some(_) => {
                return Some(BadEvent {
                    id: None,
                    seq: c.seq,
                    reason: format!(
                        "its hash differs from the checkpoint signed at {} ms: the chain was rewritten up to here",
                        c.at_ms
                    ),
                });
            }
            None if c.seq == 0 => {}
            None => {
                return Some(BadEvent {
                    id: None,
                    seq: c.seq,
                    reason: format!("it is missing, but the checkpoint signed at {} ms vouches for it", c.at_ms),
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(seq: i64, detail: &str) -> Link<'_> {
        Link {
            seq,
            at_ms: 5,
            org_id: "org_1",
            user_id: Some("usr_1"),
            device_id: None,
            factor_id: None,
            kind: "device.joined",
            detail,
        }
    }

    /// The hash covers the fields as a compact JSON array; the expected value is computed
    /// independently, so an auditor can recompute it the same way:
    /// `python3 -c 'import json,hashlib; print(hashlib.sha256(json.dumps([1,5,"org_1","usr_1",None,None,"device.joined","{\"a\":\"x\ny\"}","0"*64],separators=(",",":")).encode()).hexdigest())'`
    #[test]
    fn hash_is_sha256_of_the_compact_json_array() {
        assert_eq!(
            link(1, "{\"a\":\"x\ny\"}").hash(GENESIS),
            "2dfeae3b16debee196a829ef93e255bc7221b5e04ae88950fd8bc9551ba94444"
        );
    }

    #[test]
    fn check_finds_the_first_bad_event() {
        let h1 = link(1, "{}").hash(GENESIS);
        let h2 = link(2, "{}").hash(&h1);
        let ok = |seq, prev: &'static str, hash: &'static str| StoredLink {
            row: seq * 10,
            link: link(seq, "{}"),
            prev_hash: Some(prev),
            hash: Some(hash),
        };
        let (h1s, h2s): (&'static str, &'static str) = (h1.clone().leak(), h2.clone().leak());
        let good = vec![ok(1, GENESIS, h1s), ok(2, h1s, h2s)];
        assert_eq!(check(good.clone(), (2, h2s)), (2, None));
        // The newest removed.
        let (n, bad) = check(good[..1].to_vec(), (2, h2s));
        assert_eq!((n, bad.map(|b| (b.id, b.seq))), (1, Some((None, 2))));
        // A missing event in the middle.
        let (_, bad) = check(vec![good[1].clone()], (2, h2s));
        assert_eq!(bad.map(|b| (b.id, b.seq)), Some((Some(20), 1)));
        // Changed content.
        let mut changed = good.clone();
        changed[1].link.detail = "{\"x\":1}";
        let (n, bad) = check(changed, (2, h2s));
        assert_eq!((n, bad.map(|b| b.reason.contains("changed"))), (1, Some(true)));
        // Reordered: the second claims another predecessor.
        let mut reordered = good;
        reordered[1].prev_hash = Some(GENESIS);
        let (_, bad) = check(reordered, (2, h2s));
        assert!(bad.is_some_and(|b| b.reason.contains("reordered")));
    }

    #[test]
    fn checkpoints_catch_a_consistently_rewritten_chain() {
        let hashes = ["a".repeat(64), "b".repeat(64), "c".repeat(64)];
        let at = |seq: i64| usize::try_from(seq - 1).ok().and_then(|i| hashes.get(i)).map(String::as_str);
        let cp = |seq: i64, h: &str| Checkpoint { seq, hash: h.into(), at_ms: 7 };
        assert_eq!(check_checkpoints(at, &[cp(1, &hashes[0]), cp(3, &hashes[2])]), None);
        assert_eq!(check_checkpoints(at, &[cp(0, GENESIS)]), None, "a checkpoint of the empty log");
        let bad = check_checkpoints(at, &[cp(1, &hashes[0]), cp(2, &"f".repeat(64))]).expect("rewritten");
        assert_eq!(bad.seq, 2);
        assert!(bad.reason.contains("rewritten"), "{}", bad.reason);
        let gone = check_checkpoints(at, &[cp(4, &"d".repeat(64))]).expect("truncated");
        assert!(gone.reason.contains("missing"), "{}", gone.reason);
        assert_eq!(
            cp(5, "ab").message(),
            b"lastmile-audit-checkpoint/v1\n5\nab\n7".to_vec(),
            "the signed bytes are fixed: an auditor's tool signs and checks the same"
        );
    }
}
