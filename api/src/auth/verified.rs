//! Tokens already verified, so a client sending the same token on every request pays for one
//! RSA signature check per few minutes instead of one per request (it was a fifth of the
//! server's CPU under load). An entry lives until the token expires or `MAX_AGE` passes,
//! whichever is first, and only while the signing key is still in the issuer's key set: once a
//! refresh drops a withdrawn key, its tokens are checked afresh and refused.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use sha2::{Digest, Sha256};
use sluice_core::Actor;

use super::jwks::KeyCache;

pub const MAX_AGE: Duration = Duration::from_secs(300);
const MAX_ENTRIES: usize = 10_000;

/// Who a token names, until when, and the key that signed it.
struct Entry {
    actor: Actor,
    until: Instant,
    kid: String,
    keys: Arc<KeyCache>,
}

#[derive(Default)]
pub struct VerifiedTokens {
    entries: Mutex<HashMap<[u8; 32], Entry>>,
}

impl VerifiedTokens {
    pub fn get(&self, token: &str) -> Option<Actor> {
        let key = key(token);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(&key) {
            Some(e) if Instant::now() < e.until && e.keys.holds(&e.kid) => Some(e.actor.clone()),
            Some(_) => {
                entries.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Remembers `actor` for `token`, which expires at `exp` (seconds since the epoch) and was
    /// signed by `kid` of `keys`.
    pub fn put(&self, token: &str, actor: &Actor, exp: u64, kid: &str, keys: &Arc<KeyCache>) {
        let now_unix = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let left = Duration::from_secs(exp.saturating_sub(now_unix)).min(MAX_AGE);
        if left.is_zero() {
            return;
        }
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| e.until > now);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        let entry =
            Entry { actor: actor.clone(), until: now + left, kid: kid.to_owned(), keys: keys.clone() };
        entries.insert(key(token), entry);
    }
}

fn key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}
