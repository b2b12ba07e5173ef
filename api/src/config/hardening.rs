//! The settings that bound what a caller can make the server do (docs/HARDENING.md).

use std::{net::SocketAddr, time::Duration};

use sluice_core::env::Env;

use super::ConfigError;
use crate::{
    auth::FailureLimit,
    graphql::{Limits, limits::NESTING_CEILING},
};

pub(super) fn graphql_limits(env: &Env) -> Result<Limits, ConfigError> {
    let defaults = Limits::default();
    let whole = "a whole number";
    let limits = Limits {
        introspection: env.bool("SLUICE_GRAPHQL_INTROSPECTION", defaults.introspection)?,
        max_depth: env.parse("SLUICE_GRAPHQL_MAX_DEPTH", &defaults.max_depth.to_string(), whole)?,
        max_nesting: env.parse("SLUICE_GRAPHQL_MAX_NESTING", &defaults.max_nesting.to_string(), whole)?,
        max_complexity: env.parse(
            "SLUICE_GRAPHQL_MAX_COMPLEXITY",
            &defaults.max_complexity.to_string(),
            whole,
        )?,
        max_answer_bytes: env.parse(
            "SLUICE_GRAPHQL_MAX_ANSWER_BYTES",
            &defaults.max_answer_bytes.to_string(),
            "a number of bytes",
        )?,
    };
    if !(1..=NESTING_CEILING).contains(&limits.max_nesting) {
        return Err(ConfigError::new(
            "SLUICE_GRAPHQL_MAX_NESTING",
            format!("must be 1 to {NESTING_CEILING}: deeper, parsing could overflow the stack"),
        ));
    }
    for (var, value) in [
        ("SLUICE_GRAPHQL_MAX_DEPTH", limits.max_depth),
        ("SLUICE_GRAPHQL_MAX_COMPLEXITY", limits.max_complexity),
        ("SLUICE_GRAPHQL_MAX_ANSWER_BYTES", limits.max_answer_bytes),
    ] {
        if value == 0 {
            return Err(ConfigError::new(var, "must be at least 1: 0 would refuse every request"));
        }
    }
    Ok(limits)
}

/// Off unless set: a fixed default port would stop a second server on the same host (tests run
/// several at once, and Prometheus itself listens on 9090).
pub(super) fn metrics_bind(env: &Env) -> Result<Option<SocketAddr>, ConfigError> {
    match env.get("SLUICE_METRICS_BIND").as_deref() {
        None | Some("off") => Ok(None),
        Some(_) => env.parse("SLUICE_METRICS_BIND", "", "an address like 127.0.0.1:9090, or off").map(Some),
    }
}

pub(super) fn failure_limit(env: &Env) -> Result<FailureLimit, ConfigError> {
    let defaults = FailureLimit::default();
    let max_failures: u32 =
        env.parse("SLUICE_IAM_MAX_FAILURES", &defaults.max_failures.to_string(), "a whole number")?;
    let window: u64 = env.parse(
        "SLUICE_IAM_FAILURE_WINDOW_SECS",
        &defaults.window.as_secs().to_string(),
        "a number of seconds",
    )?;
    if max_failures == 0 || window == 0 {
        let var =
            if max_failures == 0 { "SLUICE_IAM_MAX_FAILURES" } else { "SLUICE_IAM_FAILURE_WINDOW_SECS" };
        return Err(ConfigError::new(var, "must be at least 1"));
    }
    Ok(FailureLimit { max_failures, window: Duration::from_secs(window), ..defaults })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::config::Config;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::from(&Env::new(|k| map.get(k).cloned()))
    }

    #[test]
    fn the_defaults_bound_every_request_and_serve_metrics_nowhere() {
        let c = config(&[]).expect("defaults");
        assert_eq!(
            (c.graphql.max_depth, c.graphql.max_nesting, c.graphql.max_answer_bytes),
            (15, 32, 4 << 20)
        );
        assert_eq!(c.metrics_bind, None);
        let on = config(&[("SLUICE_METRICS_BIND", "127.0.0.1:9090")]).expect("valid");
        assert_eq!(on.metrics_bind, Some("127.0.0.1:9090".parse().expect("addr")));
        assert_eq!(c.trusted_proxy_hops, 0);
        let iam = c.iam.expect("on by default").failure_limit;
        assert_eq!((iam.max_failures, iam.window), (10, Duration::from_secs(300)));
    }

    #[test]
    fn each_limit_is_read_from_its_variable() {
        let c = config(&[
            ("SLUICE_GRAPHQL_MAX_NESTING", "16"),
            ("SLUICE_GRAPHQL_MAX_COMPLEXITY", "900"),
            ("SLUICE_GRAPHQL_MAX_ANSWER_BYTES", "1000"),
            ("SLUICE_GRAPHQL_INTROSPECTION", "false"),
            ("SLUICE_METRICS_BIND", "off"),
            ("SLUICE_TRUSTED_PROXY_HOPS", "1"),
            ("SLUICE_IAM_MAX_FAILURES", "3"),
            ("SLUICE_IAM_FAILURE_WINDOW_SECS", "60"),
        ])
        .expect("valid");
        assert_eq!(
            (c.graphql.max_nesting, c.graphql.max_complexity, c.graphql.max_answer_bytes),
            (16, 900, 1000)
        );
        assert!(!c.graphql.introspection);
        assert_eq!((c.metrics_bind, c.trusted_proxy_hops), (None, 1));
        let iam = c.iam.expect("on").failure_limit;
        assert_eq!((iam.max_failures, iam.window), (3, Duration::from_secs(60)));
    }

    #[test]
    fn a_limit_that_could_not_protect_the_server_is_refused_at_start_up() {
        let var = |vars: &[(&str, &str)]| config(vars).expect_err("refused").var;
        assert_eq!(var(&[("SLUICE_GRAPHQL_MAX_NESTING", "1000")]), "SLUICE_GRAPHQL_MAX_NESTING");
        assert_eq!(var(&[("SLUICE_GRAPHQL_MAX_NESTING", "0")]), "SLUICE_GRAPHQL_MAX_NESTING");
        assert_eq!(var(&[("SLUICE_GRAPHQL_MAX_COMPLEXITY", "0")]), "SLUICE_GRAPHQL_MAX_COMPLEXITY");
        assert_eq!(var(&[("SLUICE_METRICS_BIND", "everywhere")]), "SLUICE_METRICS_BIND");
        assert_eq!(var(&[("SLUICE_TRUSTED_PROXY_HOPS", "-1")]), "SLUICE_TRUSTED_PROXY_HOPS");
        assert_eq!(var(&[("SLUICE_IAM_MAX_FAILURES", "0")]), "SLUICE_IAM_MAX_FAILURES");
    }
}
