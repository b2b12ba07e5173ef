//! Resource identifiers: short random ids, as data.all uses.

use rand::{Rng, distributions::Alphanumeric};

/// Eight lowercase alphanumerics: 36^8 ≈ 2.8e12 values, enough to make a collision within one
/// table negligible, and primary keys still catch one.
pub fn new_uri() -> String {
    rand::thread_rng().sample_iter(&Alphanumeric).map(|c| (c as char).to_ascii_lowercase()).take(8).collect()
}

/// Longer ids for rows nobody types, like policy and audit rows.
pub fn new_sid() -> String {
    rand::thread_rng().sample_iter(&Alphanumeric).map(char::from).take(24).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_eight_lowercase_alphanumerics() {
        let uri = new_uri();
        assert_eq!(uri.len(), 8);
        assert!(uri.chars().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()), "{uri}");
        assert_ne!(new_uri(), new_uri());
    }
}
