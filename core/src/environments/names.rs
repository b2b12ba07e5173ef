//! AWS names for an environment's resources: `<resourcePrefix>-<label>-<uri>` within each
//! service's length and character rules. The URI keeps names unique however labels repeat.

fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// `<prefix>-<label>-<uri>`, the label cut so the whole fits in `max`.
fn compose(prefix: &str, label: &str, uri: &str, max: usize) -> String {
    let fixed = prefix.len() + uri.len() + 2;
    let mut label = slug(label);
    label.truncate(max.saturating_sub(fixed));
    let label = label.trim_matches('-');
    if label.is_empty() { format!("{prefix}-{uri}") } else { format!("{prefix}-{label}-{uri}") }
}

/// S3 bucket names: at most 63 lowercase characters.
pub fn bucket_name(prefix: &str, label: &str, uri: &str) -> String {
    compose(prefix, label, uri, 63)
}

/// Glue database names: lowercase letters, digits and underscores.
pub fn glue_database_name(prefix: &str, label: &str, uri: &str) -> String {
    compose(prefix, label, uri, 255).replace('-', "_")
}

/// CloudFormation stack names: at most 128 characters.
pub fn stack_name(prefix: &str, label: &str, uri: &str) -> String {
    compose(prefix, label, uri, 128)
}

/// IAM role names: at most 64 characters. One per team: the group is the label part.
pub fn team_role_name(prefix: &str, group: &str, environment_uri: &str) -> String {
    compose(prefix, group, environment_uri, 64)
}

/// The name of the permissions boundary shipped with the pivot role named `pivot_role_name`; a
/// boundary the account owner makes for an environment (`PermissionsBoundaryPolicyArn`) must
/// start with it, which is what the pivot role lets it create roles under.
pub fn boundary_policy_name(pivot_role_name: &str) -> String {
    format!("{pivot_role_name}-boundary")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_names_suit_s3_and_glue() {
        let bucket = bucket_name(
            "dl",
            "Sales Orders (EU) with a label far too long for any S3 bucket name",
            "ab12cd34",
        );
        assert!(bucket.len() <= 63 && bucket.ends_with("-ab12cd34"), "{bucket}");
        assert_eq!(glue_database_name("dl-x", "Sales Orders", "ab12cd34"), "dl_x_sales_orders_ab12cd34");
    }

    #[test]
    fn names_fit_their_limits_and_keep_the_uri() {
        let long = "A very long team name that would never fit in an IAM role name at all";
        let role = team_role_name("sluice", long, "ab12cd34");
        assert!(
            role.len() <= 64 && role.ends_with("-ab12cd34") && role.starts_with("sluice-a-very"),
            "{role}"
        );
        assert_eq!(stack_name("dl", "Finance & Risk", "ab12cd34"), "dl-finance-risk-ab12cd34");
        assert_eq!(team_role_name("dl", "!!!", "ab12cd34"), "dl-ab12cd34");
    }
}
