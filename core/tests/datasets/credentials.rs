//! Credential vending's permissions at the domain level: datasets from before the release that
//! added them get them through the upgrade.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sluice_core::{on_both_backends, testkit::Backend};
use sluice_entities::resource_policy_permission as rpp;

use super::{actor, new_dataset, setup};

async fn datasets_and_environments_from_before_get_their_credential_permissions(backend: Backend) {
    let (db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let alice = actor("alice", &["TeamA"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    core.credentials().dataset_token(&bob, &dataset.dataset_uri).await.expect("the admin team's");
    // As an installation from before: no rows of the new permissions.
    rpp::Entity::delete_many()
        .filter(rpp::Column::Permission.is_in(["CREDENTIALS_DATASET", "CREDENTIALS_ENVIRONMENT"]))
        .exec(&db.db)
        .await
        .expect("delete");
    let refused =
        core.credentials().dataset_token(&bob, &dataset.dataset_uri).await.expect_err("no permission");
    assert_eq!(refused.code(), "FORBIDDEN");
    let refused = core.credentials().environment_token(&alice, &env, None).await.expect_err("no permission");
    assert_eq!(refused.code(), "FORBIDDEN");

    sluice_core::testkit::db::rerun_migration(&db.db, "m20261210_000030_credential_vending").await;

    core.credentials().dataset_token(&bob, &dataset.dataset_uri).await.expect("the admin team's again");
    core.credentials().environment_token(&alice, &env, None).await.expect("the owning team's again");
    let invited = core.credentials().environment_token(&bob, &env, Some("TeamB")).await.expect_err("invited");
    assert_eq!(invited.code(), "FORBIDDEN", "invited teams get it only from their inviter");
    let stewards = rpp::Entity::find()
        .filter(rpp::Column::Permission.eq("CREDENTIALS_DATASET"))
        .all(&db.db)
        .await
        .expect("rows");
    assert_eq!(stewards.len(), 1, "the admin team's alone: {stewards:?}");
}

on_both_backends!(datasets_and_environments_from_before_get_their_credential_permissions);
