//! Names of the AWS resources Sluice creates: `<resourcePrefix>-<label>-<uri>[-<suffix>]`, as
//! in data.all, cut to each service's limits and alphabet.
//!
//! The prefix comes first because the pivot role's policies only reach resources whose names
//! start with it. The uri (random, unique per environment or dataset) keeps names unique, so
//! the label is what gets shortened when a name is too long; a suffix tells apart the resources
//! of one target (the data and access-logs buckets). Every name is deterministic, so a
//! redeploy names everything the same and CloudFormation updates rather than replaces.

/// S3 bucket names: 3 to 63 characters.
pub const BUCKET_NAME_MAX: usize = 63;
/// IAM role names: at most 64 characters.
pub const ROLE_NAME_MAX: usize = 64;
/// CloudFormation stack names: at most 128 characters.
pub const STACK_NAME_MAX: usize = 128;
/// KMS alias names, `alias/` included: at most 256 characters.
pub const KMS_ALIAS_MAX: usize = 256;
/// Glue database (and table) names: at most 255 characters.
pub const GLUE_NAME_MAX: usize = 255;
/// How much of a group name a team key keeps before its hash.
const TEAM_KEY_CHARS: usize = 64;

/// The parts of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceName<'a> {
    pub prefix: &'a str,
    pub label: &'a str,
    pub uri: &'a str,
}

impl<'a> ResourceName<'a> {
    pub fn new(prefix: &'a str, label: &'a str, uri: &'a str) -> Self {
        Self { prefix, label, uri }
    }

    /// A bucket name: lowercase letters, digits and single hyphens, no dots (a dot breaks
    /// virtual-hosted TLS), at most 63 characters. Buckets share one global namespace; the uri
    /// makes the name Sluice's own.
    pub fn bucket(&self, suffix: Option<&str>) -> String {
        self.compose(BUCKET_NAME_MAX, suffix, |c| {
            let c = c.to_ascii_lowercase();
            (c.is_ascii_lowercase() || c.is_ascii_digit()).then_some(c)
        })
    }

    /// An IAM role name: letters, digits and `+=,.@_-`, at most 64 characters.
    pub fn role(&self) -> String {
        self.compose(ROLE_NAME_MAX, None, |c| {
            (c.is_ascii_alphanumeric() || "+=,.@_".contains(c)).then_some(c)
        })
    }

    /// A CloudFormation stack name: letters, digits and hyphens, starting with a letter, at
    /// most 128 characters.
    pub fn stack(&self) -> String {
        let name = self.compose(STACK_NAME_MAX, None, |c| c.is_ascii_alphanumeric().then_some(c));
        if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            name
        } else {
            fit(format!("stack-{name}"), STACK_NAME_MAX)
        }
    }

    /// A KMS alias, `alias/...`: letters, digits and `/_-`, at most 256 characters.
    pub fn kms_alias(&self) -> String {
        let name = self.compose(KMS_ALIAS_MAX - "alias/".len(), None, |c| {
            (c.is_ascii_alphanumeric() || c == '_').then_some(c)
        });
        format!("alias/{name}")
    }

    /// A Glue database name: lowercase letters, digits and single underscores, at most 255
    /// characters. Glue lowercases names itself, and Athena (and Hive) handle hyphens only
    /// quoted, so the parts are joined with `_`.
    pub fn glue_database(&self) -> String {
        self.compose(GLUE_NAME_MAX, None, |c| {
            let c = c.to_ascii_lowercase();
            (c.is_ascii_lowercase() || c.is_ascii_digit()).then_some(c)
        })
        .replace('-', "_")
    }

    /// Joins the cleaned parts with `-`, shortening the label to fit `max`. `keep` maps a
    /// character to itself (or its lowercase) when the name may hold it; everything else
    /// becomes a hyphen, and runs of hyphens become one.
    fn compose(&self, max: usize, suffix: Option<&str>, keep: impl Fn(char) -> Option<char>) -> String {
        let clean = |part: &str| clean(part, &keep);
        let prefix = clean(self.prefix);
        let uri = clean(self.uri);
        let suffix = suffix.map(clean).unwrap_or_default();
        let fixed = [prefix.as_str(), uri.as_str(), suffix.as_str()];
        let fixed_len: usize = fixed.iter().filter(|p| !p.is_empty()).map(|p| p.len() + 1).sum();
        // What is left for the label: `fixed_len` counted one hyphen per fixed part, which is
        // one more than they need among themselves, i.e. the label's own hyphen.
        let room = max.saturating_sub(fixed_len);
        let label = clean(self.label);
        let label = trim_hyphens(&label[..label.len().min(room)]);
        let name = [prefix.as_str(), label, uri.as_str(), suffix.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        // Only when prefix, uri and suffix alone are too long.
        fit(name, max)
    }
}

/// The Glue database of a dataset: see [`ResourceName::glue_database`].
pub fn glue_database_name(prefix: &str, label: &str, uri: &str) -> String {
    ResourceName::new(prefix, label, uri).glue_database()
}

/// What every bucket, role and stack name made from `prefix` starts with, for the pivot role's
/// `<prefix>*` scopes: the prefix cleaned as each kind of name cleans it (bucket names are
/// lowercase, so "Sluice" scopes buckets as "sluice").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePrefixes {
    pub bucket: String,
    pub role: String,
    pub stack: String,
    /// Without `alias/`.
    pub kms_alias: String,
    /// Glue database names, lowercase with `_` for hyphens.
    pub glue_database: String,
}

impl NamePrefixes {
    pub fn new(prefix: &str) -> Self {
        let name = ResourceName::new(prefix, "", "");
        Self {
            bucket: name.bucket(None),
            role: name.role(),
            stack: name.stack(),
            kms_alias: name.kms_alias().trim_start_matches("alias/").to_owned(),
            glue_database: name.glue_database(),
        }
    }
}

/// The part of logical ids and output keys that stands for a team: the group's ASCII letters
/// and digits (at most 64), followed by a hash of the whole group name when anything was
/// dropped, so two groups that differ only in dropped characters ("data-team" and
/// "data_team") still get different keys. It depends on the group alone, never on the other
/// teams, so inviting a team never renames (and so replaces) another team's role.
pub fn team_key(group_uri: &str) -> String {
    let kept: String = group_uri.chars().filter(char::is_ascii_alphanumeric).take(TEAM_KEY_CHARS).collect();
    if !kept.is_empty() && kept == group_uri {
        kept
    } else {
        format!("{kept}{:08x}", fnv1a(group_uri.as_bytes()))
    }
}

/// A team's folder in the environment's data bucket, `teams/<team_key>/`: safe in S3 keys and
/// free of IAM wildcards, and distinct for distinct groups.
pub fn team_folder(group_uri: &str) -> String {
    format!("teams/{}/", team_key(group_uri))
}

/// FNV-1a, 32 bits: tiny, stable across Rust versions and platforms (unlike `DefaultHasher`),
/// and enough to tell group names apart.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |hash, &b| (hash ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

fn clean(part: &str, keep: impl Fn(char) -> Option<char>) -> String {
    let mut out = String::with_capacity(part.len());
    for c in part.chars() {
        let c = keep(c).unwrap_or('-');
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    trim_hyphens(&out).to_owned()
}

fn trim_hyphens(s: &str) -> &str {
    s.trim_matches('-')
}

/// Every character `clean` keeps is ASCII, so cutting at a byte index is safe.
fn fit(name: String, max: usize) -> String {
    if name.len() <= max { name } else { trim_hyphens(&name[..max]).to_owned() }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn short_names_are_prefix_label_uri() {
        let name = ResourceName::new("sluice", "Sales Data", "ab12cd34");
        assert_eq!(name.bucket(None), "sluice-sales-data-ab12cd34");
        assert_eq!(name.bucket(Some("logs")), "sluice-sales-data-ab12cd34-logs");
        assert_eq!(name.role(), "sluice-Sales-Data-ab12cd34");
        assert_eq!(name.stack(), "sluice-Sales-Data-ab12cd34");
        assert_eq!(name.kms_alias(), "alias/sluice-Sales-Data-ab12cd34");
    }

    #[test]
    fn bucket_names_hold_only_lowercase_letters_digits_and_single_hyphens() {
        let name = ResourceName::new("Sluice_", "a.b..c__Ü--", "UR1").bucket(Some("LOGS"));
        assert_eq!(name, "sluice-a-b-c-ur1-logs");
        assert!(name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        assert!(!name.contains("--"));
    }

    #[test]
    fn a_long_label_is_shortened_and_the_uri_and_suffix_survive() {
        let label = "a-very-long-environment-label-that-goes-on-and-on-and-on-and-on";
        let name = ResourceName::new("sluice", label, "ab12cd34");
        let bucket = name.bucket(Some("logs"));
        assert_eq!(bucket.len(), BUCKET_NAME_MAX, "{bucket}");
        assert!(bucket.starts_with("sluice-a-very-long"), "{bucket}");
        assert!(bucket.ends_with("-ab12cd34-logs"), "{bucket}");
        let role = name.role();
        assert!(role.len() <= ROLE_NAME_MAX && role.ends_with("-ab12cd34"), "{role}");
        assert!(!role.contains("--"), "{role}");
    }

    #[test]
    fn a_cut_never_leaves_a_hyphen_before_the_uri() {
        // The label is cut right after one of its hyphens.
        let label = format!("{}-tail", "x".repeat(63 - "p-".len() - "-u".len() - 1));
        let bucket = ResourceName::new("p", &label, "u").bucket(None);
        assert!(!bucket.contains("--"), "{bucket}");
        assert!(bucket.len() <= BUCKET_NAME_MAX);
    }

    #[test]
    fn when_prefix_and_uri_alone_are_too_long_the_whole_name_is_cut() {
        let prefix = "p".repeat(70);
        let role = ResourceName::new(&prefix, "label", "uri").role();
        assert_eq!(role, "p".repeat(ROLE_NAME_MAX));
    }

    #[test]
    fn an_empty_label_leaves_no_double_hyphen() {
        assert_eq!(ResourceName::new("sluice", "", "ab12").role(), "sluice-ab12");
        assert_eq!(ResourceName::new("sluice", "!!!", "ab12").bucket(None), "sluice-ab12");
    }

    #[test]
    fn a_stack_name_starts_with_a_letter() {
        assert_eq!(ResourceName::new("1st", "env", "ab12").stack(), "stack-1st-env-ab12");
        assert_eq!(ResourceName::new("sluice", "env.x", "ab12").stack(), "sluice-env-x-ab12");
    }

    #[test]
    fn every_name_starts_with_its_kinds_prefix() {
        let prefixes = NamePrefixes::new("Sluice_Dev");
        assert_eq!(prefixes.bucket, "sluice-dev");
        assert_eq!(prefixes.role, "Sluice_Dev");
        let name = ResourceName::new("Sluice_Dev", "Some Label", "ab12");
        assert!(name.bucket(Some("logs")).starts_with(&prefixes.bucket));
        assert!(name.role().starts_with(&prefixes.role));
        assert!(name.stack().starts_with(&prefixes.stack));
        assert!(name.kms_alias().starts_with(&format!("alias/{}", prefixes.kms_alias)));
        assert_eq!(prefixes.glue_database, "sluice_dev");
        assert!(name.glue_database().starts_with(&prefixes.glue_database));
        assert_eq!(NamePrefixes::new("9lives").stack, "stack-9lives");
    }

    #[test]
    fn glue_database_names_are_lowercase_with_single_underscores() {
        assert_eq!(
            glue_database_name("Sluice", "Sales Data-2024", "AB12cd"),
            "sluice_sales_data_2024_ab12cd"
        );
        let name = glue_database_name("sluice_", "a.b..c__Ü--", "u1");
        assert_eq!(name, "sluice_a_b_c_u1");
        assert!(name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
        assert_eq!(glue_database_name("sluice", "", "ab12"), "sluice_ab12");
        let long = glue_database_name("sluice", &"label ".repeat(100), "ab12cd34");
        assert!(long.len() <= GLUE_NAME_MAX, "{long}");
        assert!(long.starts_with("sluice_label_") && long.ends_with("_ab12cd34"), "{long}");
        assert!(!long.contains("__"), "{long}");
    }

    #[test]
    fn team_keys_are_alphanumeric_and_tell_similar_groups_apart() {
        assert_eq!(team_key("DataTeam"), "DataTeam");
        let dash = team_key("data-team");
        let underscore = team_key("data_team");
        assert!(dash.starts_with("datateam") && underscore.starts_with("datateam"));
        assert_ne!(dash, underscore);
        assert_ne!(dash, team_key("datateam"));
        assert_eq!(dash, team_key("data-team"), "stable");
        assert!(dash.chars().all(|c| c.is_ascii_alphanumeric()), "{dash}");
        assert_eq!(dash.len(), "datateam".len() + 8);
        assert_eq!(team_key("").len(), 8);
        assert_eq!(team_key(&"g".repeat(100)).len(), 64 + 8);
    }

    #[test]
    fn team_folders_follow_team_keys() {
        assert_eq!(team_folder("DataTeam"), "teams/DataTeam/");
        assert_ne!(team_folder("a*b"), team_folder("a?b"));
        assert!(!team_folder("a*b").contains('*'));
    }
}
