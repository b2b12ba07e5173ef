//! One issuer's signing keys: fetched lazily, cached by `kid`, refetched when a token names a
//! `kid` we have not seen (the issuer rotated), at most once per cooldown.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use serde::Deserialize;

use super::AuthError;

/// A JWKS endpoint that hangs must not hold requests hostage.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Real JWKS documents are a few KiB; refuse anything absurd rather than parse it.
const MAX_JWKS_BYTES: usize = 256 * 1024;

pub(crate) struct KeyCache {
    jwks_url: String,
    keys: RwLock<HashMap<String, Arc<DecodingKey>>>,
    /// Serialises fetches so a burst of tokens with a new `kid` triggers one request, and
    /// remembers when the last one started, and whether it worked, for the cooldown.
    last_fetch: tokio::sync::Mutex<Option<LastFetch>>,
}

#[derive(Clone, Copy)]
struct LastFetch {
    at: Instant,
    ok: bool,
}

#[derive(Deserialize)]
struct JwkSet {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    #[serde(rename = "use")]
    key_use: Option<String>,
    alg: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

impl KeyCache {
    pub(crate) fn new(jwks_url: String) -> Self {
        Self { jwks_url, keys: RwLock::default(), last_fetch: tokio::sync::Mutex::new(None) }
    }

    /// Whether `kid` is among the keys last fetched, without fetching.
    pub(crate) fn holds(&self, kid: &str) -> bool {
        self.keys.read().unwrap_or_else(|e| e.into_inner()).contains_key(kid)
    }

    pub(crate) async fn key(
        &self,
        kid: &str,
        http: &reqwest::Client,
        cooldown: Duration,
    ) -> Result<Arc<DecodingKey>, AuthError> {
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        let mut last_fetch = self.last_fetch.lock().await;
        // Another request may have refreshed while this one waited for the lock.
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        if let Some(last) = *last_fetch
            && last.at.elapsed() < cooldown
        {
            return Err(if last.ok { AuthError::UnknownKey } else { AuthError::KeysUnavailable });
        }
        // Failures count toward the cooldown too: otherwise tokens with made-up kids would turn
        // every request into a JWKS fetch while the issuer is down.
        let fetched = self.fetch(http).await;
        *last_fetch = Some(LastFetch { at: Instant::now(), ok: fetched.is_ok() });
        let fresh = fetched?;
        let found = fresh.get(kid).cloned();
        // Replace, not merge: a key the issuer withdrew must stop verifying.
        *self.keys.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = fresh;
        found.ok_or(AuthError::UnknownKey)
    }

    fn cached(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        self.keys.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(kid).cloned()
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<HashMap<String, Arc<DecodingKey>>, AuthError> {
        let url = &self.jwks_url;
        let unavailable = |detail: String| {
            tracing::warn!(jwks_url = %url, %detail, "could not load the issuer's signing keys");
            AuthError::KeysUnavailable
        };
        let response = http
            .get(url)
            .timeout(FETCH_TIMEOUT)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| unavailable(e.to_string()))?;
        if response.content_length().is_some_and(|len| len > MAX_JWKS_BYTES as u64) {
            return Err(unavailable("JWKS document is too large".into()));
        }
        let body = response.bytes().await.map_err(|e| unavailable(e.to_string()))?;
        if body.len() > MAX_JWKS_BYTES {
            return Err(unavailable("JWKS document is too large".into()));
        }
        let set: JwkSet =
            serde_json::from_slice(&body).map_err(|e| unavailable(format!("not a JWKS document: {e}")))?;
        let keys = parse_keys(set, url);
        tracing::debug!(jwks_url = %url, keys = keys.len(), "loaded signing keys");
        Ok(keys)
    }
}

/// Keeps only RSA signing keys usable with RS256; anything else in the set is skipped, so an
/// issuer that also publishes EC or encryption keys still works.
fn parse_keys(set: JwkSet, url: &str) -> HashMap<String, Arc<DecodingKey>> {
    let mut keys = HashMap::new();
    for jwk in set.keys {
        let Some(kid) = jwk.kid else { continue };
        let usable = jwk.kty == "RSA"
            && jwk.key_use.as_deref().is_none_or(|u| u == "sig")
            && jwk.alg.as_deref().is_none_or(|a| a == "RS256");
        let (true, Some(n), Some(e)) = (usable, jwk.n, jwk.e) else { continue };
        match DecodingKey::from_rsa_components(&n, &e) {
            Ok(key) => {
                keys.insert(kid, Arc::new(key));
            }
            Err(error) => tracing::warn!(jwks_url = %url, %kid, %error, "skipping an unreadable JWKS key"),
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_rsa_signing_keys_are_kept() {
        let set: JwkSet = serde_json::from_value(json!({"keys": [
            {"kty": "RSA", "kid": "good", "use": "sig", "alg": "RS256", "n": "AQAB", "e": "AQAB"},
            {"kty": "RSA", "kid": "bare", "n": "AQAB", "e": "AQAB"},
            {"kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB"},
            {"kty": "RSA", "kid": "ps", "alg": "PS256", "n": "AQAB", "e": "AQAB"},
            {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
            {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
            {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
        ]}))
        .expect("valid JWKS");
        let mut kids: Vec<_> = parse_keys(set, "test").into_keys().collect();
        kids.sort();
        assert_eq!(kids, ["bare", "good"]);
    }
}
