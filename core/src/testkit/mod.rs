//! Test support shared by the crates' test suites (feature `testkit`): fresh databases, the
//! macro that runs a test on both backends, and linked accounts without AWS.

pub mod activity;
pub mod db;
pub mod fake_aws;
pub mod outbox;
pub mod pg_wire;
pub mod statements;

pub use db::{Backend, TestDb};
pub use statements::{Statements, counted_core};

/// Runs one async test body, `async fn name(backend: Backend)`, against Postgres and against
/// SQLite, as `<name>::postgres` and `<name>::sqlite`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn postgres() {
                    super::$name($crate::testkit::Backend::Postgres).await
                }
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::testkit::Backend::Sqlite).await
                }
            }
        )+
    };
}

/// The admin group the test suites configure.
pub const ADMIN_GROUP: &str = "DAAdministrators";

/// The issuer test actors carry.
pub const TEST_ISSUER: &str = "https://issuer.test";

/// A core on a connection that was never opened, for tests of code that holds a core but must
/// not reach the database (a handler's launch arguments, say).
pub fn detached_core() -> crate::Core {
    crate::Core::new(sea_orm::DatabaseConnection::default())
}

/// A signed-in user of `groups`, as the auth layer would build it; members of
/// [`ADMIN_GROUP`] are platform admins.
pub fn user(name: &str, groups: &[&str]) -> crate::Actor {
    crate::Actor::authenticated(TEST_ISSUER, name, groups.iter().map(|g| (*g).to_owned()), ADMIN_GROUP)
}

/// Invites `team` to `environment_uri` with `permissions`, as `actor` (its owner), after
/// inviting it to the environment's organization if it is not a team there yet: an
/// environment's teams come from its organization's.
pub async fn invite_to_environment(
    core: &crate::Core,
    actor: &crate::Actor,
    environment_uri: &str,
    team: &str,
    permissions: &[String],
) -> crate::Result<crate::environments::Environment> {
    let environment = core.environments().get(actor, environment_uri).await?;
    match core.organizations().invite_group(actor, &environment.organization_uri, team, &[]).await {
        Ok(_) | Err(crate::Error::Conflict(_)) => {}
        Err(e) => return Err(e),
    }
    core.environments().invite_group(actor, environment_uri, team, permissions, None).await
}
