//! Credential vending (`SLUICE_CREDENTIAL_VENDING`): whether teams may take their roles'
//! credentials, console links and upload links, and where console links are made.

use sluice_core::env::Env;

use super::ConfigError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendingConfig {
    /// `SLUICE_CONSOLE_FEDERATION_URL`: the AWS console federation endpoint console links are
    /// made through. Default `https://signin.aws.amazon.com/federation` (other partitions have
    /// their own).
    pub federation_url: reqwest::Url,
}

/// `None` when `SLUICE_CREDENTIAL_VENDING` is `false` (default on, as in data.all).
pub(super) fn vending(env: &Env) -> Result<Option<VendingConfig>, ConfigError> {
    if !env.bool("SLUICE_CREDENTIAL_VENDING", true)? {
        return Ok(None);
    }
    let var = "SLUICE_CONSOLE_FEDERATION_URL";
    let raw = env.get(var).unwrap_or_else(|| sluice_cloud::vending::DEFAULT_FEDERATION_URL.into());
    let url = reqwest::Url::parse(&raw)
        .ok()
        .filter(|u| u.scheme() == "https" || (u.scheme() == "http" && is_loopback(u)))
        .filter(|u| u.query().is_none() && u.username().is_empty() && u.password().is_none());
    match url {
        Some(federation_url) => Ok(Some(VendingConfig { federation_url })),
        // Sign-in tokens carry credentials: only over TLS, or to this machine (a test's fake).
        None => {
            Err(ConfigError::new(var, "must be an https:// URL without a query (http:// only to 127.0.0.1)"))
        }
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn with(vars: &[(&str, &str)]) -> Result<Option<VendingConfig>, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        vending(&Env::new(|k| map.get(k).cloned()))
    }

    #[test]
    fn vending_is_on_by_default_and_can_be_turned_off() {
        let on = with(&[]).expect("valid").expect("on");
        assert_eq!(on.federation_url.as_str(), "https://signin.aws.amazon.com/federation");
        assert_eq!(with(&[("SLUICE_CREDENTIAL_VENDING", "false")]).expect("valid"), None);
    }

    #[test]
    fn the_federation_endpoint_must_be_tls_or_local() {
        let local = with(&[("SLUICE_CONSOLE_FEDERATION_URL", "http://127.0.0.1:9/federation")]);
        assert!(local.expect("valid").is_some());
        for bad in ["http://signin.example/federation", "ftp://x", "https://x/f?a=b", "nonsense"] {
            let err = with(&[("SLUICE_CONSOLE_FEDERATION_URL", bad)]).expect_err(bad);
            assert!(err.to_string().contains("SLUICE_CONSOLE_FEDERATION_URL"), "{err}");
        }
    }
}
