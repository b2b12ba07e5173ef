//! Datasets at the domain level, on Postgres and SQLite: who may create one, who sees it, and
//! what their creation, change and deletion queue. The pivot-role check is faked at its port.

mod stacks;

use std::sync::Arc;

use sluice_core::{
    Actor, Core,
    datasets::{ModifyDataset, NewDataset},
    environments::{AccountLinker, AwsSettings, LinkError, NewEnvironment, PivotRole},
    on_both_backends,
    organizations::NewOrganization,
    page::PageRequest,
    tasks::TaskFilter,
    testkit::{Backend, TestDb},
};

struct AcceptAll;

#[async_trait::async_trait]
impl AccountLinker for AcceptAll {
    async fn verify(&self, _pivot: &PivotRole) -> Result<(), LinkError> {
        Ok(())
    }
}

fn actor(name: &str, groups: &[&str]) -> Actor {
    Actor::new(name, groups.iter().map(|g| (*g).to_owned()), "DAAdministrators")
}

/// An organization and environment owned by TeamA, with TeamB invited to create datasets and
/// TeamC invited without that right.
async fn setup(backend: Backend) -> (TestDb, Core, String) {
    let db = TestDb::new(backend).await;
    let core = Core::new(db.db.clone()).with_aws(AwsSettings {
        trust_account_id: "123456789012".into(),
        pivot_role_name: "pivot".into(),
        linker: Arc::new(AcceptAll),
    });
    let alice = actor("alice", &["TeamA"]);
    for a in [&alice, &actor("bob", &["TeamB"]), &actor("carol", &["TeamC"])] {
        core.admit(a).await.expect("admit");
    }
    let org = core
        .organizations()
        .create(
            &alice,
            NewOrganization {
                label: Some("Org".into()),
                saml_group_name: Some("TeamA".into()),
                ..Default::default()
            },
        )
        .await
        .expect("org");
    let env = core
        .environments()
        .create(
            &alice,
            NewEnvironment {
                label: "Env".into(),
                organization_uri: org.organization_uri,
                saml_group_name: "TeamA".into(),
                aws_account_id: "111122223333".into(),
                region: "eu-west-1".into(),
                ..Default::default()
            },
        )
        .await
        .expect("env");
    let envs = core.environments();
    envs.invite_group(&alice, &env.environment_uri, "TeamB", &["CREATE_DATASET".into()], None)
        .await
        .expect("TeamB");
    envs.invite_group(&alice, &env.environment_uri, "TeamC", &[], None).await.expect("TeamC");
    (db, core, env.environment_uri)
}

fn new_dataset(env: &str, team: &str) -> NewDataset {
    NewDataset {
        label: "Sales Orders".into(),
        environment_uri: env.into(),
        saml_admin_group_name: team.into(),
        stewards: Some("TeamD".into()),
        confidentiality: Some("official".into()),
        ..Default::default()
    }
}

async fn a_team_with_create_dataset_publishes_and_its_readers_see_it(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let carol = actor("carol", &["TeamC"]);
    let dana = actor("dana", &["TeamD"]);
    let ds = core.datasets();

    let refused =
        ds.create(&carol, new_dataset(&env, "TeamC")).await.expect_err("TeamC lacks CREATE_DATASET");
    assert_eq!(refused.code(), "FORBIDDEN", "{refused}");
    let not_member = ds.create(&bob, new_dataset(&env, "TeamC")).await.expect_err("bob is not in TeamC");
    assert_eq!(not_member.code(), "BAD_USER_INPUT");

    let dataset = ds.create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    assert_eq!(dataset.confidentiality, "Official");
    assert!(dataset.bucket_name.starts_with("sluice-sales-orders-") && dataset.bucket_name.len() <= 63);
    assert!(dataset.glue_database_name.starts_with("sluice_sales_orders_"));
    assert_eq!(dataset.role_of(&bob), sluice_core::datasets::UserRole::Creator);

    let page = PageRequest::new(None, None).expect("page");
    assert_eq!(ds.list(&bob, None, None, page).await.expect("list").count, 1);
    assert_eq!(ds.list(&dana, None, None, page).await.expect("list").count, 1, "stewards see it");
    assert_eq!(ds.list(&carol, None, None, page).await.expect("list").count, 0);
    assert_eq!(ds.get(&carol, &dataset.dataset_uri).await.expect_err("hidden").code(), "FORBIDDEN");
    let no_update =
        ds.update(&dana, &dataset.dataset_uri, ModifyDataset::default()).await.expect_err("stewards read");
    assert_eq!(no_update.code(), "FORBIDDEN");

    let tasks = core
        .tasks()
        .list(&bob, &TaskFilter { target_uri: Some(dataset.dataset_uri.clone()), status: None }, page)
        .await
        .expect("tasks");
    let mut actions: Vec<&str> = tasks.nodes.iter().map(|t| t.action.as_str()).collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        vec!["catalog.index", "dataset.deploy"],
        "the stack deploy and the catalog entry are queued"
    );
}

async fn teams_and_environments_holding_datasets_cannot_go(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let alice = actor("alice", &["TeamA"]);
    let bob = actor("bob", &["TeamB"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");

    let removal =
        core.environments().remove_group(&alice, &env, "TeamB").await.expect_err("TeamB owns a dataset");
    assert_eq!(removal.code(), "INVALID_STATE");
    let deletion =
        core.environments().delete(&alice, &env, false).await.expect_err("the environment holds a dataset");
    assert_eq!(deletion.code(), "INVALID_STATE");

    core.datasets().delete(&bob, &dataset.dataset_uri, true).await.expect("deleted");
    core.environments().remove_group(&alice, &env, "TeamB").await.expect("now TeamB can go");
    core.environments().delete(&alice, &env, false).await.expect("and the environment too");
}

async fn stewards_can_be_changed_and_access_follows(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let dana = actor("dana", &["TeamD"]);
    let erin = actor("erin", &["TeamE"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    let changed = core
        .datasets()
        .update(
            &bob,
            &dataset.dataset_uri,
            ModifyDataset {
                stewards: Some("TeamE".into()),
                label: Some("Orders".into()),
                ..Default::default()
            },
        )
        .await
        .expect("updated");
    assert_eq!((changed.stewards.as_deref(), changed.label.as_str()), (Some("TeamE"), "Orders"));
    assert_eq!(
        core.datasets().get(&dana, &dataset.dataset_uri).await.expect_err("no longer").code(),
        "FORBIDDEN"
    );
    core.datasets().get(&erin, &dataset.dataset_uri).await.expect("the new stewards read it");
}

on_both_backends!(
    a_team_with_create_dataset_publishes_and_its_readers_see_it,
    teams_and_environments_holding_datasets_cannot_go,
    stewards_can_be_changed_and_access_follows,
);
