//! What each case acts on, made through core as its owners would.

use serde_json::json;

use super::Ctx;
use crate::{organizations::create_org, support::TestApp};

/// Everything a case may act on, made fresh for one call.
#[derive(Default)]
pub(super) struct World {
    org: String,
    env: String,
    stack: String,
    account: String,
    env_account: String,
    principal: String,
    task: String,
    dataset: String,
    table: String,
    column: String,
    folder: String,
    share: String,
    share_item: String,
    data_filter: String,
    attached_filter: String,
    mapping: String,
    glossary: String,
    category: String,
    term: String,
    link: String,
    notification: String,
    subscription: String,
    delivery: String,
    network: String,
}

impl World {
    /// An organization and environment of TeamA (alice's token `member`) with TeamB invited to
    /// both (to the environment as a consumer: it may request shares into it), TeamA's consumption principal and a failed task; for the
    /// cases that need them, a dataset of TeamA with a table, column and folder, TeamB's share
    /// of the table in the state `op` acts on, and an IAM mapping.
    pub(super) async fn build(app: &TestApp, member: &str, op: &str) -> Self {
        let org = create_org(app, member, "Matrix", "TeamA").await;
        app.ok(
            member,
            "mutation($org: String!) { inviteGroupToOrganization(input: {organizationUri: $org, groupUri: \"TeamB\"}) { organizationUri } }",
            json!({"org": org}),
        )
        .await;
        let task = failed_task_on(app, &org).await;
        let env_account = next_account();
        let env = crate::environments::link(app, member, &org, &env_account).await;
        let env_uri = env["environmentUri"].as_str().expect("env").to_owned();
        let stack = env["stack"]["stackUri"].as_str().expect("stack").to_owned();
        app.ok(
            member,
            "mutation($env: String!) { inviteGroupOnEnvironment(input: {environmentUri: $env, groupUri: \"TeamB\", permissions: [\"CREATE_SHARE_OBJECT\"]}) { environmentUri } }",
            json!({"env": env_uri}),
        )
        .await;
        let added = app
            .ok(
                member,
                "mutation($env: String!, $arn: String!) { addConsumptionPrincipalToEnvironment(input: {consumptionPrincipalName: \"bi\", groupUri: \"TeamA\", IAMPrincipalArn: $arn, environmentUri: $env, dataallManaged: FULLY_MANAGED}) { consumptionPrincipalUri } }",
                json!({"env": env_uri, "arn": format!("arn:aws:iam::{env_account}:role/bi")}),
            )
            .await;
        let principal = added["addConsumptionPrincipalToEnvironment"]["consumptionPrincipalUri"]
            .as_str()
            .expect("cp")
            .to_owned();
        if op == "listValidEnvironments" {
            // A valid environment is one whose stack has deployed.
            let deployed = sluice_core::environments::stacks::DeployRecord {
                status: "CREATE_COMPLETE".into(),
                ..Default::default()
            };
            app.core.system("test").record_deploy(&stack, deployed).await.expect("deployed");
        }
        let mut world = World {
            org,
            env: env_uri,
            stack,
            env_account,
            principal,
            task,
            account: next_account(),
            ..Default::default()
        };
        // Only dataset cases get one: a dataset keeps its environment from being deleted.
        let filters = op.contains("DataFilter") || op.contains("ShareItemFilter");
        if op.contains("Dataset")
            || filters
            || op.contains("Share")
            || op.contains("Vote")
            || op.contains("Feed")
            || op.contains("TermAssociation")
            || op.contains("KeyValueTags")
            || op.contains("Notification")
            || op == "syncTables"
            || op == "startGlueCrawler"
            || op == "getS3ConsumptionData"
            || op == "getEffectiveAccess"
        {
            let created = app
                .ok(
                    member,
                    "mutation($env: String!) { createDataset(input: {label: \"Orders\", environmentUri: $env, SamlAdminGroupName: \"TeamA\"}) { datasetUri } }",
                    json!({"env": world.env}),
                )
                .await;
            world.dataset = created["createDataset"]["datasetUri"].as_str().expect("dataset").to_owned();
            (world.table, world.column) = table_of(app, &world.dataset).await;
            world.folder = folder_of(app, &world.dataset).await;
        }
        if op.contains("Share") || filters || matches!(op, "getS3ConsumptionData") {
            (world.share, world.share_item) =
                share_of(app, &world.env, &world.dataset, &world.table, op).await;
        }
        if filters {
            filters_of(app, &mut world, op).await;
        }
        if op.contains("Notification") {
            (world.share, world.share_item) =
                share_of(app, &world.env, &world.dataset, &world.table, "notification").await;
            world.notification = notification_of(app, &world.share).await;
        }
        if op.contains("EventSubscription") || op.contains("EventDeliver") {
            world.subscription = subscription_of(app, &world.org).await;
        }
        if op == "redeliverEventDelivery" {
            world.delivery = dead_delivery_of(app, &world.subscription).await;
        }
        if op.contains("Network") {
            let made = app
                .ok(
                    member,
                    "mutation($env: String!) { createNetwork(input: {environmentUri: $env, SamlGroupName: \"TeamA\", label: \"etl\", vpcId: \"vpc-0a1b2c3d\"}) { vpcUri } }",
                    json!({"env": world.env}),
                )
                .await;
            world.network = made["createNetwork"]["vpcUri"].as_str().expect("network").to_owned();
        }
        if op.contains("IamPrincipalMapping") {
            world.mapping = mapping_of(app, &world.account).await;
        }
        if ["Glossar", "Category", "Term"].iter().any(|part| op.contains(part)) {
            glossary_of(app, &mut world).await;
        }
        world
    }

    /// The world as a case sees it, called by a member of `team`.
    pub(super) fn ctx<'a>(&'a self, team: &'a str) -> Ctx<'a> {
        Ctx {
            org: &self.org,
            env: &self.env,
            stack: &self.stack,
            account: &self.account,
            env_account: &self.env_account,
            principal: &self.principal,
            task: &self.task,
            team,
            dataset: &self.dataset,
            table: &self.table,
            column: &self.column,
            folder: &self.folder,
            share: &self.share,
            share_item: &self.share_item,
            data_filter: &self.data_filter,
            attached_filter: &self.attached_filter,
            mapping: &self.mapping,
            glossary: &self.glossary,
            category: &self.category,
            term: &self.term,
            link: &self.link,
            notification: &self.notification,
            subscription: &self.subscription,
            delivery: &self.delivery,
            network: &self.network,
        }
    }
}

/// An IAM principal mapping, made by an admin.
async fn mapping_of(app: &TestApp, account: &str) -> String {
    let admin = sluice_core::testkit::user("sys", &["DAAdministrators"]);
    let input = sluice_core::iam::IamPrincipalMappingInput {
        arn_pattern: format!("arn:aws:iam::{account}:role/Existing"),
        username: "ci".into(),
        groups: vec![],
        allow_session_name: false,
    };
    app.core.iam_principals().create(&admin, input).await.expect("mapping").mapping_uri
}

/// TeamA's glossary with a category and a term, and, with a table, the term linked to it.
async fn glossary_of(app: &TestApp, world: &mut World) {
    use sluice_core::glossaries::{NewNode, NodeType};
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    let glossaries = app.core.glossaries();
    let node = |label: &str| NewNode { label: Some(label.into()), ..Default::default() };
    world.glossary = glossaries
        .create_glossary(&alice, node(&format!("Terms of {}", world.org)))
        .await
        .expect("glossary")
        .node_uri;
    world.category = glossaries
        .create_child(&alice, &world.glossary, NodeType::Category, node("Sales"))
        .await
        .expect("cat")
        .node_uri;
    world.term = glossaries
        .create_child(&alice, &world.category, NodeType::Term, node("Churn"))
        .await
        .expect("term")
        .node_uri;
    if !world.table.is_empty() {
        let change = sluice_core::datasets::tables::ModifyTable {
            terms: Some(vec![world.term.clone()]),
            ..Default::default()
        };
        app.core.datasets().update_table(&alice, &world.table, change).await.expect("linked");
        let links = glossaries.links_of(std::slice::from_ref(&world.table)).await.expect("links");
        world.link = links[&world.table][0].link_uri.clone();
    }
}

/// A fresh 12-digit account id, so links never collide.
fn next_account() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    format!("{:012}", 200_000_000_000 + NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
}

/// A task on the organization that has failed, as retryTask needs.
async fn failed_task_on(app: &TestApp, org: &str) -> String {
    use sluice_core::tasks::NewTask;
    let new = NewTask {
        action: "test.noop".into(),
        target_uri: org.into(),
        target_type: "organization".into(),
        payload: json!({}),
    };
    sluice_core::testkit::outbox::failed(&app.core, new, "boom").await.task_uri
}

/// A table synced into the dataset, and its first column.
async fn table_of(app: &TestApp, dataset_uri: &str) -> (String, String) {
    crate::support::two_teams::sync_orders(app, dataset_uri).await;
    let page = sluice_core::page::PageRequest::new(Some(1), Some(1)).expect("page");
    let admin = sluice_core::testkit::user("sys", &["TeamA"]);
    let tables =
        app.core.datasets().list_tables(&admin, Some(dataset_uri), None, page).await.expect("tables");
    let table = tables.nodes[0].table_uri.clone();
    let columns = app.core.datasets().list_columns(&admin, &table, None, page).await.expect("columns");
    (table, columns.nodes[0].column_uri.clone())
}

/// TeamB's share of the table, in the state `op` acts on.
async fn share_of(app: &TestApp, env: &str, dataset: &str, table: &str, op: &str) -> (String, String) {
    let bob = sluice_core::testkit::user("bob", &["TeamB"]);
    let request = sluice_core::shares::NewShare {
        environment_uri: env.into(),
        group_uri: "TeamB".into(),
        principal_id: "TeamB".into(),
        principal_type: "Group".into(),
        request_purpose: None,
        permissions: vec![],
        ..Default::default()
    };
    let shares = app.core.shares();
    let extending = matches!(
        op,
        "submitShareExtension"
            | "approveShareExtension"
            | "cancelShareExtension"
            | "updateShareExpirationPeriod"
            | "updateShareExtensionReason"
    );
    if extending {
        crate::share_expiry::expire_monthly(app, dataset).await;
    }
    let share = shares.create(&bob, dataset, Some((table, "Table")), request).await.expect("share").share_uri;
    if matches!(op, "submitShareExtension" | "approveShareExtension" | "cancelShareExtension") {
        crate::support::two_teams::mark_processed(app, &share).await;
    }
    if matches!(op, "approveShareExtension" | "cancelShareExtension") {
        shares.submit_extension(&bob, &share, Some(2), Some("more"), false).await.expect("extension");
    }
    if matches!(op, "approveShareObject" | "rejectShareObject" | "updateShareRejectReason" | "notification") {
        shares.submit(&bob, &share).await.expect("submitted");
    }
    if matches!(
        op,
        "revokeItemsShareObject"
            | "verifyItemsShareObject"
            | "reApplyItemsShareObject"
            | "listSharedDatasetTableColumns"
    ) {
        crate::support::two_teams::mark_shared(app, &share).await;
    }
    let page = sluice_core::page::PageRequest::new(Some(1), Some(1)).expect("page");
    let items = shares.items(&bob, &share, &Default::default(), page).await.expect("items");
    (share, items.nodes[0].share_item_uri.clone())
}

/// TeamA's ROW filter on the table and, for the cases on an attachment, TeamB's attachment of
/// it to its draft share's item.
async fn filters_of(app: &TestApp, world: &mut World, op: &str) {
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    let new = sluice_core::datasets::tables::NewTableDataFilter {
        filter_name: "eu_only".into(),
        filter_type: "ROW".into(),
        row_expression: Some("region = 'eu'".into()),
        ..Default::default()
    };
    world.data_filter = app
        .core
        .datasets()
        .create_table_data_filter(&alice, &world.table, new)
        .await
        .expect("filter")
        .filter_uri;
    if matches!(op, "getShareItemDataFilters" | "listTableDataFiltersByAttached" | "removeShareItemFilter") {
        let bob = sluice_core::testkit::user("bob", &["TeamB"]);
        let attach = sluice_core::shares::ModifyItemFilters {
            share_item_uri: world.share_item.clone(),
            label: "EU".into(),
            filter_uris: vec![world.data_filter.clone()],
        };
        world.attached_filter = app
            .core
            .shares()
            .update_item_filters(&bob, attach)
            .await
            .expect("attached")
            .attached_data_filter_uri;
    }
}

/// A webhook of the organization, made by its admin team (TeamA).
async fn subscription_of(app: &TestApp, org: &str) -> String {
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    let new = sluice_core::events::NewSubscription {
        organization_uri: org.to_owned(),
        label: "Matrix hook".into(),
        endpoint: "https://hooks.example.com/sluice".into(),
        event_types: Vec::new(),
    };
    app.core
        .events()
        .create_subscription(&alice, new)
        .await
        .expect("subscription")
        .subscription
        .subscription_uri
}

/// A test delivery to `subscription`, given up as its last attempt would: a dead letter.
async fn dead_delivery_of(app: &TestApp, subscription: &str) -> String {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    let delivery = app.core.events().test_subscription(&alice, subscription).await.expect("test event");
    sluice_entities::event_delivery::ActiveModel {
        delivery_uri: Set(delivery.delivery_uri.clone()),
        status: Set("dead".into()),
        attempts: Set(8),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .expect("dead");
    delivery.delivery_uri
}

/// TeamA's notification of TeamB's submitted `share`.
async fn notification_of(app: &TestApp, share: &str) -> String {
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    let page = sluice_core::page::PageRequest::new(Some(1), Some(100)).expect("page");
    let inbox = app.core.notifications().list(&alice, &Default::default(), page).await.expect("inbox");
    inbox
        .nodes
        .into_iter()
        .find(|n| n.target_uri.starts_with(share))
        .expect("the submit notified TeamA")
        .notification_uri
}

/// A folder of the dataset, made by its admin team.
async fn folder_of(app: &TestApp, dataset_uri: &str) -> String {
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    let new =
        sluice_core::datasets::NewFolder { label: "Raw".into(), prefix: "raw".into(), ..Default::default() };
    app.core.datasets().create_folder(&alice, dataset_uri, new).await.expect("folder").location_uri
}
