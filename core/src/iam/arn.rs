//! ARN patterns of IAM principal mappings, and how a caller's ARN (as STS's
//! GetCallerIdentity names it) is matched against them.
//!
//! - A pattern is an IAM or STS ARN in which `*` stands for any run of characters (`/` and `:`
//!   included).
//! - A caller that assumed a role, `arn:aws:sts::123456789012:assumed-role/Deployer/session`,
//!   also matches the role's own ARN, `arn:aws:iam::123456789012:role/Deployer`.
//! - STS drops a role's path from the assumed-role ARN. Role names are unique in an account
//!   whatever their path, so a role pattern with a path (`role/ci/Deployer`) matches by name
//!   alone; such a pattern must name one role exactly, because a wildcard next to a path we
//!   never see could only be guessed at.
//! - Of several matching mappings the most specific wins: one without wildcards, then the
//!   longest pattern.

use crate::{Error, Result};

const FIELD: &str = "arnPattern";
/// The placeholder for the caller's role session name in a mapping's user name.
pub const SESSION_NAME: &str = "{{SessionName}}";
const ACCOUNT_ID: &str = "{{AccountID}}";
const MAX_LEN: usize = 2048;

/// Checks a pattern an admin wants to store and returns it trimmed.
pub fn validate_pattern(pattern: &str) -> Result<String> {
    let pattern = pattern.trim();
    if pattern.is_empty() || pattern.len() > MAX_LEN {
        return Err(Error::validation(FIELD, format!("must be 1 to {MAX_LEN} characters")));
    }
    if pattern.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::validation(FIELD, "must not contain spaces"));
    }
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else {
        return Err(Error::validation(
            FIELD,
            "must be an ARN like arn:aws:iam::123456789012:role/Name (6 colon-separated fields)",
        ));
    };
    if *arn != "arn" || resource.is_empty() {
        return Err(Error::validation(FIELD, "must be an ARN like arn:aws:iam::123456789012:role/Name"));
    }
    if !is_partition(partition) {
        return Err(Error::validation(FIELD, "the partition must be named, like aws or aws-cn, without *"));
    }
    if !matches!(*service, "iam" | "sts" | "*") {
        return Err(Error::validation(FIELD, "must name an IAM or STS principal (service iam or sts)"));
    }
    if !region.is_empty() && *region != "*" {
        return Err(Error::validation(FIELD, "IAM and STS principal ARNs have an empty region field"));
    }
    if !is_account(account) {
        return Err(Error::validation(
            FIELD,
            "the account must be 12 digits: a pattern may not match principals of every AWS account",
        ));
    }
    if let Some(rest) = resource.strip_prefix("role/")
        && rest.contains('/')
        && resource.contains('*')
    {
        return Err(Error::validation(
            FIELD,
            "a role pattern with a path must name one role without *: STS drops the path from \
             assumed-role ARNs, so only the role name can be matched",
        ));
    }
    Ok(pattern.to_owned())
}

fn is_partition(partition: &str) -> bool {
    partition.starts_with("aws") && partition.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

fn is_account(account: &str) -> bool {
    account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())
}

/// The forms of a caller's ARN that patterns are compared with.
pub fn caller_forms(caller_arn: &str) -> Vec<String> {
    let mut forms = vec![caller_arn.to_owned()];
    let parts: Vec<&str> = caller_arn.splitn(6, ':').collect();
    if let [_, partition, "sts", _, account, resource] = parts.as_slice()
        && let Some(rest) = resource.strip_prefix("assumed-role/")
        && let Some((role, _session)) = rest.split_once('/')
    {
        forms.push(format!("arn:{partition}:iam::{account}:role/{role}"));
    }
    forms
}

/// The role pattern with its path dropped, as STS names the role: `role/ci/Deployer` becomes
/// `role/Deployer`. Patterns without a path come back unchanged.
fn without_role_path(pattern: &str) -> String {
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    if let [arn, partition, service, region, account, resource] = parts.as_slice()
        && let Some(rest) = resource.strip_prefix("role/")
        && let Some((_, name)) = rest.rsplit_once('/')
    {
        return format!("{arn}:{partition}:{service}:{region}:{account}:role/{name}");
    }
    pattern.to_owned()
}

/// Whether a stored pattern matches the caller. A pattern stored before accounts had to be
/// named (`arn:aws:iam::*:role/x`) matches nothing: it would let any AWS account in.
pub fn matches(pattern: &str, caller_arn: &str) -> bool {
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    if !parts.get(1).is_some_and(|p| is_partition(p)) || !parts.get(4).is_some_and(|a| is_account(a)) {
        return false;
    }
    let short = without_role_path(pattern);
    caller_forms(caller_arn).iter().any(|form| glob(pattern, form) || glob(&short, form))
}

/// Orders matching patterns: exact before wildcard, then longer (more specific) first.
pub fn specificity(pattern: &str) -> (bool, usize) {
    (!pattern.contains('*'), pattern.len())
}

/// `*` matches any run of characters, everything else itself. Iterative, with one backtrack
/// point, so a pattern full of stars costs linear time per star rather than exponential.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// The session name and account of a caller, for `{{SessionName}}` (when the mapping allows it)
/// and `{{AccountID}}` in a mapping's user name.
pub fn render_username(template: &str, caller_arn: &str, allow_session_name: bool) -> String {
    let parts: Vec<&str> = caller_arn.splitn(6, ':').collect();
    let account = parts.get(4).copied().unwrap_or_default();
    let session = parts
        .get(5)
        .and_then(|r| r.strip_prefix("assumed-role/"))
        .and_then(|r| r.split_once('/'))
        .map(|(_, s)| s)
        .unwrap_or_default();
    let named = template.replace(ACCOUNT_ID, account);
    if allow_session_name { named.replace(SESSION_NAME, session) } else { named }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SESSION: &str = "arn:aws:sts::123456789012:assumed-role/Deployer/ci-42";

    #[test]
    fn an_exact_user_arn_matches_only_itself() {
        let user = "arn:aws:iam::123456789012:user/ops/alice";
        assert!(matches(user, user));
        assert!(!matches(user, "arn:aws:iam::123456789012:user/ops/alicia"));
        assert!(!matches(user, "arn:aws:iam::210987654321:user/ops/alice"));
    }

    #[test]
    fn an_assumed_role_session_matches_its_role() {
        assert!(matches("arn:aws:iam::123456789012:role/Deployer", SESSION));
        assert!(!matches("arn:aws:iam::123456789012:role/Deploy", SESSION));
        assert!(!matches("arn:aws:iam::999999999999:role/Deployer", SESSION));
        assert!(matches("arn:aws:sts::123456789012:assumed-role/Deployer/*", SESSION));
        assert!(!matches("arn:aws:sts::123456789012:assumed-role/Deployer/other", SESSION));
    }

    #[test]
    fn a_role_with_a_path_matches_sessions_by_name() {
        assert!(matches("arn:aws:iam::123456789012:role/ci/deploy/Deployer", SESSION));
        assert!(!matches("arn:aws:iam::123456789012:role/ci/Builder", SESSION));
    }

    #[test]
    fn wildcards_cover_names_but_never_accounts() {
        assert!(!matches("arn:aws:iam::*:role/Deployer", SESSION), "stored before accounts were required");
        assert!(!matches("arn:aws:iam::1234567890*:role/Deployer", SESSION));
        assert!(!matches("arn:*:iam::123456789012:role/Deployer", SESSION));
        assert!(matches("arn:aws:iam::123456789012:role/Deploy*", SESSION));
        assert!(matches("arn:aws:iam::123456789012:role/*", SESSION));
        assert!(!matches("arn:aws:iam::123456789012:user/*", SESSION));
        assert!(!matches("arn:aws:iam::123456789012:role/*Builder", SESSION));
    }

    #[test]
    fn glob_handles_many_stars_and_anchors_both_ends() {
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxbyycd"));
        assert!(glob("**", ""));
        assert!(!glob("*a*a*a*a*a*a*a*a*b", &"a".repeat(200)));
    }

    #[test]
    fn patterns_must_be_principal_arns() {
        assert!(validate_pattern(" arn:aws:iam::123456789012:role/Deployer ").is_ok());
        assert!(validate_pattern("arn:aws-cn:iam::123456789012:role/*").is_ok());
        assert!(validate_pattern("arn:aws:sts::123456789012:assumed-role/Deployer/*").is_ok());
        for bad in [
            "",
            "Deployer",
            "arn:aws:s3:::bucket",
            "arn:aws:iam:us-east-1:123456789012:role/x",
            "arn:aws:iam::12345678901x:role/x",
            "arn:aws:iam::123456789012:role/ci/*",
            "arn:aws:iam::123456789012:role/has space",
            "arn:aws:iam::*:role/Deployer",
            "arn:aws:iam::*:role/ci/Deployer",
            "arn:aws:iam::12345678901*:role/Deployer",
            "arn:aws:iam:::role/Deployer",
            "arn:*:iam::123456789012:role/Deployer",
            "arn::iam::123456789012:role/Deployer",
        ] {
            assert!(validate_pattern(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn exact_patterns_are_more_specific_than_wildcards() {
        let exact = specificity("arn:aws:iam::123456789012:role/Deployer");
        let wide = specificity("arn:aws:iam::123456789012:role/Deployer*");
        let wider = specificity("arn:aws:iam::123456789012:role/*");
        assert!(exact > wide && wide > wider);
    }

    #[test]
    fn user_names_can_carry_the_account_and_the_session_when_allowed() {
        assert_eq!(
            render_username("ci-{{SessionName}}@{{AccountID}}", SESSION, true),
            "ci-ci-42@123456789012"
        );
        assert_eq!(
            render_username("ci-{{SessionName}}@{{AccountID}}", SESSION, false),
            "ci-{{SessionName}}@123456789012",
            "the caller's choice never reaches a name the mapping did not open to it"
        );
        assert_eq!(render_username("deployer", SESSION, true), "deployer");
    }
}
