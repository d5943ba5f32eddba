//! 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a
//! 31-character alphabet (no I, O, S, V, Z), the last one a check character over the first 17.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The code's alphabet; a character's value is its index.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 (3^(i-1) mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A code whose characters and check character are valid. Always upper case.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

/// Why a code is not valid, in words for the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("统一社会信用代码应为 18 位，这里是 {0} 位")]
    Length(usize),
    #[error("统一社会信用代码第 {position} 位“{character}”不是允许的字符（不含 I、O、S、V、Z）")]
    Character { position: usize, character: char },
    #[error(
        "统一社会信用代码校验位不符：按 GB 32100-2015 第 18 位应为“{expected}”，这里是“{found}”"
    )]
    CheckCharacter { expected: char, found: char },
}

impl Uscc {
    pub fn parse(value: &str) -> Result<Uscc, UsccError> {
        let code = value.trim().to_ascii_uppercase();
        let count = code.chars().count();
        if count != 18 {
            return Err(UsccError::Length(count));
        }
        let mut values = [0u32; 18];
        for (index, character) in code.chars().enumerate() {
            values[index] = value_of(character).ok_or(UsccError::Character {
                position: index + 1,
                character,
            })?;
        }
        let expected = check_character(&values[..17]);
        let found = code.as_bytes()[17] as char;
        if expected != found {
            return Err(UsccError::CheckCharacter { expected, found });
        }
        Ok(Uscc(code))
    }

    /// The check character for 17 leading characters (used to generate demo data and in tests).
    pub fn check_character_for(first17: &str) -> Option<char> {
        let values: Option<Vec<u32>> = first17.chars().map(value_of).collect();
        values
            .filter(|values| values.len() == 17)
            .map(|values| check_character(&values))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn value_of(character: char) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&c| c as char == character)
        .map(|p| p as u32)
}

fn check_character(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    ALPHABET[check as usize] as char
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Uscc {
    type Error = UsccError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Uscc::parse(&value)
    }
}

impl From<Uscc> for String {
    fn from(code: Uscc) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_codes() {
        // The worked example of GB 32100-2015, and codes printed on public business licences.
        for code in [
            "91350100M000100Y43",
            "91110000802100433B",
            "91110108735106340Y",
            "91440300708461136T",
            "91110108551385082Q",
        ] {
            assert!(Uscc::parse(code).is_ok(), "{code}: {:?}", Uscc::parse(code));
        }
        assert_eq!(
            Uscc::parse(" 91350100m000100y43").unwrap().as_str(),
            "91350100M000100Y43"
        );
    }

    #[test]
    fn refuses_a_wrong_check_character_and_says_which_is_right() {
        assert_eq!(
            Uscc::parse("91350100M000100Y44"),
            Err(UsccError::CheckCharacter {
                expected: '3',
                found: '4'
            })
        );
    }

    #[test]
    fn refuses_wrong_lengths_and_letters_outside_the_alphabet() {
        assert_eq!(Uscc::parse("9135010"), Err(UsccError::Length(7)));
        assert_eq!(
            Uscc::parse("91350100I000100Y43"),
            Err(UsccError::Character {
                position: 9,
                character: 'I'
            })
        );
    }

    #[test]
    fn computes_check_characters() {
        assert_eq!(Uscc::check_character_for("91350100M000100Y4"), Some('3'));
        assert_eq!(Uscc::check_character_for("short"), None);
    }
}
