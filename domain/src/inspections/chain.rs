//! The tamper-evident log of draw events (全程留痕). Each entry's hash covers the previous
//! entry's hash, so editing, deleting or re-inserting any entry (a silent re-draw, say) breaks
//! every link after it, and anyone holding the published chain can see where.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::draw::hex;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainEntry {
    /// 1, 2, 3 … with no gaps.
    pub seq: i64,
    pub draw_id: i64,
    /// `announced`, `drawn`, `revealed`, `results_published`.
    pub kind: String,
    /// Unix seconds.
    pub at: i64,
    /// JSON describing the event (digests, values), never private data.
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

/// SHA-256 over the entry's fields, one per line, in this order.
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    draw_id: i64,
    kind: &str,
    at: i64,
    payload: &str,
) -> String {
    let text = format!("{prev_hash}\n{seq}\n{draw_id}\n{kind}\n{at}\n{payload}");
    hex(&Sha256::digest(text.as_bytes()))
}

impl ChainEntry {
    /// The next entry after `previous` (or the first).
    pub fn next(
        previous: Option<&ChainEntry>,
        draw_id: i64,
        kind: &str,
        at: i64,
        payload: String,
    ) -> ChainEntry {
        let (seq, prev_hash) =
            previous.map_or((1, GENESIS.to_string()), |p| (p.seq + 1, p.hash.clone()));
        let hash = entry_hash(&prev_hash, seq, draw_id, kind, at, &payload);
        ChainEntry {
            seq,
            draw_id,
            kind: kind.into(),
            at,
            payload,
            prev_hash,
            hash,
        }
    }
}

/// Where and why a chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("第 {seq} 条记录：{reason}")]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

/// Checks a whole chain from its first entry.
pub fn verify_chain(entries: &[ChainEntry]) -> Result<(), ChainBreak> {
    let mut prev_hash = GENESIS.to_string();
    for (index, entry) in entries.iter().enumerate() {
        let expected_seq = index as i64 + 1;
        if entry.seq != expected_seq {
            return Err(ChainBreak {
                seq: entry.seq,
                reason: format!("序号应为 {expected_seq}，记录缺失或被插入"),
            });
        }
        if entry.prev_hash != prev_hash {
            return Err(ChainBreak {
                seq: entry.seq,
                reason: "与上一条记录的摘要不衔接".into(),
            });
        }
        let hash = entry_hash(
            &entry.prev_hash,
            entry.seq,
            entry.draw_id,
            &entry.kind,
            entry.at,
            &entry.payload,
        );
        if hash != entry.hash {
            return Err(ChainBreak {
                seq: entry.seq,
                reason: "记录内容与其摘要不符，已被改动".into(),
            });
        }
        prev_hash = hash;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain() -> Vec<ChainEntry> {
        let mut entries: Vec<ChainEntry> = Vec::new();
        for (draw, kind) in [
            (1, "announced"),
            (1, "drawn"),
            (2, "announced"),
            (1, "revealed"),
        ] {
            let entry = ChainEntry::next(entries.last(), draw, kind, 1_790_000_000, "{}".into());
            entries.push(entry);
        }
        entries
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify_chain(&chain()), Ok(()));
    }

    #[test]
    fn an_edited_entry_breaks_the_chain_there() {
        let mut entries = chain();
        entries[1].payload = r#"{"redrawn":true}"#.into();
        assert_eq!(verify_chain(&entries).unwrap_err().seq, 2);
    }

    #[test]
    fn a_rewritten_entry_breaks_the_next_link() {
        let mut entries = chain();
        let forged = ChainEntry::next(Some(&entries[0]), 1, "drawn", 1_790_000_001, "{}".into());
        entries[1] = forged;
        assert_eq!(verify_chain(&entries).unwrap_err().seq, 3);
    }

    #[test]
    fn a_deleted_entry_is_seen() {
        let mut entries = chain();
        entries.remove(1);
        assert_eq!(verify_chain(&entries).unwrap_err().seq, 3);
    }
}
