//! What a caller outside a dataset's teams can read of it, found by walking the schema rather
//! than by listing fields by hand: each query below asks for every field the schema has (to a
//! depth), drops the fields the server refuses, and collects those that answered with a value.
//! The result must equal a reviewed list, so a field added to a type an outsider reaches is
//! either refused to them or added here after someone decided it may be shown.

use std::collections::{BTreeSet, HashMap};

use async_graphql_parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use serde_json::{Value, json};
use sluice_api::graphql::Limits;

use crate::{
    environments::{CREATE, link_input},
    support::{
        Backend, Options, TestApp, on_both_backends,
        two_teams::{TwoTeams, two_teams},
    },
};

/// Objects inside one another that a walk asks for, below the operation's own.
const DEPTH: usize = 3;

struct Field {
    name: String,
    ty: String,
    /// Takes an argument that must be given: left out of the walk.
    needs_arguments: bool,
}

/// The schema's object types and their fields, and its unions; every other named type is a
/// leaf.
struct Shapes(HashMap<String, Vec<Field>>, BTreeSet<String>);

fn named(ty: &Type) -> String {
    match &ty.base {
        BaseType::Named(name) => name.to_string(),
        BaseType::List(inner) => named(inner),
    }
}

impl Shapes {
    fn load() -> Self {
        let doc = async_graphql_parser::parse_schema(sluice_api::graphql::sdl()).expect("the schema parses");
        let mut objects = HashMap::new();
        let mut unions = BTreeSet::new();
        for def in doc.definitions {
            let TypeSystemDefinition::Type(ty) = def else { continue };
            if let TypeKind::Union(_) = &ty.node.kind {
                unions.insert(ty.node.name.node.to_string());
            }
            let TypeKind::Object(object) = &ty.node.kind else { continue };
            let fields = object
                .fields
                .iter()
                .map(|f| Field {
                    name: f.node.name.node.to_string(),
                    ty: named(&f.node.ty.node),
                    needs_arguments: f
                        .node
                        .arguments
                        .iter()
                        .any(|a| !a.node.ty.node.nullable && a.node.default_value.is_none()),
                })
                .collect();
            objects.insert(ty.node.name.node.to_string(), fields);
        }
        Self(objects, unions)
    }

    fn field(&self, ty: &str, name: &str) -> Option<&Field> {
        self.0.get(ty)?.iter().find(|f| f.name == name)
    }

    /// Every field of `ty` but the `dropped` ones (as `Type.field`), objects to `depth`.
    fn selection(&self, ty: &str, depth: usize, dropped: &BTreeSet<String>) -> String {
        let Some(fields) = self.0.get(ty) else { return String::new() };
        let mut out = Vec::new();
        for f in
            fields.iter().filter(|f| !f.needs_arguments && !dropped.contains(&format!("{ty}.{}", f.name)))
        {
            if self.0.contains_key(&f.ty) {
                if depth > 0 {
                    let inner = self.selection(&f.ty, depth - 1, dropped);
                    if !inner.is_empty() {
                        out.push(format!("{} {{ {inner} }}", f.name));
                    }
                }
            } else if self.1.contains(&f.ty) {
                // A union's members are walked where they are reached as themselves.
                out.push(format!("{} {{ __typename }}", f.name));
            } else {
                out.push(f.name.clone());
            }
        }
        out.join(" ")
    }

    /// `Type.field` of the field an error's path ends at, from the root type `Query`.
    fn field_at(&self, path: &[Value]) -> Option<String> {
        let mut ty = "Query".to_owned();
        let mut last = None;
        for step in path {
            let Some(name) = step.as_str() else { continue };
            let field = self.field(&ty, name)?;
            last = Some(format!("{ty}.{name}"));
            ty = field.ty.clone();
        }
        last
    }

    /// `Type.field` of every field under `value` (of type `ty`) that holds something.
    fn answered(&self, ty: &str, value: &Value, into: &mut BTreeSet<String>) {
        match value {
            Value::Array(items) => items.iter().for_each(|item| self.answered(ty, item, into)),
            Value::Object(map) => {
                for (name, inner) in map {
                    let Some(field) = self.field(ty, name) else { continue };
                    let empty = inner.is_null() || inner.as_array().is_some_and(Vec::is_empty);
                    if !empty {
                        into.insert(format!("{ty}.{name}"));
                        self.answered(&field.ty.clone(), inner, into);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Asks `op` (with `args`, typed in `params`) for everything, as `token`, leaving out each field
/// the server refuses until it answers; returns the fields that held a value and those refused.
async fn walk(
    app: &TestApp,
    shapes: &Shapes,
    token: &str,
    (op, params, args): (&str, &str, &str),
    vars: &Value,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let ty = shapes.field("Query", op).expect("a query").ty.clone();
    let mut refused = BTreeSet::new();
    for _ in 0..50 {
        let doc = format!("query{params} {{ {op}{args} {{ {} }} }}", shapes.selection(&ty, DEPTH, &refused));
        let body = app.gql(Some(token), &doc, vars.clone()).await;
        let errors = body["errors"].as_array().cloned().unwrap_or_default();
        if errors.is_empty() {
            let mut answered = BTreeSet::new();
            shapes.answered(&ty, &body["data"][op], &mut answered);
            return (answered, refused);
        }
        for error in errors {
            let path = error["path"].as_array().cloned().unwrap_or_default();
            let field =
                shapes.field_at(&path).unwrap_or_else(|| panic!("{op}: an error off any field: {error}"));
            assert_ne!(field, format!("Query.{op}"), "{op} itself was refused: {error}");
            assert!(refused.insert(field.clone()), "{op}: {field} refused again: {error}");
        }
    }
    panic!("{op}: more than 50 rounds of refusals");
}

/// Fails unless `who` was shown exactly the `reviewed` fields, naming the difference.
fn assert_reviewed(who: &str, shown: &BTreeSet<String>, reviewed: &BTreeSet<String>) {
    let extra: Vec<_> = shown.difference(reviewed).collect();
    let gone: Vec<_> = reviewed.difference(shown).collect();
    assert!(
        extra.is_empty() && gone.is_empty(),
        "shown to {who} but not reviewed: {extra:#?}\nreviewed but no longer shown: {gone:#?}"
    );
}

/// What a share's requesting team reads of it: besides the share itself, the producer's
/// account (`DatasetLink.AwsAccountId`) and the Glue database and table the plan grants on,
/// which the requester needs to query what is shared. Of the environments, besides their card,
/// data.all's fields that Sluice answers alike for every environment (`validated`, and `false`
/// for what Sluice lacks: a default environment, SNS topics); they tell nothing about one.
fn requester_view() -> BTreeSet<String> {
    set(&[
        "DatasetLink.AwsAccountId",
        "DatasetLink.SamlAdminGroupName",
        "DatasetLink.datasetName",
        "DatasetLink.datasetType",
        "DatasetLink.datasetUri",
        "DatasetLink.enableExpiration",
        "DatasetLink.environmentName",
        "DatasetLink.exists",
        "DatasetLink.region",
        "Environment.AwsAccountId",
        "Environment.SamlGroupName",
        "Environment.admins",
        "Environment.environmentType",
        "Environment.environmentUri",
        "Environment.isOrganizationDefaultEnvironment",
        "Environment.label",
        "Environment.name",
        "Environment.organization",
        "Environment.region",
        "Environment.subscriptionsConsumersTopicImported",
        "Environment.subscriptionsEnabled",
        "Environment.subscriptionsProducersTopicImported",
        "Environment.userRoleInEnvironment",
        "Environment.validated",
        "OrganizationSimplified.label",
        "OrganizationSimplified.name",
        "OrganizationSimplified.organizationUri",
        "PlannedGrant.account",
        "PlannedGrant.catalogId",
        "PlannedGrant.database",
        "PlannedGrant.grantOption",
        "PlannedGrant.permissions",
        "PlannedGrant.principal",
        "PlannedGrant.table",
        "Principal.IAMPrincipalType",
        "Principal.SamlGroupName",
        "Principal.environmentName",
        "Principal.principalId",
        "Principal.principalName",
        "Principal.principalRoleName",
        "Principal.principalType",
        "ShareItem.itemName",
        "ShareItem.itemType",
        "ShareItem.itemUri",
        "ShareItem.shareItemUri",
        "ShareItem.shareUri",
        "ShareItem.status",
        "ShareItemPlan.grantsInSource",
        "ShareItemPlan.item",
        "ShareObject.alreadyExisted",
        "ShareObject.canViewLogs",
        "ShareObject.created",
        "ShareObject.dataset",
        "ShareObject.datasetUri",
        "ShareObject.environment",
        "ShareObject.existingSharedItems",
        "ShareObject.group",
        "ShareObject.items",
        "ShareObject.nonExpirable",
        "ShareObject.owner",
        "ShareObject.permissions",
        "ShareObject.plan",
        "ShareObject.policyManagement",
        "ShareObject.principal",
        "ShareObject.requestPurpose",
        "ShareObject.shareUri",
        "ShareObject.statistics",
        "ShareObject.status",
        "ShareObject.submittedForExtension",
        "ShareObject.updated",
        "ShareObject.userRoleForShareObject",
        "ShareObjectStatistic.failedItems",
        "ShareObjectStatistic.pendingItems",
        "ShareObjectStatistic.revokedItems",
        "ShareObjectStatistic.sharedItems",
        "SharePlan.action",
        "SharePlan.items",
        "SharedItemSearchResult.count",
        "SharedItemSearchResult.countExact",
        "SharedItemSearchResult.hasNext",
        "SharedItemSearchResult.hasPrevious",
        "SharedItemSearchResult.nodes",
        "SharedItemSearchResult.page",
        "SharedItemSearchResult.pageSize",
        "SharedItemSearchResult.pages",
    ])
}

/// What an outsider reads of glossaries and of the terms on an item.
fn glossary_view() -> BTreeSet<String> {
    set(&[
        "CatalogHit.upvotes",
        "Dataset.termLinks",
        "Dataset.terms",
        "DatasetStorageLocation.termLinks",
        "DatasetStorageLocation.terms",
        "DatasetTable.termLinks",
        "DatasetTable.terms",
        "DatasetTableColumn.terms",
        "Glossary.admin",
        "Glossary.created",
        "Glossary.isMatch",
        "Glossary.label",
        "Glossary.nodeUri",
        "Glossary.owner",
        "Glossary.parentUri",
        "Glossary.path",
        "Glossary.readme",
        "Glossary.status",
        "Glossary.updated",
        "Glossary.userRoleForGlossary",
        "GlossaryChildrenSearchResult.count",
        "GlossaryChildrenSearchResult.countExact",
        "GlossaryChildrenSearchResult.hasNext",
        "GlossaryChildrenSearchResult.hasPrevious",
        "GlossaryChildrenSearchResult.page",
        "GlossaryChildrenSearchResult.pageSize",
        "GlossaryChildrenSearchResult.pages",
        "GlossaryNodeStatistics.associations",
        "GlossaryNodeStatistics.categories",
        "GlossaryNodeStatistics.terms",
        "GlossaryTermLink.approvedByOwner",
        "GlossaryTermLink.approvedBySteward",
        "GlossaryTermLink.created",
        "GlossaryTermLink.linkUri",
        "GlossaryTermLink.nodeUri",
        "GlossaryTermLink.owner",
        "GlossaryTermLink.target",
        "GlossaryTermLink.targetType",
        "GlossaryTermLink.targetUri",
        "GlossaryTermLink.term",
        "GlossaryTermLink.updated",
        "GlossaryTermLinkTarget.label",
        "Term.associations",
        "Term.children",
        "Term.created",
        "Term.glossary",
        "Term.isMatch",
        "Term.label",
        "Term.nodeUri",
        "Term.owner",
        "Term.parentUri",
        "Term.path",
        "Term.readme",
        "Term.stats",
        "Term.status",
        "Term.updated",
        "TermLinkSearchResults.count",
        "TermLinkSearchResults.countExact",
        "TermLinkSearchResults.hasNext",
        "TermLinkSearchResults.hasPrevious",
        "TermLinkSearchResults.nodes",
        "TermLinkSearchResults.page",
        "TermLinkSearchResults.pageSize",
        "TermLinkSearchResults.pages",
        "TermSearchResult.count",
        "TermSearchResult.countExact",
        "TermSearchResult.hasNext",
        "TermSearchResult.hasPrevious",
        "TermSearchResult.nodes",
        "TermSearchResult.page",
        "TermSearchResult.pageSize",
        "TermSearchResult.pages",
    ])
}

/// TeamA's glossary term "Churn", linked to the table by TeamA (so approved at once), for the
/// walk to reach what a link shows.
async fn link_a_term(app: &TestApp, table: &str) {
    use sluice_core::glossaries::{NewNode, NodeType};
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    let glossaries = app.core.glossaries();
    let node = |label: &str| NewNode { label: Some(label.into()), ..Default::default() };
    let glossary = glossaries.create_glossary(&alice, node("Terms")).await.expect("glossary").node_uri;
    let term = glossaries.create_child(&alice, &glossary, NodeType::Term, node("Churn")).await.expect("term");
    let change =
        sluice_core::datasets::tables::ModifyTable { terms: Some(vec![term.node_uri]), ..Default::default() };
    app.core.datasets().update_table(&alice, table, change).await.expect("linked");
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

async fn outsiders_read_only_the_reviewed_catalog_view(backend: Backend) {
    let limits = Limits { max_complexity: 1_000_000, ..Limits::default() };
    let app = TestApp::spawn_with(backend, Options { limits: Some(limits), ..Default::default() }).await;
    let shapes = Shapes::load();
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    let world = two_teams(&app).await;
    let folder = world.add_folder(&app).await;
    app.run_index_tasks().await;
    let share = world.share_with_team_b(&app, &app.core, &world.env).await;
    let TwoTeams { dataset, table, .. } = world;
    link_a_term(&app, &table).await;

    let uri = |name: &str| ("($u: String!)".to_owned(), format!("({name}: $u)"));
    let mut seen = BTreeSet::new();
    let mut refused = BTreeSet::new();
    let walks = [
        ("getDataset", uri("datasetUri"), json!({"u": dataset})),
        ("getDatasetTable", uri("tableUri"), json!({"u": table})),
        ("listDatasetTableColumns", uri("tableUri"), json!({"u": table})),
        ("getDatasetStorageLocation", uri("locationUri"), json!({"u": folder})),
        ("listDatasetTablesFolders", uri("datasetUri"), json!({"u": dataset})),
        ("searchCatalog", (String::new(), "(input: {term: \"sales\"})".to_owned()), json!({})),
    ];
    for (op, (params, args), vars) in &walks {
        let (answered, denied) = walk(&app, &shapes, &carol, (op, params, args), vars).await;
        seen.extend(answered);
        refused.extend(denied);
    }
    let expected_refused =
        set(&["Dataset.restricted", "DatasetStorageLocation.restricted", "DatasetTable.restricted"]);
    assert_eq!(refused, expected_refused, "what an outsider is refused outright");
    // The catalog entry: names, descriptions, owners and teams, where in the organization it
    // is, tables, columns and folder prefixes. Never an account, bucket, Glue database, key or
    // role: those are in the `restricted` fields refused above.
    let outsider_view = set(&[
        "CatalogFacetValue.count",
        "CatalogFacetValue.value",
        "CatalogFacets.confidentiality",
        "CatalogFacets.environmentUri",
        "CatalogFacets.organizationUri",
        "CatalogFacets.region",
        "CatalogFacets.resourceKind",
        "CatalogHit.datasetUri",
        "CatalogHit.highlight",
        "CatalogHit.kind",
        "CatalogHit.label",
        "CatalogHit.name",
        "CatalogHit.snippet",
        "CatalogHit.uri",
        "CatalogHit.userRoleForDataset",
        "CatalogSearchResult.count",
        "CatalogSearchResult.facets",
        "CatalogSearchResult.hasNext",
        "CatalogSearchResult.hasPrevious",
        "CatalogSearchResult.nodes",
        "CatalogSearchResult.page",
        "CatalogSearchResult.pageSize",
        "CatalogSearchResult.pages",
        "Dataset.SamlAdminGroupName",
        "Dataset.admins",
        "Dataset.autoApprovalEnabled",
        "Dataset.confidentiality",
        "Dataset.created",
        "Dataset.datasetType",
        "Dataset.datasetUri",
        "Dataset.enableExpiration",
        "Dataset.environment",
        "Dataset.imported",
        "Dataset.label",
        "Dataset.language",
        "Dataset.locations",
        "Dataset.name",
        "Dataset.owner",
        "Dataset.owners",
        "Dataset.region",
        "Dataset.statistics",
        "Dataset.tables",
        "Dataset.updated",
        "Dataset.userRoleForDataset",
        "Dataset.userRoleInEnvironment",
        "DatasetItem.name",
        "DatasetItem.targetType",
        "DatasetItem.targetUri",
        "DatasetItemsSearchResult.count",
        "DatasetItemsSearchResult.countExact",
        "DatasetItemsSearchResult.hasNext",
        "DatasetItemsSearchResult.hasPrevious",
        "DatasetItemsSearchResult.nodes",
        "DatasetItemsSearchResult.page",
        "DatasetItemsSearchResult.pageSize",
        "DatasetItemsSearchResult.pages",
        "DatasetStatistics.locations",
        "DatasetStatistics.tables",
        "DatasetStatistics.upvotes",
        "DatasetStorageLocation.S3Prefix",
        "DatasetStorageLocation.created",
        "DatasetStorageLocation.dataset",
        "DatasetStorageLocation.label",
        "DatasetStorageLocation.locationCreated",
        "DatasetStorageLocation.locationUri",
        "DatasetStorageLocation.name",
        "DatasetStorageLocation.owner",
        "DatasetStorageLocation.updated",
        "DatasetStorageLocation.userRoleForStorageLocation",
        "DatasetStorageLocationSearchResult.count",
        "DatasetStorageLocationSearchResult.countExact",
        "DatasetStorageLocationSearchResult.hasNext",
        "DatasetStorageLocationSearchResult.hasPrevious",
        "DatasetStorageLocationSearchResult.nodes",
        "DatasetStorageLocationSearchResult.page",
        "DatasetStorageLocationSearchResult.pageSize",
        "DatasetStorageLocationSearchResult.pages",
        "DatasetTable.GlueTableConfig",
        "DatasetTable.LastGlueTableStatus",
        "DatasetTable.admins",
        "DatasetTable.columns",
        "DatasetTable.created",
        "DatasetTable.dataset",
        "DatasetTable.datasetUri",
        "DatasetTable.label",
        "DatasetTable.name",
        "DatasetTable.owner",
        "DatasetTable.region",
        "DatasetTable.tableUri",
        "DatasetTable.updated",
        "DatasetTable.userRoleForTable",
        "DatasetTableColumn.GlueTableName",
        "DatasetTableColumn.columnType",
        "DatasetTableColumn.columnUri",
        "DatasetTableColumn.created",
        "DatasetTableColumn.label",
        "DatasetTableColumn.name",
        "DatasetTableColumn.owner",
        "DatasetTableColumn.region",
        "DatasetTableColumn.tableUri",
        "DatasetTableColumn.typeName",
        "DatasetTableColumn.updated",
        "DatasetTableColumnSearchResult.count",
        "DatasetTableColumnSearchResult.countExact",
        "DatasetTableColumnSearchResult.hasNext",
        "DatasetTableColumnSearchResult.hasPrevious",
        "DatasetTableColumnSearchResult.nodes",
        "DatasetTableColumnSearchResult.page",
        "DatasetTableColumnSearchResult.pageSize",
        "DatasetTableColumnSearchResult.pages",
        "DatasetTableSearchResult.count",
        "DatasetTableSearchResult.countExact",
        "DatasetTableSearchResult.hasNext",
        "DatasetTableSearchResult.hasPrevious",
        "DatasetTableSearchResult.nodes",
        "DatasetTableSearchResult.page",
        "DatasetTableSearchResult.pageSize",
        "DatasetTableSearchResult.pages",
        "EnvironmentSimplified.SamlGroupName",
        "EnvironmentSimplified.environmentUri",
        "EnvironmentSimplified.label",
        "EnvironmentSimplified.name",
        "EnvironmentSimplified.organization",
        "EnvironmentSimplified.region",
        "OrganizationSimplified.label",
        "OrganizationSimplified.name",
        "OrganizationSimplified.organizationUri",
    ]);
    // Glossaries are every signed-in user's vocabulary, and an item's terms are part of its
    // catalog entry: who linked a term (a username, like a dataset's owner), to what (the
    // item's label, which the catalog shows anyway) and whether the glossary's team approved it.
    let outsider_view: BTreeSet<String> = outsider_view.union(&glossary_view()).cloned().collect();
    assert_reviewed("an outsider", &seen, &outsider_view);

    // The admin team gets the full view: nothing refused, and where the data lives besides.
    let owner = app.token("alice", &["TeamA"]);
    let mut full = BTreeSet::new();
    for (op, (params, args), vars) in &walks {
        let (answered, denied) = walk(&app, &shapes, &owner, (op, params, args), vars).await;
        assert_eq!(denied, BTreeSet::new(), "{op}: nothing is refused to the admin team");
        full.extend(answered);
    }
    let missing: Vec<_> = outsider_view.union(&expected_refused).filter(|f| !full.contains(*f)).collect();
    assert!(missing.is_empty(), "the full view lacks {missing:?}");

    // The requesting team of another team's dataset: its share, with the dataset and the
    // environments it joins.
    let (answered, denied) = walk(
        &app,
        &shapes,
        &bob,
        ("getShareObject", &uri("shareUri").0, &uri("shareUri").1),
        &json!({"u": share}),
    )
    .await;
    assert_eq!(denied, BTreeSet::new(), "what a requester is refused outright");
    assert_reviewed("the requester", &answered, &requester_view());
}

/// The approving team reads a share into the requester's own environment, where the approver is
/// no member: of that environment it sees what a share needs, not how it is run.
async fn approvers_read_of_the_requesting_environment_only_the_reviewed_fields(backend: Backend) {
    let limits = Limits { max_complexity: 1_000_000, ..Limits::default() };
    let app = TestApp::spawn_with(backend, Options { limits: Some(limits), ..Default::default() }).await;
    let shapes = Shapes::load();
    let world = two_teams(&app).await;
    let bob = app.token("bob", &["TeamB"]);
    let alice = app.token("alice", &["TeamA"]);
    // two_teams invited TeamB to the organization, so it may link an environment of its own.
    let mut own = link_input(&world.org, "444455556666");
    own["input"]["SamlGroupName"] = json!("TeamB");
    let env_b = app.ok(&bob, CREATE, own).await["createEnvironment"]["environmentUri"]
        .as_str()
        .expect("TeamB's environment")
        .to_owned();
    let share = world.share_with_team_b(&app, &app.core, &env_b).await;

    let op = ("getShareObject", "($u: String!)", "(shareUri: $u)");
    let (answered, denied) = walk(&app, &shapes, &alice, op, &json!({"u": share})).await;
    assert_eq!(denied, BTreeSet::new(), "what an approver is refused outright");
    // Of the requesting environment: whose it is, its account and region, so the approver knows
    // where the data goes; never its stack, parameters, resource prefix or tags. Beyond what the
    // requester reads, the plan names the resource link Sluice will make there.
    let mut approver_view = requester_view();
    approver_view.extend(set(&[
        "PlannedLink.account",
        "PlannedLink.database",
        "PlannedLink.name",
        "PlannedLink.targetCatalogId",
        "PlannedLink.targetDatabase",
        "PlannedLink.targetTable",
        "ShareItemPlan.grantsInTarget",
        "ShareItemPlan.link",
        "ShareItemPlan.sharedDatabase",
    ]));
    assert_reviewed("the approver", &answered, &approver_view);
}

on_both_backends!(
    outsiders_read_only_the_reviewed_catalog_view,
    approvers_read_of_the_requesting_environment_only_the_reviewed_fields,
);
