//! Which organizations an AWS account trusts: those whose ExternalId its pivot role's trust
//! policy requires of Sluice. Sluice reads the policy back when it links an account and refuses
//! unless every way Sluice's account may assume the role requires this organization's
//! ExternalId. AWS enforces the same condition at AssumeRole; reading it here means the rule
//! holds where AssumeRole is not checked (moto) and that a role trusting Sluice without an
//! ExternalId, which any organization could use, is never linked.

use serde_json::Value;

use super::{AwsSettings, LinkError, PivotRole};
use crate::{Error, Result};

/// Assumes the account's pivot role with `external_id` and refuses, as a linking error, unless
/// its trust policy requires that ExternalId of Sluice's account.
pub(crate) async fn verify_trust(
    aws: &AwsSettings,
    account: &str,
    region: &str,
    external_id: &str,
) -> Result<()> {
    let pivot = PivotRole {
        account_id: account.to_owned(),
        region: region.to_owned(),
        role_name: aws.pivot_role_name.clone(),
        external_id: external_id.to_owned(),
    };
    let trust = aws.linker.verify(&pivot).await.map_err(|e| match e {
        LinkError::Refused(reason) => Error::validation("AwsAccountId", reason),
        LinkError::Unreachable(_) => {
            Error::InvalidState(format!("{e}; nothing was changed, try again in a moment"))
        }
    })?;
    require_external_id(&trust.trust_policy, &aws.trust_account_id, external_id)
        .map_err(|reason| Error::validation("AwsAccountId", reason))
}

/// Refuses, with what to fix, unless the trust policy lets Sluice's account (`trust_account`)
/// assume the role only with `external_id`.
pub fn require_external_id(policy: &str, trust_account: &str, external_id: &str) -> Result<(), String> {
    let policy: Value = serde_json::from_str(policy)
        .or_else(|_| serde_json::from_str(&percent_decode(policy)))
        .map_err(|_| "the pivot role's trust policy could not be read".to_owned())?;
    let statements = match policy.get("Statement") {
        Some(Value::Array(list)) => list.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => return Err("the pivot role's trust policy has no statements".into()),
    };
    let mut requiring = 0;
    for statement in &statements {
        if !allows_assume_role(statement) || !trusts_account(statement, trust_account) {
            continue;
        }
        match external_ids(statement) {
            None => {
                return Err(format!(
                    "the pivot role lets account {trust_account} assume it without an ExternalId, so any \
                     organization on this Sluice could use it; redeploy it from this organization's \
                     pivot-role template, which requires the organization's ExternalId"
                ));
            }
            Some(ids) if ids.iter().any(|id| id == external_id) => requiring += 1,
            Some(_) => {
                return Err(format!(
                    "the pivot role trusts account {trust_account} only with another ExternalId than this \
                     organization's: the account belongs to another organization. Its owner can add this \
                     organization's ExternalId to the role's trust policy to share the account"
                ));
            }
        }
    }
    if requiring == 0 {
        return Err(format!(
            "the pivot role does not trust Sluice's account {trust_account}; deploy the pivot-role template \
             shown in onboarding"
        ));
    }
    Ok(())
}

fn as_list(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

fn allows_assume_role(statement: &Value) -> bool {
    let allow = statement.get("Effect").and_then(Value::as_str) == Some("Allow");
    let actions = as_list(statement.get("Action"));
    // NotAction lets through everything it does not name, AssumeRole included.
    let not_action =
        statement.get("NotAction").is_some_and(|n| !as_list(Some(n)).iter().any(|a| covers_assume_role(a)));
    allow && (not_action || actions.iter().any(|a| covers_assume_role(a)))
}

fn covers_assume_role(action: &str) -> bool {
    let action = action.to_ascii_lowercase();
    matches!(action.as_str(), "*" | "sts:*" | "sts:assumerole" | "sts:assume*" | "sts:assumerole*")
}

/// Whether the statement's principals include Sluice's account (its root, any role or user of
/// it, or everyone).
fn trusts_account(statement: &Value, account: &str) -> bool {
    if statement.get("NotPrincipal").is_some() {
        return true;
    }
    let principals: Vec<&str> = match statement.get("Principal") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Object(map)) => as_list(map.get("AWS")),
        _ => vec![],
    };
    principals
        .iter()
        .any(|p| *p == "*" || *p == account || p.split(':').nth(4).is_some_and(|a| a == account || a == "*"))
}

/// The ExternalIds a statement requires with `StringEquals` (or `StringEqualsIgnoreCase`);
/// `None` when it requires none, or only a pattern (`StringLike`), which is no requirement.
fn external_ids(statement: &Value) -> Option<Vec<String>> {
    let conditions = statement.get("Condition")?.as_object()?;
    let mut ids = Vec::new();
    for (operator, keys) in conditions {
        if !matches!(operator.as_str(), "StringEquals" | "StringEqualsIgnoreCase") {
            continue;
        }
        for (key, values) in keys.as_object()? {
            if key.eq_ignore_ascii_case("sts:ExternalId") {
                ids.extend(as_list(Some(values)).into_iter().map(str::to_owned));
            }
        }
    }
    (!ids.is_empty()).then_some(ids)
}

/// IAM returns policy documents URL-encoded.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1..i + 3)) {
            (b'%', Some(hex)) => {
                match std::str::from_utf8(hex).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SLUICE: &str = "123456789012";

    fn trust(condition: Value) -> String {
        json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{SLUICE}:root")},
            "Action": "sts:AssumeRole",
            "Condition": condition,
        }]})
        .to_string()
    }

    #[test]
    fn a_role_requiring_this_organizations_external_id_is_trusted() {
        let policy = trust(json!({"StringEquals": {"sts:ExternalId": "org-a"}}));
        assert_eq!(require_external_id(&policy, SLUICE, "org-a"), Ok(()));
    }

    #[test]
    fn a_role_trusting_several_organizations_is_shared_by_them() {
        let policy = trust(json!({"StringEquals": {"sts:ExternalId": ["org-a", "org-b"]}}));
        assert_eq!(require_external_id(&policy, SLUICE, "org-b"), Ok(()));
    }

    #[test]
    fn a_role_of_another_organization_is_refused() {
        let policy = trust(json!({"StringEquals": {"sts:ExternalId": "org-a"}}));
        let refused = require_external_id(&policy, SLUICE, "org-b").expect_err("another organization's");
        assert!(refused.contains("belongs to another organization"), "{refused}");
    }

    #[test]
    fn a_role_without_an_external_id_or_with_a_pattern_is_refused() {
        for condition in [
            json!({}),
            json!({"StringLike": {"sts:ExternalId": "*"}}),
            json!({"Bool": {"aws:SecureTransport": "true"}}),
        ] {
            let policy = trust(condition.clone());
            let refused = require_external_id(&policy, SLUICE, "org-a").expect_err("no requirement");
            assert!(refused.contains("without an ExternalId"), "{condition}: {refused}");
        }
        let no_condition =
            json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": SLUICE}, "Action": "*"}});
        assert!(require_external_id(&no_condition.to_string(), SLUICE, "org-a").is_err());
    }

    #[test]
    fn a_second_statement_without_the_condition_reopens_the_role_and_is_refused() {
        let policy = json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{SLUICE}:root")},
             "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "org-a"}}},
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:*"},
        ]});
        assert!(require_external_id(&policy.to_string(), SLUICE, "org-a").is_err());
    }

    #[test]
    fn a_role_that_does_not_trust_sluice_is_refused_and_other_principals_do_not_matter() {
        let policy = json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        let refused = require_external_id(&policy.to_string(), SLUICE, "org-a").expect_err("no Sluice");
        assert!(refused.contains("does not trust"), "{refused}");
    }

    #[test]
    fn iam_url_encoding_is_read() {
        let policy = trust(json!({"StringEquals": {"sts:ExternalId": "org-a"}}));
        let encoded: String = policy
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect();
        assert_eq!(require_external_id(&encoded, SLUICE, "org-a"), Ok(()));
    }
}
