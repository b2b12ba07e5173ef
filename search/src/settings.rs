//! Which search engine a process uses, from `SLUICE_*` variables: Tantivy unless
//! `SLUICE_OPENSEARCH_URL` is set. Shared by `sluice serve`, `sluice-worker` and `ecs-tasks`.

use std::path::PathBuf;

use secrecy::SecretString;
use sluice_core::env::{Env, EnvError};

#[derive(Debug, Clone)]
pub enum SearchSettings {
    /// `SLUICE_SEARCH_DIR`: the Tantivy index's folder; default `<SLUICE_DATA_DIR>/search`.
    Tantivy {
        dir: PathBuf,
    },
    OpenSearch(OpenSearchSettings),
}

#[derive(Debug, Clone)]
pub struct OpenSearchSettings {
    /// `SLUICE_OPENSEARCH_URL`: the domain's endpoint, e.g. `https://search-x.eu-west-1.es.amazonaws.com`.
    pub url: String,
    /// `SLUICE_OPENSEARCH_INDEX`: the index name's prefix; the schema version is appended
    /// (`sluice-catalog-v1`), so a new version builds a fresh index beside the old one.
    pub index_prefix: String,
    /// How requests are signed or authenticated.
    pub auth: OpenSearchAuth,
}

#[derive(Debug, Clone)]
pub enum OpenSearchAuth {
    None,
    /// `SLUICE_OPENSEARCH_USERNAME` and `SLUICE_OPENSEARCH_PASSWORD`.
    Basic {
        username: String,
        password: SecretString,
    },
    /// SigV4 with the process's AWS credentials and region (`AWS_REGION`). `service` is
    /// `SLUICE_OPENSEARCH_SIGV4_SERVICE`: `es` for Amazon OpenSearch Service (default), `aoss`
    /// for OpenSearch Serverless.
    SigV4 {
        service: String,
    },
}

impl SearchSettings {
    /// `SLUICE_OPENSEARCH_AUTH` is `none`, `basic` or `sigv4`; default `basic` when a username
    /// is set, else `none`.
    pub fn from_env(env: &Env) -> Result<Self, EnvError> {
        let Some(url) = env.get("SLUICE_OPENSEARCH_URL") else {
            let dir = match env.get("SLUICE_SEARCH_DIR") {
                Some(dir) => PathBuf::from(dir),
                None => PathBuf::from(env.get("SLUICE_DATA_DIR").unwrap_or_else(|| "./.sluice".into()))
                    .join("search"),
            };
            return Ok(Self::Tantivy { dir });
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(EnvError::new("SLUICE_OPENSEARCH_URL", "must be an http:// or https:// URL"));
        }
        let username = env.get("SLUICE_OPENSEARCH_USERNAME");
        let default_auth = if username.is_some() { "basic" } else { "none" };
        let auth = match env.choice("SLUICE_OPENSEARCH_AUTH", default_auth, &["none", "basic", "sigv4"])? {
            "basic" => OpenSearchAuth::Basic {
                username: username.ok_or_else(|| {
                    EnvError::new(
                        "SLUICE_OPENSEARCH_USERNAME",
                        "is required when SLUICE_OPENSEARCH_AUTH=basic",
                    )
                })?,
                password: SecretString::from(
                    env.require("SLUICE_OPENSEARCH_PASSWORD", "when SLUICE_OPENSEARCH_AUTH=basic")?,
                ),
            },
            "sigv4" => OpenSearchAuth::SigV4 {
                service: env.choice("SLUICE_OPENSEARCH_SIGV4_SERVICE", "es", &["es", "aoss"])?.to_owned(),
            },
            _ => OpenSearchAuth::None,
        };
        let index_prefix = env.get("SLUICE_OPENSEARCH_INDEX").unwrap_or_else(|| "sluice-catalog".into());
        let valid = index_prefix
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            && !index_prefix.starts_with(['-', '_']);
        if !valid {
            return Err(EnvError::new(
                "SLUICE_OPENSEARCH_INDEX",
                "use lowercase letters, digits, '-' and '_', not starting with '-' or '_'",
            ));
        }
        Ok(Self::OpenSearch(OpenSearchSettings {
            url: url.trim_end_matches('/').to_owned(),
            index_prefix,
            auth,
        }))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<SearchSettings, EnvError> {
        let map: HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        SearchSettings::from_env(&Env::new(|k| map.get(k).cloned()))
    }

    #[test]
    fn tantivy_in_the_data_dir_is_the_default() {
        let SearchSettings::Tantivy { dir } = settings(&[]).expect("valid") else {
            panic!("tantivy expected")
        };
        assert_eq!(dir, PathBuf::from("./.sluice/search"));
        let SearchSettings::Tantivy { dir } = settings(&[("SLUICE_DATA_DIR", "/var/sluice")]).expect("valid")
        else {
            panic!("tantivy expected")
        };
        assert_eq!(dir, PathBuf::from("/var/sluice/search"));
    }

    #[test]
    fn opensearch_auth_follows_its_variables() {
        let SearchSettings::OpenSearch(os) =
            settings(&[("SLUICE_OPENSEARCH_URL", "https://os:9200/")]).expect("valid")
        else {
            panic!("opensearch expected")
        };
        assert_eq!((os.url.as_str(), os.index_prefix.as_str()), ("https://os:9200", "sluice-catalog"));
        assert!(matches!(os.auth, OpenSearchAuth::None));
        let basic =
            settings(&[("SLUICE_OPENSEARCH_URL", "https://os"), ("SLUICE_OPENSEARCH_USERNAME", "admin")]);
        assert_eq!(basic.expect_err("no password").var, "SLUICE_OPENSEARCH_PASSWORD");
        let SearchSettings::OpenSearch(os) =
            settings(&[("SLUICE_OPENSEARCH_URL", "https://os"), ("SLUICE_OPENSEARCH_AUTH", "sigv4")])
                .expect("valid")
        else {
            panic!("opensearch expected")
        };
        assert!(matches!(os.auth, OpenSearchAuth::SigV4 { ref service } if service == "es"));
        assert_eq!(
            settings(&[("SLUICE_OPENSEARCH_URL", "os:9200")]).expect_err("bad").var,
            "SLUICE_OPENSEARCH_URL"
        );
        assert_eq!(
            settings(&[("SLUICE_OPENSEARCH_URL", "http://os"), ("SLUICE_OPENSEARCH_INDEX", "Bad")])
                .expect_err("bad")
                .var,
            "SLUICE_OPENSEARCH_INDEX"
        );
    }
}
