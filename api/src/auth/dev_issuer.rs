//! A local token issuer for `sluice serve` with no identity provider configured. It signs
//! Cognito-shaped id tokens with a key kept on disk, and its JWKS goes through the same
//! [`Verifier`](super::Verifier) as production tokens, so local runs exercise the real path.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write as _};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, Jwk, RSAKeyParameters, RSAKeyType, ThumbprintHash,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::RsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, LineEnding};
use rsa::traits::PublicKeyParts as _;
use serde_json::json;

use super::{IssuerSettings, TokenUse};

const KEY_BITS: usize = 2048;

pub struct DevIssuer {
    issuer: String,
    kid: String,
    n: String,
    e: String,
    encoding_key: EncodingKey,
}

impl DevIssuer {
    pub const CLIENT_ID: &'static str = "sluice-dev";

    /// Loads the RSA private key (PKCS#8 PEM) at `key_path`, or generates a 2048-bit key and
    /// writes it there (parent directories created, file mode 0600). Keeping the key across
    /// restarts keeps tokens minted earlier valid.
    pub fn load_or_create(key_path: &Path, issuer: String) -> anyhow::Result<Self> {
        let pem = match fs::read_to_string(key_path) {
            Ok(pem) => {
                warn_if_readable_by_others(key_path);
                pem
            }
            Err(e) if e.kind() == ErrorKind::NotFound => create_key(key_path)?,
            Err(e) => {
                return Err(e).with_context(|| format!("reading dev issuer key {}", key_path.display()));
            }
        };
        Self::from_pem(&pem, issuer).with_context(|| format!("loading dev issuer key {}", key_path.display()))
    }

    fn from_pem(pem: &str, issuer: String) -> anyhow::Result<Self> {
        let private = RsaPrivateKey::from_pkcs8_pem(pem).context("not a PKCS#8 PEM RSA private key")?;
        let n = URL_SAFE_NO_PAD.encode(private.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(private.e().to_bytes_be());
        let encoding_key = EncodingKey::from_rsa_pem(pem.as_bytes()).context("unusable RSA key")?;
        // The RFC 7638 thumbprint: stable for a key, different across keys, no extra crate.
        let jwk = Jwk {
            common: CommonParameters::default(),
            algorithm: AlgorithmParameters::RSA(RSAKeyParameters {
                key_type: RSAKeyType::RSA,
                n: n.clone(),
                e: e.clone(),
            }),
        };
        let kid = jwk.thumbprint(ThumbprintHash::SHA256).context("computing the key id")?;
        Ok(Self { issuer, kid, n, e, encoding_key })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn jwks(&self) -> serde_json::Value {
        json!({"keys": [{
            "kty": "RSA",
            "kid": self.kid,
            "use": "sig",
            "alg": "RS256",
            "n": self.n,
            "e": self.e,
        }]})
    }

    /// A Cognito-shaped ID token: iss, sub, aud=CLIENT_ID, token_use="id", cognito:username,
    /// cognito:groups, iat, nbf, exp = now+ttl. No `email`: the user is named by
    /// `cognito:username`, as with Cognito itself.
    pub fn mint(&self, username: &str, groups: &[String], ttl: Duration) -> anyhow::Result<String> {
        let now =
            SystemTime::now().duration_since(UNIX_EPOCH).context("system clock is before 1970")?.as_secs();
        let claims = json!({
            "iss": self.issuer,
            "sub": username,
            "aud": Self::CLIENT_ID,
            "token_use": "id",
            "cognito:username": username,
            "cognito:groups": groups,
            "iat": now,
            "auth_time": now,
            "nbf": now,
            "exp": now.saturating_add(ttl.as_secs()),
        });
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding_key).context("signing a dev token")
    }

    /// Settings the Verifier uses for this issuer.
    pub fn settings(&self, jwks_url: String) -> IssuerSettings {
        IssuerSettings::new(self.issuer.clone(), jwks_url, Self::CLIENT_ID.to_owned(), TokenUse::Id)
    }
}

impl std::fmt::Debug for DevIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevIssuer")
            .field("issuer", &self.issuer)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

fn create_key(key_path: &Path) -> anyhow::Result<String> {
    if let Some(dir) = key_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let private = RsaPrivateKey::new(&mut rand::thread_rng(), KEY_BITS).context("generating an RSA key")?;
    let pem = private.to_pkcs8_pem(LineEnding::LF).context("encoding the RSA key")?;
    let mut options = OpenOptions::new();
    // create_new: if two processes start at once, one writes and the other reads its key, so
    // they never end up signing with different keys under one file name.
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(key_path) {
        Ok(mut file) => {
            file.write_all(pem.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("writing {}", key_path.display()))?;
            tracing::info!(path = %key_path.display(), "generated a dev issuer signing key");
            Ok(pem.to_string())
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            fs::read_to_string(key_path).with_context(|| format!("reading {}", key_path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("creating {}", key_path.display())),
    }
}

fn warn_if_readable_by_others(key_path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = fs::metadata(key_path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %key_path.display(), "dev issuer key is readable by other users; chmod 600 it");
        }
    }
    #[cfg(not(unix))]
    let _ = key_path;
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::auth::Verifier;
    use crate::auth::test_support::JwksServer;

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
            Self(std::env::temp_dir().join(format!("sluice-{name}-{}-{nanos}", std::process::id())))
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    const ISSUER: &str = "http://127.0.0.1:8080/dev";

    #[test]
    fn the_key_is_created_once_and_reused() {
        let dir = TempDir::new("dev-issuer-reuse");
        let path = dir.0.join("nested/dev-issuer.pem");
        let first = DevIssuer::load_or_create(&path, ISSUER.into()).expect("create");
        let second = DevIssuer::load_or_create(&path, ISSUER.into()).expect("load");
        assert_eq!(first.kid, second.kid);
        assert_eq!(first.jwks(), second.jwks());
        assert_eq!(second.issuer(), ISSUER);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(&path).expect("key file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_corrupt_key_file_is_an_error_naming_the_file() {
        let dir = TempDir::new("dev-issuer-corrupt");
        fs::create_dir_all(&dir.0).expect("mkdir");
        let path = dir.0.join("key.pem");
        fs::write(&path, "not a key").expect("write");
        let err = DevIssuer::load_or_create(&path, ISSUER.into()).expect_err("corrupt key");
        assert!(format!("{err:#}").contains("key.pem"), "{err:#}");
    }

    #[test]
    fn the_jwks_has_the_cognito_shape() {
        let dir = TempDir::new("dev-issuer-jwks");
        let dev = DevIssuer::load_or_create(&dir.0.join("k.pem"), ISSUER.into()).expect("create");
        let jwks = dev.jwks();
        let key = &jwks["keys"][0];
        assert_eq!(
            (key["kty"].as_str(), key["alg"].as_str(), key["use"].as_str()),
            (Some("RSA"), Some("RS256"), Some("sig"))
        );
        assert_eq!(key["e"], "AQAB");
        assert!(key["kid"].as_str().is_some_and(|k| !k.is_empty()));
        assert!(key.get("d").is_none(), "no private parts in the JWKS");
    }

    #[tokio::test]
    async fn a_minted_token_verifies_through_the_verifier() {
        let dir = TempDir::new("dev-issuer-mint");
        let dev = DevIssuer::load_or_create(&dir.0.join("k.pem"), ISSUER.into()).expect("create");
        let server = JwksServer::start(dev.jwks()).await;
        let verifier = Verifier::new(
            vec![dev.settings(server.url.clone())],
            "DAAdministrators".into(),
            reqwest::Client::new(),
        );
        let groups = vec!["TeamA".to_owned(), "DAAdministrators".to_owned()];
        let token = dev.mint("alice@example.com", &groups, Duration::from_secs(600)).expect("mint");
        let actor = verifier.verify(&token).await.expect("dev token verifies");
        assert_eq!(actor.username(), "alice@example.com");
        assert_eq!(actor.groups(), ["DAAdministrators", "TeamA"]);
        assert!(actor.is_admin());

        let other = DevIssuer::load_or_create(&dir.0.join("other.pem"), ISSUER.into()).expect("create");
        let foreign = other.mint("mallory", &[], Duration::from_secs(600)).expect("mint");
        assert_eq!(verifier.verify(&foreign).await, Err(crate::auth::AuthError::UnknownKey));
    }
}
