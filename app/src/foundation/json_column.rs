//! Structured values the stores keep in one TEXT column as JSON (rules, snapshots, papers).

/// The column's text for a value.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data always serializes")
}

/// The value a column holds; text that does not decode is a decoding error of the row.
pub fn decode<T: serde::de::DeserializeOwned>(text: &str) -> sqlx::Result<T> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
