//! Typed reading of `SLUICE_*` environment variables for every binary's config: a bad value is
//! an error naming its variable, raised at start-up rather than on first use.

use std::str::FromStr;

#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct EnvError {
    pub var: &'static str,
    pub message: String,
}

impl EnvError {
    pub fn new(var: &'static str, message: impl Into<String>) -> Self {
        Self { var, message: message.into() }
    }
}

type Lookup<'a> = Box<dyn Fn(&str) -> Option<String> + 'a>;

/// Variables read through a lookup function, so tests need not touch the process environment.
pub struct Env<'a> {
    lookup: Lookup<'a>,
}

impl<'a> Env<'a> {
    pub fn new(lookup: impl Fn(&str) -> Option<String> + 'a) -> Self {
        Self { lookup: Box::new(lookup) }
    }

    pub fn process() -> Env<'static> {
        Env::new(|k| std::env::var(k).ok())
    }

    /// The trimmed value; unset and blank are the same.
    pub fn get(&self, var: &str) -> Option<String> {
        (self.lookup)(var).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    pub fn require(&self, var: &'static str, why: &str) -> Result<String, EnvError> {
        self.get(var).ok_or_else(|| EnvError::new(var, format!("is required {why}")))
    }

    pub fn parse<T: FromStr>(&self, var: &'static str, default: &str, expected: &str) -> Result<T, EnvError> {
        let raw = self.get(var).unwrap_or_else(|| default.to_owned());
        raw.parse().map_err(|_| EnvError::new(var, format!("expected {expected}, got {raw:?}")))
    }

    pub fn bool(&self, var: &'static str, default: bool) -> Result<bool, EnvError> {
        match self.get(var).map(|v| v.to_ascii_lowercase()).as_deref() {
            None => Ok(default),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some(other) => Err(EnvError::new(var, format!("expected true or false, got {other:?}"))),
        }
    }

    /// One of `choices`, or `default` when unset.
    pub fn choice(
        &self,
        var: &'static str,
        default: &'static str,
        choices: &[&'static str],
    ) -> Result<&'static str, EnvError> {
        let raw = self.get(var).unwrap_or_else(|| default.to_owned());
        choices
            .iter()
            .copied()
            .find(|c| c.eq_ignore_ascii_case(&raw))
            .ok_or_else(|| EnvError::new(var, format!("must be one of {}, got {raw:?}", choices.join(", "))))
    }

    /// A comma-separated list, blanks dropped.
    pub fn list(&self, var: &str) -> Vec<String> {
        self.get(var)
            .map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// Milliseconds, as a Duration.
    pub fn millis(&self, var: &'static str, default: u64) -> Result<std::time::Duration, EnvError> {
        self.parse::<u64>(var, &default.to_string(), "a whole number of milliseconds")
            .map(std::time::Duration::from_millis)
    }
}

/// Where the metadata lives; every binary reads it the same way.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `SLUICE_DATA_DIR`: embedded mode's SQLite file and keys.
    pub data_dir: std::path::PathBuf,
    /// `SLUICE_DATABASE_URL`: `postgres://…` or `sqlite:…`; default a SQLite file in the data dir.
    pub url: String,
}

impl DatabaseSettings {
    pub fn from_env(env: &Env) -> Result<Self, EnvError> {
        let data_dir =
            std::path::PathBuf::from(env.get("SLUICE_DATA_DIR").unwrap_or_else(|| "./.sluice".into()));
        let url = match env.get("SLUICE_DATABASE_URL") {
            Some(url)
                if url.starts_with("postgres://")
                    || url.starts_with("postgresql://")
                    || url.starts_with("sqlite:") =>
            {
                url
            }
            Some(_) => {
                return Err(EnvError::new(
                    "SLUICE_DATABASE_URL",
                    "must start with postgres://, postgresql:// or sqlite:",
                ));
            }
            None => format!("sqlite://{}?mode=rwc", data_dir.join("sluice.db").display()),
        };
        Ok(Self { data_dir, url })
    }

    pub fn is_sqlite(&self) -> bool {
        self.url.starts_with("sqlite:")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_trimmed_typed_and_named_when_bad() {
        let env = Env::new(|k| match k {
            "A" => Some(" 7 ".into()),
            "B" => Some("maybe".into()),
            "C" => Some("x, ,y".into()),
            "D" => Some("SQS".into()),
            _ => None,
        });
        assert_eq!(env.parse::<u32>("A", "1", "a number").expect("valid"), 7);
        assert_eq!(env.parse::<u32>("Z", "1", "a number").expect("default"), 1);
        let err = env.bool("B", false).expect_err("invalid");
        assert_eq!(err.to_string(), "B: expected true or false, got \"maybe\"");
        assert_eq!(env.list("C"), vec!["x".to_owned(), "y".to_owned()]);
        assert_eq!(env.choice("D", "embedded", &["embedded", "sqs"]).expect("valid"), "sqs");
        assert_eq!(env.choice("B", "embedded", &["embedded", "sqs"]).expect_err("invalid").var, "B");
    }
}
