//! Answers that are expensive to compute and safe to keep, remembered per server process.
//!
//! The page cache only helps anonymous visitors of an unchanged address; anyone can skip it
//! with `?r=random`. So the paths whose work grows with the data remember their answer here,
//! keyed by what the answer depends on: a leaderboard for a few seconds, a revealed draw for as
//! long as its status (and results) stay the same.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

/// One remembered value, with what it weighs and when it was last asked for.
struct Entry<V> {
    stored_at: Instant,
    last_used: u64,
    weight: usize,
    value: V,
}

struct Entries<K, V> {
    map: HashMap<K, Entry<V>>,
    /// Sum of the entries' weights.
    weight: usize,
    /// Ticks once per use: the least recently used entry has the smallest `last_used`.
    clock: u64,
}

/// How often a memo answered and how often its value had to be computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoStats {
    pub hits: u64,
    /// Values stored: each one was computed (decoded, serialized, compressed) once.
    pub stored: u64,
}

/// A map of remembered values bounded by their total weight (bytes, or a count), each valid
/// for `lifetime`; when full, the least recently used go first.
pub struct Memo<K, V> {
    lifetime: Option<Duration>,
    budget: usize,
    weigh: fn(&V) -> usize,
    entries: Mutex<Entries<K, V>>,
    hits: AtomicU64,
    stored: AtomicU64,
}

impl<K: Eq + Hash + Clone, V: Clone> Memo<K, V> {
    /// At most `capacity` values, kept for `lifetime` (`None`: as long as there is room).
    pub fn new(lifetime: Option<Duration>, capacity: usize) -> Self {
        Self::weighed(lifetime, capacity, |_| 1)
    }

    /// Values weighing at most `budget` together, as `weigh` tells (a value heavier than the
    /// whole budget is not kept).
    pub fn weighed(lifetime: Option<Duration>, budget: usize, weigh: fn(&V) -> usize) -> Self {
        Self {
            lifetime,
            budget: budget.max(1),
            weigh,
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                weight: 0,
                clock: 0,
            }),
            hits: AtomicU64::new(0),
            stored: AtomicU64::new(0),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        self.get_if(key, |_| true)
    }

    /// The value kept for `key` if `current` says it still holds (a draw's kept version is
    /// the one asked for); a value that does not is as good as absent.
    pub fn get_if(&self, key: &K, current: impl Fn(&V) -> bool) -> Option<V> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.clock += 1;
        let now = entries.clock;
        let entry = entries.map.get_mut(key).filter(|entry| {
            self.lifetime
                .is_none_or(|life| entry.stored_at.elapsed() < life)
                && current(&entry.value)
        })?;
        entry.last_used = now;
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(entry.value.clone())
    }

    pub fn put(&self, key: K, value: V) {
        self.stored.fetch_add(1, Ordering::Relaxed);
        let weight = (self.weigh)(&value);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = entries.map.remove(&key) {
            entries.weight -= old.weight;
        }
        if weight > self.budget {
            return;
        }
        while entries.weight + weight > self.budget {
            let Some(coldest) = entries
                .map
                .iter()
                .min_by_key(|(_, entry)| entry.last_used)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            if let Some(gone) = entries.map.remove(&coldest) {
                entries.weight -= gone.weight;
            }
        }
        entries.clock += 1;
        let last_used = entries.clock;
        entries.weight += weight;
        entries.map.insert(
            key,
            Entry {
                stored_at: Instant::now(),
                last_used,
                weight,
                value,
            },
        );
    }

    /// Hits and stored values since start (what tests and operators check the memo by).
    pub fn stats(&self) -> MemoStats {
        MemoStats {
            hits: self.hits.load(Ordering::Relaxed),
            stored: self.stored.load(Ordering::Relaxed),
        }
    }
}

/// What a draw's public content depends on: its id, status and results' publication time.
pub type DrawKey = (i64, String, Option<i64>);

/// A decoded draw, the version it was decoded at, and roughly what it holds in memory.
#[derive(Clone)]
pub struct WeighedDraw {
    pub version: DrawKey,
    pub draw: Arc<crate::inspections::store::StoredDraw>,
    /// Bytes of the stored JSON it was decoded from, twice over: decoded strings and vectors
    /// take about as much again as their text.
    pub bytes: usize,
}

/// A draw's open-data record, serialized and compressed once, shared by every response.
#[derive(Clone, Debug)]
pub struct PreparedRecord {
    /// The version of the draw it was prepared from.
    pub version: DrawKey,
    pub identity: Arc<[u8]>,
    pub gzip: Option<Arc<[u8]>>,
    pub brotli: Option<Arc<[u8]>>,
}

impl PreparedRecord {
    fn bytes(&self) -> usize {
        self.identity.len()
            + self.gzip.as_ref().map_or(0, |b| b.len())
            + self.brotli.as_ref().map_or(0, |b| b.len())
    }
}

/// The memos of one running portal, given to server functions through context.
pub struct Memos {
    /// Leaderboards, recomputed at most every few seconds per contest.
    pub leaderboards: Memo<i64, crate::contest::Leaderboard>,
    /// Draws by id with their decoded snapshot (up to 25 MB of JSON for 100,000 enterprises),
    /// by weight: a small bureau's every draw fits, a large registry's recent ones. A new
    /// version of a draw replaces the old one.
    pub draws: Memo<i64, WeighedDraw>,
    /// The open-data record of a draw by id, serialized and compressed.
    pub records: Memo<i64, Arc<PreparedRecord>>,
    /// The question bank and the contests' terms, until the next staff change.
    pub catalog: crate::contest::catalog::Catalog,
    /// Held while a draw is decoded or a record prepared (megabytes of work each): a crowd
    /// asking at once for a draw not kept yet waits for one decoding instead of doing a
    /// hundred side by side. Answers already kept never wait for it.
    pub loading: tokio::sync::Mutex<()>,
}

/// How long a leaderboard is kept.
pub const LEADERBOARD_SECS: u64 = 5;

/// Default memory for draws and records (`AQXC_MEMO_MB`): every draw of a registry of a few
/// thousand enterprises, and the last dozen of one of 100,000.
pub const DEFAULT_MEMO_MB: usize = 512;

impl Default for Memos {
    fn default() -> Self {
        Self::new(DEFAULT_MEMO_MB * 1024 * 1024)
    }
}

impl Memos {
    /// Memos holding at most about `bytes` of draws and records: three quarters for decoded
    /// draws, the rest for their prepared records.
    pub fn new(bytes: usize) -> Self {
        Self {
            leaderboards: Memo::new(Some(Duration::from_secs(LEADERBOARD_SECS)), 256),
            draws: Memo::weighed(None, bytes / 4 * 3, |d| d.bytes),
            records: Memo::weighed(None, bytes / 4, |r| r.bytes()),
            catalog: Default::default(),
            loading: tokio::sync::Mutex::new(()),
        }
    }

    /// After a staff change: forget what staff can change (draw memos are keyed by what their
    /// content depends on, and stay).
    pub fn forget_staff_data(&self) {
        self.catalog.forget();
    }
}

/// The memos of the running portal.
pub fn memos() -> Result<Arc<Memos>, crate::foundation::error::AppError> {
    leptos::prelude::use_context::<Arc<Memos>>()
        .ok_or_else(|| crate::foundation::error::AppError::internal("no memos in context"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_kept_for_its_lifetime_and_the_least_recently_used_goes_when_full() {
        let memo = Memo::new(None, 2);
        memo.put(1, "a");
        memo.put(2, "b");
        assert_eq!(memo.get(&1), Some("a"));
        memo.put(3, "c");
        assert_eq!(memo.get(&2), None, "2 was used least recently");
        assert_eq!((memo.get(&1), memo.get(&3)), (Some("a"), Some("c")));
        let brief = Memo::new(Some(Duration::ZERO), 2);
        brief.put(1, "a");
        assert_eq!(brief.get(&1), None);
    }

    #[test]
    fn a_weighed_memo_keeps_what_fits_its_budget_and_counts_its_work() {
        let memo: Memo<i32, Vec<u8>> = Memo::weighed(None, 10, Vec::len);
        memo.put(1, vec![0; 4]);
        memo.put(2, vec![0; 4]);
        memo.put(3, vec![0; 11]);
        assert_eq!(memo.get(&3), None, "heavier than the whole budget");
        memo.put(4, vec![0; 6]);
        assert_eq!(memo.get(&1), None);
        assert!(memo.get(&2).is_some() && memo.get(&4).is_some());
        assert_eq!(memo.stats(), MemoStats { hits: 2, stored: 4 });
    }

    #[test]
    fn a_kept_value_of_another_version_is_a_miss_and_its_replacement_takes_its_place() {
        let memo: Memo<i64, (u32, &str)> = Memo::new(None, 4);
        memo.put(1, (1, "drawn"));
        assert_eq!(memo.get_if(&1, |(v, _)| *v == 2), None);
        memo.put(1, (2, "revealed"));
        assert_eq!(memo.get_if(&1, |(v, _)| *v == 2), Some((2, "revealed")));
        assert_eq!(memo.stats(), MemoStats { hits: 1, stored: 2 });
    }
}
