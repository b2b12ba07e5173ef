//! The commonest world for sharing tests: TeamA (alice) owns an organization, an environment and
//! a dataset with one table; TeamB (bob) is invited to the environment and may request shares
//! into it.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;
use sluice_core::{
    Core,
    datasets::tables::{GlueColumn, GlueTable},
};
use sluice_entities::share_item as si;

use super::TestApp;
use crate::{
    environments::link,
    organizations::{create_org, invite_to_org},
};

pub struct TwoTeams {
    pub org: String,
    pub env: String,
    pub dataset: String,
    /// The dataset's table `orders`, with one column `id`.
    pub table: String,
}

pub async fn two_teams(app: &TestApp) -> TwoTeams {
    let alice = app.token("alice", &["TeamA"]);
    // bob signs in once, so TeamB holds its tenant permissions as after a first sign-in.
    app.ok(&app.token("bob", &["TeamB"]), "{ listOrganizations { count } }", json!({})).await;
    let org = create_org(app, &alice, "Org", "TeamA").await;
    invite_to_org(app, &alice, &org, &["TeamB"]).await;
    let env =
        link(app, &alice, &org, "111122223333").await["environmentUri"].as_str().expect("env").to_owned();
    let invite = "mutation($i: InviteGroupOnEnvironmentInput!) { inviteGroupOnEnvironment(input: $i) { environmentUri } }";
    app.ok(
        &alice,
        invite,
        json!({"i": {"environmentUri": env, "groupUri": "TeamB", "permissions": ["CREATE_SHARE_OBJECT"]}}),
    )
    .await;
    let created = app
        .ok(&alice, "mutation($e: String!) { createDataset(input: {label: \"Sales\", environmentUri: $e, SamlAdminGroupName: \"TeamA\"}) { datasetUri } }", json!({"e": env}))
        .await;
    let dataset = created["createDataset"]["datasetUri"].as_str().expect("dataset").to_owned();
    sync_orders(app, &dataset).await;
    assert_synced_on_record(app, &dataset).await;
    let tables = app
        .ok(
            &alice,
            "query($d: String!) { getDataset(datasetUri: $d) { tables { nodes { tableUri } } } }",
            json!({"d": dataset}),
        )
        .await;
    let table = tables["getDataset"]["tables"]["nodes"][0]["tableUri"].as_str().expect("table").to_owned();
    TwoTeams { org, env, dataset, table }
}

/// The sync is in the activity trail, under the system actor that ran it.
async fn assert_synced_on_record(app: &TestApp, dataset: &str) {
    use sluice_entities::activity;
    let rows = activity::Entity::find()
        .filter(activity::Column::TargetUri.eq(dataset))
        .filter(activity::Column::Action.eq("syncTables"))
        .all(&app.db)
        .await
        .expect("activity");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].actor.as_str(), rows[0].actor_issuer.as_deref(), rows[0].summary.as_str()),
        ("system:test", Some("sluice:system"), "1 added, 0 updated, 0 unchanged, 0 deleted")
    );
}

/// The Glue table `orders`, with one column `id`.
pub fn orders_table() -> GlueTable {
    GlueTable {
        name: "orders".into(),
        description: None,
        location: None,
        columns: vec![GlueColumn { name: "id".into(), type_: Some("bigint".into()), comment: None }],
        partition_keys: vec![],
        parameters: Default::default(),
        table_type: None,
    }
}

/// Syncs `orders` into the dataset, as the worker's sync task would.
pub async fn sync_orders(app: &TestApp, dataset: &str) {
    let mut sync = app.core.system("test").start_table_sync(dataset, 10).await.expect("sync");
    sync.apply_page(vec![orders_table()]).await.expect("page");
    sync.finish().await.expect("finish");
}

impl TwoTeams {
    /// A folder `raw` of the dataset, made by its admin team.
    pub async fn add_folder(&self, app: &TestApp) -> String {
        let alice = sluice_core::testkit::user("alice", &["TeamA"]);
        let new = sluice_core::datasets::NewFolder {
            label: "Raw".into(),
            prefix: "raw".into(),
            ..Default::default()
        };
        app.core.datasets().create_folder(&alice, &self.dataset, new).await.expect("folder").location_uri
    }

    /// TeamB's share of the table into `env`, requested through `core` (which may see the
    /// catalog otherwise than the app's), with its item shared as if processed; returns its URI.
    pub async fn share_with_team_b(&self, app: &TestApp, core: &Core, env: &str) -> String {
        let request = sluice_core::shares::NewShare {
            environment_uri: env.to_owned(),
            group_uri: "TeamB".into(),
            principal_id: "TeamB".into(),
            principal_type: "Group".into(),
            request_purpose: Some("reports".into()),
            permissions: vec![],
            ..Default::default()
        };
        let bob = sluice_core::testkit::user("bob", &["TeamB"]);
        let share = core
            .shares()
            .create(&bob, &self.dataset, Some((&self.table, "Table")), request)
            .await
            .expect("share");
        mark_shared(app, &share.share_uri).await;
        share.share_uri
    }
}

/// The share and its items as if approved and processed: Processed, every item granted.
pub async fn mark_processed(app: &TestApp, share_uri: &str) {
    use sluice_entities::share_object as so;
    mark_shared(app, share_uri).await;
    so::Entity::update_many()
        .col_expr(so::Column::Status, Expr::value("Processed"))
        .filter(so::Column::ShareUri.eq(share_uri))
        .exec(&app.db)
        .await
        .expect("processed");
}

/// Every item of the share as if processing had granted it.
pub async fn mark_shared(app: &TestApp, share_uri: &str) {
    si::Entity::update_many()
        .col_expr(si::Column::Status, Expr::value("Share_Succeeded"))
        .filter(si::Column::ShareUri.eq(share_uri))
        .exec(&app.db)
        .await
        .expect("shared");
}
