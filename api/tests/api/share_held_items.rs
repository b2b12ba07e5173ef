//! A table or folder a share holds can't be deleted from Sluice: its grants in AWS would have
//! no share left to revoke them through. Once revoked, it can.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;
use sluice_entities::share_item as si;

use crate::support::{Backend, TestApp, error_code, on_both_backends, two_teams::two_teams};

const ADD_FOLDER: &str = "mutation($s: String!, $i: String!) { addSharedItem(shareUri: $s, input: {itemUri: $i, itemType: StorageLocation}) { status } }";
const DELETE_TABLE: &str = "mutation($t: String!) { deleteDatasetTable(tableUri: $t) }";
const DELETE_FOLDER: &str = "mutation($l: String!) { deleteDatasetStorageLocation(locationUri: $l) }";

async fn set_items(app: &TestApp, share: &str, status: &str) {
    si::Entity::update_many()
        .col_expr(si::Column::Status, Expr::value(status))
        .filter(si::Column::ShareUri.eq(share))
        .exec(&app.db)
        .await
        .expect("item states");
}

async fn a_shared_table_or_folder_is_revoked_before_it_is_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let (alice, bob) = (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]));
    let folder = world.add_folder(&app).await;
    let share = world.share_with_team_b(&app, &app.core, &world.env).await;
    app.ok(&bob, ADD_FOLDER, json!({"s": share, "i": folder})).await;

    // Asked for, not granted: nothing holds the items yet, so an approval could still fail
    // cleanly; granted, approved for processing, or revoking: refused, naming the share.
    for held in ["Share_Succeeded", "Share_Approved", "Revoke_In_Progress", "Revoke_Failed"] {
        set_items(&app, &share, held).await;
        for (doc, vars) in [(DELETE_TABLE, json!({"t": world.table})), (DELETE_FOLDER, json!({"l": folder}))]
        {
            let refused = app.gql(Some(&alice), doc, vars).await;
            assert_eq!(error_code(&refused), Some("INVALID_STATE"), "{held}: {refused}");
            let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains(&share) && message.contains("revoke"), "{held}: {message}");
        }
    }
    let tables = app
        .ok(
            &alice,
            "query($d: String!) { getDataset(datasetUri: $d) { tables { count } locations { count } } }",
            json!({"d": world.dataset}),
        )
        .await;
    assert_eq!(tables["getDataset"]["tables"]["count"], 1, "the refused deletes removed nothing: {tables}");
    assert_eq!(tables["getDataset"]["locations"]["count"], 1, "{tables}");

    set_items(&app, &share, "Revoke_Succeeded").await;
    assert_eq!(app.ok(&alice, DELETE_TABLE, json!({"t": world.table})).await["deleteDatasetTable"], true);
    assert_eq!(
        app.ok(&alice, DELETE_FOLDER, json!({"l": folder})).await["deleteDatasetStorageLocation"],
        true
    );
}

on_both_backends!(a_shared_table_or_folder_is_revoked_before_it_is_deleted);
