//! Who is making a request. Built only by the auth layer; every service method that touches
//! tenant data takes `&Actor` first, so there is no path to a write without one.

use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Stable user name: the e-mail when the issuer sends one, else the issuer's user name.
    pub username: String,
    /// Teams (IdP groups) the user belongs to. Sorted and de-duplicated.
    pub groups: Vec<String>,
    /// Member of the configured admin group. Bypasses tenant checks only.
    pub is_admin: bool,
}

impl Actor {
    pub fn new(
        username: impl Into<String>,
        groups: impl IntoIterator<Item = String>,
        admin_group: &str,
    ) -> Self {
        let groups: Vec<String> = groups
            .into_iter()
            .map(|g| g.trim().to_owned())
            .filter(|g| !g.is_empty())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let is_admin = groups.iter().any(|g| g == admin_group);
        Self { username: username.into(), groups, is_admin }
    }

    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_trimmed_sorted_and_deduplicated() {
        let actor = Actor::new("a", ["B".into(), " A ".into(), "B".into(), "".into()], "Admins");
        assert_eq!(actor.groups, vec!["A".to_owned(), "B".to_owned()]);
        assert!(!actor.is_admin);
    }

    #[test]
    fn admin_follows_the_configured_group() {
        assert!(Actor::new("a", ["Ops".into()], "Ops").is_admin);
        assert!(!Actor::new("a", ["DAAdministrators".into()], "Ops").is_admin);
    }
}
