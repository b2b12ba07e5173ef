//! Errors in data.all's dialect, checked as a data.all client checks them: by the exception
//! class and data.all's permission name in `message`. `extensions.code` stays Sluice's, and
//! `extensions.reason` holds Sluice's explanation alone (docs/COMPATIBILITY.md).

use serde_json::{Value, json};

use crate::support::{
    ADMIN_GROUP, Backend, TestApp, on_both_backends,
    two_teams::{TwoTeams, two_teams},
};

/// The first error of `body`: its message, code, reason and class.
struct Said {
    message: String,
    code: String,
    reason: String,
    class: String,
    field: Option<String>,
}

fn said(body: &Value) -> Said {
    let error = &body["errors"][0];
    let text = |v: &Value| v.as_str().unwrap_or_else(|| panic!("{v} in {body}")).to_owned();
    Said {
        message: text(&error["message"]),
        code: text(&error["extensions"]["code"]),
        reason: text(&error["extensions"]["reason"]),
        class: text(&error["extensions"]["errorClass"]),
        field: error["extensions"]["field"].as_str().map(str::to_owned),
    }
}

/// A refusal as data.all's clients test one: `'UnauthorizedOperation' in message` and the
/// permission's name; here also the user's name, and Sluice's reason after data.all's words.
fn assert_refused(said: &Said, permission: &str, user: &str) {
    let Said { message, code, reason, class, .. } = said;
    assert_eq!((code.as_str(), class.as_str()), ("FORBIDDEN", "UnauthorizedOperation"), "{message}");
    assert!(message.starts_with("An error occurred (UnauthorizedOperation)"), "{message}");
    assert!(message.contains(&format!("when calling {permission} operation")), "{message}");
    assert!(message.contains(&format!("User: {user} ")), "{message}");
    assert!(!reason.contains("An error occurred") && !reason.contains("UnauthorizedOperation"), "{reason}");
    assert!(message.ends_with(&format!(". {reason}")), "the message goes on with the reason: {message}");
}

async fn refusals_name_data_alls_permission_and_the_user(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let folder = world.add_folder(&app).await;
    let TwoTeams { org, dataset, table, .. } = &world;
    let bob = app.token("bob", &["TeamB"]);

    // Sluice checks UPDATE_DATASET on the table's dataset; data.all names UPDATE_DATASET_TABLE
    // on the same dataset.
    let edit =
        "mutation($t: String) { updateDatasetTable(tableUri: $t, input: {description: \"d\"}) { tableUri } }";
    let refused = said(&app.gql(Some(&bob), edit, json!({"t": table})).await);
    assert_refused(&refused, "UPDATE_DATASET_TABLE", "bob");
    assert!(
        refused
            .message
            .contains(&format!("is not authorized to perform: UPDATE_DATASET_TABLE on resource: {dataset}")),
        "{}",
        refused.message
    );
    assert_eq!(
        refused.reason,
        format!(
            "UPDATE_DATASET on dataset {dataset} is not granted to any of your teams; ask the dataset's admin team to grant it to one of your teams"
        )
    );

    // The same under an alias.
    let aliased = "mutation($t: String) { edit: updateDatasetTable(tableUri: $t, input: {description: \"d\"}) { tableUri } }";
    let refused_again = said(&app.gql(Some(&bob), aliased, json!({"t": table})).await);
    assert_eq!(refused_again.message, refused.message);

    let delete_folder = "mutation($l: String!) { deleteDatasetStorageLocation(locationUri: $l) }";
    let refused = said(&app.gql(Some(&bob), delete_folder, json!({"l": folder})).await);
    assert_refused(&refused, "DELETE_DATASET_FOLDER", "bob");
    assert!(
        refused.reason.starts_with("CREATE_DATASET_FOLDER on dataset"),
        "Sluice's check: {}",
        refused.reason
    );

    let archive = "mutation($o: String!) { archiveOrganization(organizationUri: $o) }";
    let refused = said(&app.gql(Some(&bob), archive, json!({"o": org})).await);
    assert_refused(&refused, "DELETE_ORGANIZATION", "bob");
    assert!(refused.message.contains(&format!("on resource: {org}")), "{}", refused.message);
}

async fn admin_only_and_tenant_refusals_name_their_operation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("root", &[ADMIN_GROUP]);
    let bob = app.token("bob", &["TeamB"]);

    // data.all names this one UPDATE_TENANT_TEAM_PERMISSIONS.
    let narrow = "mutation($g: String!, $p: [String]) { updateGroupTenantPermissions(input: {groupUri: $g, permissions: $p}) }";
    let refused = said(&app.gql(Some(&bob), narrow, json!({"g": "TeamB", "p": []})).await);
    assert_refused(&refused, "UPDATE_TENANT_TEAM_PERMISSIONS", "bob");
    assert_eq!(refused.reason, "only members of the platform admin group may do this");

    // data.all names no permission for this one: the operation's name stands for it.
    let reindex = "mutation { startReindexCatalog { taskUri } }";
    let refused = said(&app.gql(Some(&bob), reindex, json!({})).await);
    assert_refused(&refused, "startReindexCatalog", "bob");
    assert!(
        refused.message.contains("not authorized to perform: startReindexCatalog."),
        "{}",
        refused.message
    );

    app.ok(&admin, narrow, json!({"g": "TeamB", "p": []})).await;
    let create = "mutation { createOrganization(input: {label: \"x\", SamlGroupName: \"TeamB\"}) { organizationUri } }";
    let refused = said(&app.gql(Some(&bob), create, json!({})).await);
    assert_refused(&refused, "MANAGE_ORGANIZATIONS", "bob");
    assert!(refused.message.contains("perform: MANAGE_ORGANIZATIONS on dataall."), "{}", refused.message);
}

async fn missing_resources_and_bad_input_read_as_data_all_says_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);

    let missing = said(
        &app.gql(Some(&alice), "query { getDataset(datasetUri: \"nosuchuri\") { label } }", json!({})).await,
    );
    assert_eq!((missing.code.as_str(), missing.class.as_str()), ("NOT_FOUND", "ResourceNotFound"));
    assert!(
        missing.message.contains("ResourceNotFound") && missing.message.contains("nosuchuri"),
        "{}",
        missing.message
    );
    assert_eq!(missing.reason, "dataset nosuchuri was not found");

    let create =
        "mutation($l: String) { createOrganization(input: {label: $l, SamlGroupName: \"TeamA\"}) { label } }";
    let required = said(&app.gql(Some(&alice), create, json!({"l": "  "})).await);
    assert_eq!((required.code.as_str(), required.class.as_str()), ("BAD_USER_INPUT", "RequiredParameter"));
    assert_eq!(required.message, "An error occurred (RequiredParameter): label is required");
    assert_eq!((required.reason.as_str(), required.field.as_deref()), ("label is required", Some("label")));

    let invalid = said(&app.gql(Some(&alice), create, json!({"l": "x".repeat(300)})).await);
    assert_eq!((invalid.code.as_str(), invalid.class.as_str()), ("BAD_USER_INPUT", "InvalidInput"));
    assert!(invalid.message.starts_with("An error occurred (InvalidInput): label"), "{}", invalid.message);
    assert!(invalid.message.ends_with(&invalid.reason), "{}", invalid.message);
    assert_eq!(invalid.field.as_deref(), Some("label"));
    assert!(invalid.reason.contains("at most 255 characters"), "{}", invalid.reason);

    // data.all's optional arguments that Sluice needs are RequiredParameter too.
    let no_table = "mutation { updateDatasetTable(input: {description: \"d\"}) { tableUri } }";
    let required = said(&app.gql(Some(&alice), no_table, json!({})).await);
    assert_eq!(required.message, "An error occurred (RequiredParameter): tableUri is required");
    assert_eq!(required.field.as_deref(), Some("tableUri"));
}

/// data.all raises `ShareItemsFound` for a share action its items don't allow; its clients test
/// `'ShareItemsFound' in message`.
async fn share_item_refusals_read_as_data_all_says_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let TwoTeams { env, dataset, .. } = &world;
    let bob = app.token("bob", &["TeamB"]);
    let assert_items_found = |said: &Said, action: &str, dataall: &str, reason: &str| {
        assert_eq!((said.code.as_str(), said.class.as_str()), ("INVALID_STATE", "ShareItemsFound"));
        assert_eq!(
            said.message,
            format!(
                "An error occurred (ShareItemsFound) when calling {action} operation: {dataall} {reason}"
            )
        );
        assert_eq!(said.reason, reason);
    };

    let create = r#"mutation($d: String!, $e: String!) { createShareObject(datasetUri: $d,
        input: {environmentUri: $e, groupUri: "TeamB", principalId: "TeamB", principalType: "Group", permissions: [Read]}) { shareUri } }"#;
    let empty = app.ok(&bob, create, json!({"d": dataset, "e": env})).await["createShareObject"]["shareUri"]
        .as_str()
        .expect("share")
        .to_owned();
    let submit = "mutation($s: String!) { submitShareObject(shareUri: $s) { status } }";
    let refused = said(&app.gql(Some(&bob), submit, json!({"s": empty})).await);
    assert_items_found(
        &refused,
        "Submit Share Object",
        "The request is empty of pending items. Add items to share request.",
        &format!("share {empty} has no items to submit; add a table or folder first"),
    );

    let revoke =
        "mutation($s: String!) { revokeItemsShareObject(input: {shareUri: $s, itemUris: []}) { status } }";
    let refused = said(&app.gql(Some(&bob), revoke, json!({"s": empty})).await);
    assert_items_found(
        &refused,
        "Revoke Items from Share Object",
        "Nothing to be revoked.",
        "name the items to revoke",
    );

    let shared = world.share_with_team_b(&app, &app.core, env).await;
    let delete = "mutation($s: String!) { deleteShareObject(shareUri: $s) }";
    let refused = said(&app.gql(Some(&bob), delete, json!({"s": shared})).await);
    assert_items_found(
        &refused,
        "Delete share object",
        "There are shared items in this request. Revoke access to these items before deleting the request.",
        "item orders is Share_Succeeded; revoke the shared items before deleting the share",
    );
}

on_both_backends!(
    refusals_name_data_alls_permission_and_the_user,
    admin_only_and_tenant_refusals_name_their_operation,
    missing_resources_and_bad_input_read_as_data_all_says_them,
    share_item_refusals_read_as_data_all_says_them,
);
