//! Bearer JWT → [`Actor`], following DESIGN.md §3.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::Value;
use sluice_core::Actor;

use super::claims::{self, Claims};
use super::jwks::KeyCache;
use super::verified::VerifiedTokens;
use super::{AuthError, IssuerSettings};

/// Real tokens are 1–4 KiB; bounding the input bounds the work an anonymous caller can cause.
const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 60;
const DEFAULT_REFRESH_COOLDOWN: Duration = Duration::from_secs(10);

/// Verifies bearer tokens against the configured issuers. Cheap to clone: clones share the
/// key caches.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
    refresh_cooldown: Duration,
}

struct Inner {
    /// By exact `iss`. Several settings may share an issuer, e.g. to accept both id and access
    /// tokens from one Cognito pool.
    issuers: HashMap<String, Vec<Issuer>>,
    admin_group: String,
    http: reqwest::Client,
    verified: VerifiedTokens,
}

struct Issuer {
    settings: IssuerSettings,
    keys: Arc<KeyCache>,
}

/// Only the header fields we decide on; parsed by us so that `alg: none` and unknown
/// algorithms get a clear error instead of a JSON error.
#[derive(Deserialize)]
struct RawHeader {
    alg: String,
    kid: Option<String>,
}

impl Verifier {
    pub fn new(issuers: Vec<IssuerSettings>, admin_group: String, http: reqwest::Client) -> Self {
        let mut caches: HashMap<String, Arc<KeyCache>> = HashMap::new();
        let mut by_iss: HashMap<String, Vec<Issuer>> = HashMap::new();
        for settings in issuers {
            let keys = caches
                .entry(settings.jwks_url.clone())
                .or_insert_with(|| Arc::new(KeyCache::new(settings.jwks_url.clone())))
                .clone();
            by_iss.entry(settings.issuer.clone()).or_default().push(Issuer { settings, keys });
        }
        Self {
            inner: Arc::new(Inner {
                issuers: by_iss,
                admin_group,
                http,
                verified: VerifiedTokens::default(),
            }),
            refresh_cooldown: DEFAULT_REFRESH_COOLDOWN,
        }
    }

    /// Minimum time between two JWKS refreshes of one issuer triggered by unknown kids
    /// (default 10 s); tests set zero.
    pub fn with_refresh_cooldown(mut self, cooldown: Duration) -> Self {
        self.refresh_cooldown = cooldown;
        self
    }

    pub async fn verify(&self, token: &str) -> Result<Actor, AuthError> {
        let token = token.trim();
        if let Some(actor) = self.inner.verified.get(token) {
            return Ok(actor);
        }
        let (header, unverified) = peek(token)?;
        if header.alg != "RS256" {
            return Err(AuthError::UnsupportedAlgorithm);
        }
        let kid = header.kid.filter(|k| !k.is_empty()).ok_or(AuthError::MissingKeyId)?;
        let iss = match unverified.get("iss") {
            Some(Value::String(iss)) => iss,
            Some(_) => return Err(AuthError::InvalidClaim("iss".into())),
            None => return Err(AuthError::MissingClaim("iss".into())),
        };
        let issuer = self.pick_issuer(iss, &unverified)?;
        let key = issuer.keys.key(&kid, &self.inner.http, self.refresh_cooldown).await?;

        let settings = &issuer.settings;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        // Checked by us: Cognito access tokens have no `aud` at all.
        validation.validate_aud = false;
        validation.set_issuer(&[&settings.issuer]);
        validation.set_required_spec_claims(&["exp", "iss"]);
        let claims: Claims = jsonwebtoken::decode(token, &key, &validation).map_err(map_jwt_error)?.claims;

        claims::check_token_use(&claims, settings)?;
        claims::check_client(&claims, settings)?;
        let username = claims::username(&claims, &settings.username_claim)?;
        let groups = claims::groups(&claims, settings)?;
        let actor = Actor::authenticated(settings.issuer.clone(), username, groups, &self.inner.admin_group);
        if let Some(exp) = claims.get("exp").and_then(Value::as_u64) {
            self.inner.verified.put(token, &actor, exp, &kid, &issuer.keys);
        }
        Ok(actor)
    }

    /// When one issuer has settings for both token uses, the token's own (still unverified)
    /// `token_use` picks which; the choice only selects which rules apply, all are then checked.
    fn pick_issuer(&self, iss: &str, unverified: &Claims) -> Result<&Issuer, AuthError> {
        let candidates = self.inner.issuers.get(iss).ok_or(AuthError::UnknownIssuer)?;
        let token_use = unverified.get("token_use").and_then(Value::as_str);
        candidates
            .iter()
            .find(|i| Some(i.settings.token_use.as_str()) == token_use)
            .or_else(|| candidates.first())
            .ok_or(AuthError::UnknownIssuer)
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings: Vec<_> = self.inner.issuers.values().flatten().map(|i| &i.settings).collect();
        f.debug_struct("Verifier")
            .field("issuers", &settings)
            .field("admin_group", &self.inner.admin_group)
            .field("refresh_cooldown", &self.refresh_cooldown)
            .finish_non_exhaustive()
    }
}

/// Reads header and claims without verifying anything, to choose the issuer and key.
fn peek(token: &str) -> Result<(RawHeader, Claims), AuthError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(AuthError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(AuthError::Malformed);
    };
    // An empty signature is left for the algorithm check, so `alg: none` tokens get the
    // clearer error; RS256 with no signature then fails verification.
    if header.is_empty() || payload.is_empty() {
        return Err(AuthError::Malformed);
    }
    let header = decode_part::<RawHeader>(header)?;
    let claims = decode_part::<Claims>(payload)?;
    Ok((header, claims))
}

fn decode_part<T: serde::de::DeserializeOwned>(part: &str) -> Result<T, AuthError> {
    let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| AuthError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| AuthError::Malformed)
}

fn map_jwt_error(error: jsonwebtoken::errors::Error) -> AuthError {
    match error.into_kind() {
        ErrorKind::InvalidSignature => AuthError::InvalidSignature,
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::ImmatureSignature => AuthError::NotYetValid,
        ErrorKind::InvalidIssuer => AuthError::UnknownIssuer,
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName | ErrorKind::UnsupportedAlgorithm => {
            AuthError::UnsupportedAlgorithm
        }
        ErrorKind::MissingRequiredClaim(claim) => AuthError::MissingClaim(claim),
        ErrorKind::InvalidClaimFormat(claim) => AuthError::InvalidClaim(claim),
        // A JWKS key the crypto backend cannot use (e.g. a malformed modulus) is the issuer's
        // fault, not the caller's.
        ErrorKind::InvalidRsaKey(detail) => {
            tracing::warn!(%detail, "an issuer's JWKS key could not be used");
            AuthError::KeysUnavailable
        }
        _ => AuthError::Malformed,
    }
}
