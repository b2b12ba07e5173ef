//! Who is making a request. Every service method that touches tenant data takes `&Actor` first,
//! so there is no path to a read or a write without one.
//!
//! Its fields are private: a user actor is built only by the auth layer (`api/src/auth`) and the
//! test kit, from a verified token or IAM signature, and a task acts as a named system actor
//! that the activity trail records. `core/tests/architecture` fails the build when either
//! constructor is called anywhere else.

use std::collections::BTreeSet;

/// The issuer recorded for the platform's own tasks.
pub const SYSTEM_ISSUER: &str = "sluice:system";

/// The issuer recorded for requests signed with AWS credentials and mapped to a user by an IAM
/// principal mapping.
pub const IAM_ISSUER: &str = "sluice:iam";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor {
    /// Who vouched for the user: the token's `iss`, `sluice:iam` for IAM-signed requests, or
    /// [`SYSTEM_ISSUER`]. Two issuers may both have an "alice"; they are different actors.
    issuer: String,
    /// Stable user name within its issuer.
    username: String,
    /// Teams (IdP groups) the user belongs to. Sorted and de-duplicated; none for a system actor.
    groups: Vec<String>,
    /// Member of the configured admin group. Bypasses tenant checks only.
    is_admin: bool,
    system: bool,
    /// The AWS principal (ARN) an IAM-signed request came from, which the activity trail
    /// records: one mapping's pattern may match many roles and sessions.
    principal: Option<String>,
}

impl Actor {
    /// A signed-in user. For the auth layer and the test kit only.
    pub fn authenticated(
        issuer: impl Into<String>,
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
        Self {
            issuer: issuer.into(),
            username: username.into(),
            groups,
            is_admin,
            system: false,
            principal: None,
        }
    }

    /// A caller that signed its request with AWS credentials of `principal` (the ARN STS
    /// answered), acting as the user and teams its IAM principal mapping names. For the auth
    /// layer and the test kit only.
    pub fn iam(
        principal: impl Into<String>,
        username: impl Into<String>,
        groups: impl IntoIterator<Item = String>,
        admin_group: &str,
    ) -> Self {
        Self {
            principal: Some(principal.into()),
            ..Self::authenticated(IAM_ISSUER, username, groups, admin_group)
        }
    }

    /// The platform acting on its own, for a task that was authorised when it was queued (or a
    /// schedule the operator set up). It holds no team and no admin rights, so it passes no
    /// user's permission check; it reaches only what `Core::system` hands to it.
    pub fn system(task: &'static str) -> Self {
        Self {
            issuer: SYSTEM_ISSUER.to_owned(),
            username: format!("system:{task}"),
            groups: Vec::new(),
            is_admin: false,
            system: true,
            principal: None,
        }
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn username(&self) -> &str {
        &self.username
    }

    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    pub fn is_admin(&self) -> bool {
        self.is_admin
    }

    pub fn is_system(&self) -> bool {
        self.system
    }

    /// The AWS principal of an IAM-signed request; `None` for anyone else.
    pub fn principal(&self) -> Option<&str> {
        self.principal.as_deref()
    }

    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }

    /// The teams of the user named `userid` (data.all's `getGroupsForUser`), for that user
    /// alone. Sluice learns a user's teams only from the groups claim of their own sign-in and
    /// keeps no directory of them, so it can answer for the caller and no one else; asking
    /// about anyone else is refused, platform admins included, as data.all refuses it.
    pub fn teams_of(&self, userid: &str) -> crate::Result<&[String]> {
        if !self.system && userid == self.username {
            return Ok(&self.groups);
        }
        Err(crate::Error::refused(
            self,
            crate::error::Denied::Operation,
            "Sluice knows a user's teams only from that user's own sign-in; \
             ask for your own, with your username as userid",
        ))
    }

    /// The same actor holding `team` alone, for checks of what one team may do.
    pub(crate) fn narrowed_to(&self, team: &str) -> Self {
        Self { groups: vec![team.to_owned()], ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_trimmed_sorted_and_deduplicated() {
        let actor =
            Actor::authenticated("iss", "a", ["B".into(), " A ".into(), "B".into(), "".into()], "Admins");
        assert_eq!(actor.groups(), ["A".to_owned(), "B".to_owned()]);
        assert!(!actor.is_admin());
    }

    #[test]
    fn admin_follows_the_configured_group() {
        assert!(Actor::authenticated("iss", "a", ["Ops".into()], "Ops").is_admin());
        assert!(!Actor::authenticated("iss", "a", ["DAAdministrators".into()], "Ops").is_admin());
    }

    #[test]
    fn the_same_name_from_two_issuers_is_two_actors() {
        let cognito = Actor::authenticated("https://cognito", "alice", ["TeamA".into()], "Admins");
        let dev = Actor::authenticated("http://dev", "alice", ["TeamA".into()], "Admins");
        assert_ne!(cognito, dev);
    }

    #[test]
    fn a_user_learns_their_own_teams_and_no_one_elses() {
        let alice = Actor::authenticated("iss", "alice", ["TeamA".into(), "TeamB".into()], "Admins");
        assert_eq!(alice.teams_of("alice").expect("her own"), ["TeamA".to_owned(), "TeamB".to_owned()]);
        let refused = alice.teams_of("bob").expect_err("someone else's");
        assert_eq!(refused.code(), "FORBIDDEN");
        assert!(refused.to_string().contains("own sign-in"), "{refused}");
        let admin = Actor::authenticated("iss", "dave", ["Admins".into()], "Admins");
        assert_eq!(admin.teams_of("alice").expect_err("admins too").code(), "FORBIDDEN");
        let system = Actor::system("task");
        assert_eq!(system.teams_of("system:task").expect_err("no user").code(), "FORBIDDEN");
    }

    #[test]
    fn an_iam_caller_is_its_mapped_user_and_keeps_its_principal() {
        let arn = "arn:aws:sts::111122223333:assumed-role/etl/run-1";
        let caller = Actor::iam(arn, "etl", ["TeamA".into()], "Admins");
        assert_eq!(caller.issuer(), IAM_ISSUER);
        assert_eq!(caller.username(), "etl");
        assert_eq!(caller.principal(), Some(arn));
        assert_eq!(caller.groups(), ["TeamA".to_owned()]);
        assert_eq!(Actor::authenticated("iss", "etl", [], "Admins").principal(), None);
    }

    #[test]
    fn a_system_actor_holds_no_team_and_no_admin_rights() {
        let system = Actor::system("share.process");
        assert!(system.is_system());
        assert!(!system.is_admin());
        assert!(system.groups().is_empty());
        assert_eq!(system.username(), "system:share.process");
        assert_eq!(system.issuer(), SYSTEM_ISSUER);
    }
}
