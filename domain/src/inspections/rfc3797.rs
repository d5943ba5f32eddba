//! Publicly verifiable random selection, exactly as RFC 3797 (section 4 and its reference code)
//! describes it:
//!
//! * **Key.** Each public source gives one or more non-negative integers. Within a source the
//!   numbers are sorted ascending and each is written in decimal followed by `.`; each source
//!   ends with `/`. The sources stay in the order they were announced.
//!   Example: `9319./2.5.8.10.12./9.18.26.34.41.45./`.
//! * **Draw.** For the i-th pick (i = 0, 1, …) the MD5 digest of `[i_hi, i_lo] ‖ key ‖ [i_hi, i_lo]`
//!   (i as two big-endian bytes, before and after the key) is read as a 128-bit big-endian
//!   unsigned integer and reduced modulo the number of items still in the pool. The remainder r
//!   selects the (r+1)-th remaining item in pool order, which is then removed.

use md5::{Digest, Md5};

/// The most picks one key can give: the counter is two bytes.
pub const MAX_PICKS: usize = 1 << 16;

/// Why public values cannot make a key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValuesError {
    #[error("没有公开随机数来源：至少需要一个")]
    NoSources,
    #[error("第 {source_number} 个随机数来源是空的：请填写开奖号码，用逗号分隔")]
    EmptySource { source_number: usize },
    #[error("第 {source_number} 个随机数来源中的“{value}”不是非负整数：只能填写数字，用逗号分隔")]
    NotANumber { source_number: usize, value: String },
}

/// Parses one source written as numbers separated by commas (ASCII or Chinese) or spaces.
pub fn parse_source(text: &str, source_number: usize) -> Result<Vec<u64>, ValuesError> {
    let numbers: Vec<&str> = text
        .split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .collect();
    if numbers.is_empty() {
        return Err(ValuesError::EmptySource { source_number });
    }
    numbers
        .into_iter()
        .map(|value| {
            value
                .parse::<u64>()
                .ok()
                .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| ValuesError::NotANumber {
                    source_number,
                    value: value.to_string(),
                })
        })
        .collect()
}

/// The key string built from the sources in their announced order.
pub fn key(sources: &[Vec<u64>]) -> Result<String, ValuesError> {
    if sources.is_empty() {
        return Err(ValuesError::NoSources);
    }
    let mut key = String::new();
    for (index, source) in sources.iter().enumerate() {
        if source.is_empty() {
            return Err(ValuesError::EmptySource {
                source_number: index + 1,
            });
        }
        let mut sorted = source.clone();
        sorted.sort_unstable();
        for number in sorted {
            key.push_str(&number.to_string());
            key.push('.');
        }
        key.push('/');
    }
    Ok(key)
}

/// The MD5 digest for pick number `counter`.
pub fn digest(key: &str, counter: u16) -> [u8; 16] {
    let wrap = counter.to_be_bytes();
    let mut hasher = Md5::new();
    hasher.update(wrap);
    hasher.update(key.as_bytes());
    hasher.update(wrap);
    hasher.finalize().into()
}

/// One step of a selection, with everything a person needs to check it by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The counter wrapped around the key (0-based).
    pub counter: u16,
    /// The MD5 digest, upper-case hex as in the RFC's tables.
    pub md5_hex: String,
    /// How many items were left to choose from.
    pub remaining: usize,
    /// 0-based index among the remaining items (the remainder).
    pub remainder: usize,
}

/// A stream of picks from one key, its counter running on across calls so that several pools
/// (strata, then teams) draw from one sequence.
pub struct Stream<'k> {
    key: &'k str,
    next_counter: usize,
}

/// The key has given all the picks its two-byte counter allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("一次抽取最多 65536 次，这次需要更多：请缩小范围或分成几次任务")]
pub struct StreamExhausted;

impl<'k> Stream<'k> {
    pub fn new(key: &'k str) -> Stream<'k> {
        Stream {
            key,
            next_counter: 0,
        }
    }

    /// The next step over a pool of `remaining` items (at least one).
    pub fn next_step(&mut self, remaining: usize) -> Result<Step, StreamExhausted> {
        debug_assert!(remaining > 0);
        let counter = u16::try_from(self.next_counter).map_err(|_| StreamExhausted)?;
        self.next_counter += 1;
        let digest = digest(self.key, counter);
        let remainder = (u128::from_be_bytes(digest) % remaining as u128) as usize;
        Ok(Step {
            counter,
            md5_hex: hex_upper(&digest),
            remaining,
            remainder,
        })
    }

    /// Picks `count` items from `pool` (in pool order), removing each as it is picked.
    /// Returns the picked items in the order drawn, with their steps.
    pub fn select<T: Clone>(
        &mut self,
        pool: &mut Vec<T>,
        count: usize,
    ) -> Result<Vec<(T, Step)>, StreamExhausted> {
        let mut picked = Vec::with_capacity(count);
        for _ in 0..count.min(pool.len()) {
            let step = self.next_step(pool.len())?;
            picked.push((pool.remove(step.remainder), step));
        }
        Ok(picked)
    }
}

/// The bare RFC selection: 1-based positions in a pool of `pool` items.
pub fn select_positions(
    sources: &[Vec<u64>],
    pool: usize,
    pick: usize,
) -> Result<Vec<usize>, SelectError> {
    if pick > pool {
        return Err(SelectError::PickMoreThanPool { pool, pick });
    }
    let key = key(sources)?;
    let mut items: Vec<usize> = (1..=pool).collect();
    let picked = Stream::new(&key).select(&mut items, pick)?;
    Ok(picked.into_iter().map(|(position, _)| position).collect())
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SelectError {
    #[error(transparent)]
    Values(#[from] ValuesError),
    #[error(transparent)]
    Exhausted(#[from] StreamExhausted),
    #[error("要抽取 {pick} 个，但池中只有 {pool} 个")]
    PickMoreThanPool { pool: usize, pick: usize },
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3797 section 6: the sources, the key and the first selections as the RFC prints them.
    fn rfc_sources() -> Vec<Vec<u64>> {
        vec![
            vec![9319],
            vec![2, 5, 12, 8, 10],
            vec![9, 18, 26, 34, 41, 45],
        ]
    }

    #[test]
    fn key_is_formed_as_the_rfc_says() {
        assert_eq!(
            key(&rfc_sources()).unwrap(),
            "9319./2.5.8.10.12./9.18.26.34.41.45./"
        );
    }

    #[test]
    fn reproduces_the_rfc_worked_example() {
        assert_eq!(
            select_positions(&rfc_sources(), 25, 10).unwrap(),
            vec![17, 7, 2, 16, 25, 23, 8, 24, 19, 13]
        );
    }

    #[test]
    fn digests_match_the_rfc_table() {
        let key = key(&rfc_sources()).unwrap();
        let mut stream = Stream::new(&key);
        let first = stream.next_step(25).unwrap();
        assert_eq!(first.md5_hex, "990DD0A5692A029A98B5E01AA28F3459");
        assert_eq!(first.remainder + 1, 17);
        let second = stream.next_step(24).unwrap();
        assert_eq!(second.md5_hex, "3691E55CB63FCC37914430B2F70B5EC6");
    }

    #[test]
    fn values_are_parsed_with_clear_errors() {
        assert_eq!(parse_source("2, 5，12 8", 1).unwrap(), vec![2, 5, 12, 8]);
        assert_eq!(
            parse_source("  ", 2),
            Err(ValuesError::EmptySource { source_number: 2 })
        );
        assert_eq!(
            parse_source("3,x7", 1),
            Err(ValuesError::NotANumber {
                source_number: 1,
                value: "x7".into()
            })
        );
        assert!(parse_source("-3", 1).is_err());
        assert!(parse_source("+3", 1).is_err());
        assert_eq!(key(&[]), Err(ValuesError::NoSources));
    }

    #[test]
    fn cannot_pick_more_than_the_pool() {
        assert_eq!(
            select_positions(&rfc_sources(), 3, 4),
            Err(SelectError::PickMoreThanPool { pool: 3, pick: 4 })
        );
    }
}
