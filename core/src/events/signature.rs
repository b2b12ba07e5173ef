//! Webhook signatures: `Sluice-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
//! with the subscription's secret. The timestamp is signed with the body, so a subscriber that
//! refuses old timestamps (five minutes, say) also refuses replays. docs/EVENTS.md shows how to
//! check it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const SIGNATURE_HEADER: &str = "Sluice-Signature";

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The hex HMAC-SHA256 of `"<timestamp>.<body>"`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
}

/// The header's value.
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", sign(secret, timestamp, body))
}

/// Whether `header` signs `body` with `secret`, in constant time; returns its timestamp if so.
pub fn verify(secret: &str, header: &str, body: &[u8]) -> Option<i64> {
    let mut timestamp = None;
    let mut signature = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", s)) => signature = hex::decode(s).ok(),
            _ => {}
        }
    }
    let (timestamp, signature) = (timestamp?, signature?);
    mac(secret, timestamp, body).verify_slice(&signature).ok().map(|()| timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_with_its_secret_and_body_only() {
        let header = signature_header("s3cret", 1_700_000_000, b"{\"id\":\"x\"}");
        assert_eq!(verify("s3cret", &header, b"{\"id\":\"x\"}"), Some(1_700_000_000));
        assert_eq!(verify("other", &header, b"{\"id\":\"x\"}"), None, "another secret");
        assert_eq!(verify("s3cret", &header, b"{\"id\":\"y\"}"), None, "another body");
        let moved = header.replace("t=1700000000", "t=1700000001");
        assert_eq!(verify("s3cret", &moved, b"{\"id\":\"x\"}"), None, "another timestamp");
        assert_eq!(verify("s3cret", "v1=zz", b""), None, "garbage");
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // printf '1.{}' | openssl dgst -sha256 -hmac key
        assert_eq!(sign("key", 1, b"{}"), "1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224");
    }
}
