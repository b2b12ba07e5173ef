//! Lake Formation grants as share processing gives, revokes and verifies them: against moto
//! where moto models the behaviour, and against a stand-in where only real AWS does.
//!
//! What moto 5.2.1 models, measured on these machines (2026-11-24):
//! - GrantPermissions, RevokePermissions, BatchGrantPermissions and BatchRevokePermissions work
//!   and are stored per account (the session's). BatchGrant and BatchRevoke take more than 20
//!   entries without complaint and always answer `Failures: []`: neither AWS's 20-entry limit
//!   nor per-entry failures are modelled, so both are tested against the stand-in below.
//! - Grants are keyed on the exact Principal and Resource JSON sent: a Table with `CatalogId`
//!   and one without are two resources. Sluice always sends `CatalogId`.
//! - Nothing is validated: grants on missing databases and tables, and with an empty
//!   permission list, are accepted.
//! - Granting again on the same principal and resource merges the permissions, so the listing
//!   stays one entry (idempotent). **But** the merge changes the stored entry's hash in place
//!   when the merged permission list comes out in another order, and a later revoke of that
//!   principal and resource then fails with HTTP 500 (a KeyError in moto's
//!   `PermissionCatalog.remove_permission`). The order follows Python's per-process string
//!   hashing: in one moto process every such revoke works, or every one fails (two DESCRIBE +
//!   SELECT grants then a revoke: 20/20 fine in two moto starts, 20/20 HTTP 500 in a third).
//!   So these tests never revoke a grant that was granted twice; Lake Formation has no such
//!   problem.
//! - Revoking what is not granted succeeds silently (200), single or batch. Real Lake Formation
//!   refuses with `InvalidInputException: No permissions revoked. Grantee has no permissions and
//!   no grantable permissions on resource.`, which `LakeGrants` counts as done; that path runs
//!   against the stand-in.
//! - ListPermissions filters by resource (Database, Table by name, and CatalogId when given)
//!   and by Principal together with a resource; a Principal alone is refused with
//!   `InvalidInputException: Resource is mandatory if Principal is set in the input.`, as AWS
//!   does. It ignores MaxResults and never pages (no NextToken).
//! - A Table filter does not return a `TableWithColumns` grant on that table, and SELECT on a
//!   Table is stored and listed as a Table. Real Lake Formation lists a SELECT on a table as a
//!   `TableWithColumns` with a column wildcard; that reading runs against the stand-in.
//! - A TableWildcard filter fails with HTTP 500 when the database also has a grant on a named
//!   table (moto reads `TableWildcard` from every table entry), so it is not used here.
//! - A grant to another account's id is recorded like any principal, in the granting account;
//!   the grantee account's own ListPermissions does not show it (there is no RAM share).

use sluice_cloud::{
    Grant, GrantError, LakeGrants, LfPermission, LfResource, emulator_sdk_config, sdk::lakeformation,
};

use crate::{
    accounts::{TARGET_ACCOUNT, account_config},
    fake_aws::FakeAws,
    stacks::pivot_session,
    unique,
};

use LfPermission::{Describe, Select};

/// A role ARN in the target account that no other test grants to.
fn role(name: &str) -> String {
    format!("arn:aws:iam::{TARGET_ACCOUNT}:role/{}", unique(name))
}

/// A Glue-style database name that no other test uses.
fn database() -> String {
    unique("sluice_grants").replace('-', "_")
}

fn table(database: &str, name: &str) -> LfResource {
    LfResource::table(TARGET_ACCOUNT, database, name)
}

async fn lake_grants() -> LakeGrants {
    let (_, session) = pivot_session().await;
    LakeGrants::new(&session)
}

#[tokio::test]
async fn a_grant_is_listed_with_exactly_its_permissions() {
    let lake = lake_grants().await;
    let db = database();
    let requester = role("requester");
    let on_table = Grant::new(&requester, table(&db, "orders"), &[Select, Describe]);
    let on_database = Grant::new(&requester, LfResource::database(TARGET_ACCOUNT, &db), &[Describe]);

    lake.grant(&on_table).await.unwrap();
    lake.grant(&on_database).await.unwrap();

    let listed = lake.list(Some(&requester), Some(&on_table.resource)).await.unwrap();
    assert_eq!(listed, [Grant::new(&requester, table(&db, "orders"), &[Describe, Select])]);
    let listed = lake.list(None, Some(&on_database.resource)).await.unwrap();
    assert_eq!(listed, std::slice::from_ref(&on_database));
    // A principal alone: Lake Formation refuses that filter, so the whole catalog is read and
    // the principal's grants are kept.
    let listed = lake.list(Some(&requester), None).await.unwrap();
    assert_eq!(listed, [on_database, Grant::new(&requester, table(&db, "orders"), &[Describe, Select])]);
    assert_eq!(lake.list(Some(&role("nobody")), Some(&on_table.resource)).await.unwrap(), []);
}

#[tokio::test]
async fn a_grant_option_is_listed_checked_and_revoked_with_its_grant() {
    let lake = lake_grants().await;
    let db = database();
    let account = "210987654321";
    let plain = Grant::new(account, table(&db, "orders"), &[Describe, Select]);
    let grantable = plain.clone().with_grant_option();

    // Held without the grant option, a grantable grant is missing whole.
    lake.grant(&plain).await.unwrap();
    assert_eq!(
        lake.missing(std::slice::from_ref(&grantable)).await.unwrap(),
        std::slice::from_ref(&grantable)
    );
    assert_eq!(lake.missing(std::slice::from_ref(&plain)).await.unwrap(), []);
    lake.revoke(&plain).await.unwrap();

    lake.grant(&grantable).await.unwrap();
    assert_eq!(lake.list(None, Some(&grantable.resource)).await.unwrap(), std::slice::from_ref(&grantable));
    assert_eq!(lake.missing(std::slice::from_ref(&grantable)).await.unwrap(), []);
    assert!(grantable.to_string().ends_with("with grant option"), "{grantable}");
    lake.revoke(&grantable).await.unwrap();
    assert_eq!(lake.list(None, Some(&grantable.resource)).await.unwrap(), []);
}

#[tokio::test]
async fn granting_twice_is_idempotent() {
    let lake = lake_grants().await;
    let db = database();
    let requester = role("requester");
    let grant = Grant::new(&requester, table(&db, "orders"), &[Describe, Select]);

    lake.grant(&grant).await.unwrap();
    lake.grant(&grant).await.unwrap();
    lake.grant(&Grant::new(&requester, table(&db, "orders"), &[Select])).await.unwrap();
    let results = lake.batch_grant(std::slice::from_ref(&grant)).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");

    assert_eq!(lake.list(None, Some(&grant.resource)).await.unwrap(), std::slice::from_ref(&grant));
    assert_eq!(lake.missing(&[grant]).await.unwrap(), []);
    // Not revoked: moto may answer a revoke of a grant made twice with a 500 (module doc).
}

#[tokio::test]
async fn revoking_removes_only_that_grant_and_revoking_again_succeeds() {
    let lake = lake_grants().await;
    let db = database();
    let (alice, bob) = (role("alice"), role("bob"));
    let orders = table(&db, "orders");
    let alices = Grant::new(&alice, orders.clone(), &[Describe, Select]);
    let bobs = Grant::new(&bob, orders.clone(), &[Describe, Select]);
    let alices_database = Grant::new(&alice, LfResource::database(TARGET_ACCOUNT, &db), &[Describe]);
    for grant in [&alices, &bobs, &alices_database] {
        lake.grant(grant).await.unwrap();
    }

    lake.revoke(&alices).await.unwrap();
    assert_eq!(lake.list(None, Some(&orders)).await.unwrap(), std::slice::from_ref(&bobs));
    assert_eq!(lake.list(Some(&alice), None).await.unwrap(), std::slice::from_ref(&alices_database));
    lake.revoke(&alices).await.expect("nothing left to revoke is done");

    // Part of a grant: the rest stays.
    lake.revoke(&Grant::new(&bob, orders.clone(), &[Select])).await.unwrap();
    assert_eq!(
        lake.list(None, Some(&orders)).await.unwrap(),
        [Grant::new(&bob, orders.clone(), &[Describe])]
    );
    lake.revoke(&Grant::new(&bob, orders.clone(), &[Select])).await.unwrap();
    // Never granted at all, and on a table that does not exist.
    lake.revoke(&Grant::new(role("nobody"), table(&db, "missing"), &[Select])).await.unwrap();
}

#[tokio::test]
async fn a_batch_of_more_than_twenty_grants_works_and_its_results_line_up() {
    let lake = lake_grants().await;
    let db = database();
    let requester = role("requester");
    let mut grants: Vec<Grant> = (0..25)
        .map(|i| Grant::new(&requester, table(&db, &format!("t{i:02}")), &[Describe, Select]))
        .collect();
    // An entry that cannot be sent fails alone, in its place.
    grants[7].permissions.clear();

    let results = lake.batch_grant(&grants).await;
    assert_eq!(results.len(), 25);
    for (i, result) in results.iter().enumerate() {
        if i == 7 {
            let Err(GrantError::Invalid { op, message }) = result else { panic!("{result:?}") };
            assert!(op.contains(&format!("{db}.t07")), "{op}");
            assert_eq!(message, "no permissions are named");
        } else {
            assert!(result.is_ok(), "{i}: {result:?}");
        }
    }
    let mut listed = lake.list(Some(&requester), None).await.unwrap();
    assert_eq!(listed.len(), 24);
    assert!(!listed.iter().any(|g| g.resource == table(&db, "t07")));
    listed.insert(7, grants[7].clone());
    assert_eq!(listed, grants);

    let results = lake.batch_revoke(&grants).await;
    assert!(matches!(results[7], Err(GrantError::Invalid { .. })), "{:?}", results[7]);
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 24, "{results:?}");
    assert_eq!(lake.list(Some(&requester), None).await.unwrap(), []);
    let again = lake.batch_revoke(&grants[..3]).await;
    assert!(again.iter().all(Result::is_ok), "{again:?}");
}

#[tokio::test]
async fn missing_reports_exactly_the_absent_grants() {
    let lake = lake_grants().await;
    let db = database();
    let (alice, bob) = (role("alice"), role("bob"));
    let alices_table = Grant::new(&alice, table(&db, "orders"), &[Describe, Select]);
    let alices_database = Grant::new(&alice, LfResource::database(TARGET_ACCOUNT, &db), &[Describe]);
    let bobs_table = Grant::new(&bob, table(&db, "orders"), &[Describe, Select]);
    let bobs_other_table = Grant::new(&bob, table(&db, "customers"), &[Describe]);
    lake.grant(&alices_table).await.unwrap();
    lake.grant(&Grant::new(&bob, table(&db, "orders"), &[Describe])).await.unwrap();
    lake.grant(&bobs_other_table).await.unwrap();

    let expected = [alices_table, alices_database.clone(), bobs_table, bobs_other_table];
    let missing = lake.missing(&expected).await.unwrap();

    assert_eq!(missing, [alices_database, Grant::new(&bob, table(&db, "orders"), &[Select])]);
}

#[tokio::test]
async fn a_grant_to_another_account_is_recorded_in_the_granting_account() {
    let lake = lake_grants().await;
    let db = database();
    let consumer_account = "444455556666";
    let grant = Grant::new(consumer_account, table(&db, "orders"), &[Describe, Select]);

    lake.grant(&grant).await.unwrap();

    assert_eq!(
        lake.list(Some(consumer_account), Some(&grant.resource)).await.unwrap(),
        std::slice::from_ref(&grant)
    );
    assert_eq!(lake.missing(std::slice::from_ref(&grant)).await.unwrap(), []);
    // moto keeps it in the granting account only; AWS would show it to the consumer through
    // the RAM share it creates.
    let consumer = LakeGrants::new(&account_config(consumer_account).await);
    assert_eq!(consumer.list(None, Some(&grant.resource)).await.unwrap(), []);
    lake.revoke(&grant).await.unwrap();
    assert_eq!(lake.missing(std::slice::from_ref(&grant)).await.unwrap(), [grant]);
}

#[tokio::test]
async fn an_invalid_grant_is_refused_before_it_is_sent() {
    // Nothing listens there: a request would fail as unreachable, not as invalid.
    let lake = LakeGrants::new(&emulator_sdk_config("http://127.0.0.1:9").await);
    let cases = [
        (Grant::new("", table("db", "t"), &[Describe]), "the principal is empty"),
        (Grant::new("p", table("db", "t"), &[]), "no permissions are named"),
        (Grant::new("p", table("db", " "), &[Describe]), "the table name is empty"),
        (Grant::new("p", LfResource::database("", "db"), &[Describe]), "the catalog id is empty"),
    ];
    for (grant, expected) in cases {
        for err in [lake.grant(&grant).await.unwrap_err(), lake.revoke(&grant).await.unwrap_err()] {
            let GrantError::Invalid { message, .. } = &err else { panic!("{err:?}") };
            assert_eq!(message, expected);
        }
    }
}

// ---- What only real Lake Formation does, against a stand-in. ----

/// A Lake Formation (REST-JSON) error body.
fn lf_error(code: &str, message: &str) -> String {
    serde_json::json!({ "__type": code, "Message": message }).to_string()
}

/// The stand-in sees each JSON body as one form key.
fn bodies(fake: &FakeAws) -> Vec<serde_json::Value> {
    fake.requests()
        .iter()
        .map(|p| serde_json::from_str(p.keys().next().map_or("{}", String::as_str)).unwrap())
        .collect()
}

#[tokio::test]
async fn a_revoke_lake_formation_finds_nothing_to_revoke_is_done() {
    let nothing = lf_error(
        "InvalidInputException",
        "No permissions revoked. Grantee has no permissions and no grantable permissions on resource.",
    );
    let fake = FakeAws::start(move |_| (400, nothing.clone())).await;
    let lake = LakeGrants::new(&emulator_sdk_config(&fake.url).await);
    let grant = Grant::new(role("gone"), table("db", "orders"), &[Describe, Select]);
    lake.revoke(&grant).await.expect("nothing to revoke is done");

    let gone = lf_error("EntityNotFoundException", "Table orders not found.");
    let fake = FakeAws::start(move |_| (400, gone.clone())).await;
    LakeGrants::new(&emulator_sdk_config(&fake.url).await).revoke(&grant).await.expect("no table, no grant");

    let denied = lf_error("AccessDeniedException", "Insufficient Lake Formation permission(s)");
    let fake = FakeAws::start(move |_| (400, denied.clone())).await;
    let err = LakeGrants::new(&emulator_sdk_config(&fake.url).await).revoke(&grant).await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDeniedException"), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!("Lake Formation RevokePermissions of DESCRIBE, SELECT on table {TARGET_ACCOUNT}:db.orders to arn:aws:iam::")),
        "{err}"
    );
    assert!(
        err.to_string().ends_with("failed: AccessDeniedException: Insufficient Lake Formation permission(s)"),
        "{err}"
    );
}

#[tokio::test]
async fn batches_are_sent_twenty_entries_a_call_and_failures_find_their_grant() {
    // Entry "3" fails in the first call and "21" in the second, as AWS reports them: by id.
    let fake = FakeAws::start(|params| {
        let body = params.keys().next().cloned().unwrap_or_default();
        let failed = if body.contains(r#""Id":"3""#) { "3" } else { "21" };
        let failures = serde_json::json!({ "Failures": [{
            "RequestEntry": { "Id": failed },
            "Error": { "ErrorCode": "InvalidInputException", "ErrorMessage": format!("entry {failed} refused") },
        }]});
        (200, failures.to_string())
    })
    .await;
    let lake = LakeGrants::new(&emulator_sdk_config(&fake.url).await);
    let grants: Vec<Grant> =
        (0..23).map(|i| Grant::new(format!("role-{i}"), table("db", &format!("t{i}")), &[Select])).collect();

    let results = lake.batch_grant(&grants).await;

    let sent = bodies(&fake);
    let sizes: Vec<usize> = sent.iter().map(|b| b["Entries"].as_array().unwrap().len()).collect();
    assert_eq!(sizes, [20, 3]);
    assert_eq!(sent[1]["Entries"][0]["Id"], "20");
    assert_eq!(sent[1]["Entries"][0]["Principal"]["DataLakePrincipalIdentifier"], "role-20");
    assert_eq!(sent[0]["Entries"][5]["Resource"]["Table"]["CatalogId"], TARGET_ACCOUNT);
    for (i, result) in results.iter().enumerate() {
        match i {
            3 | 21 => {
                let err = result.as_ref().unwrap_err();
                assert_eq!(err.code(), Some("InvalidInputException"));
                assert!(
                    err.to_string()
                        .contains(&format!("to role-{i} failed: InvalidInputException: entry {i} refused")),
                    "{err}"
                );
            }
            _ => assert!(result.is_ok(), "{i}: {result:?}"),
        }
    }
}

#[tokio::test]
async fn a_batch_revoke_counts_nothing_to_revoke_as_done_and_a_failed_call_fails_its_entries() {
    let fake = FakeAws::start(|_| {
        let failures = serde_json::json!({ "Failures": [
            { "RequestEntry": { "Id": "0" }, "Error": { "ErrorCode": "InvalidInputException",
              "ErrorMessage": "No permissions revoked. Grantee has no permissions and no grantable permissions on resource." } },
            { "RequestEntry": { "Id": "1" }, "Error": { "ErrorCode": "ConcurrentModificationException",
              "ErrorMessage": "try again" } },
        ]});
        (200, failures.to_string())
    })
    .await;
    let grants: Vec<Grant> =
        (0..3).map(|i| Grant::new(format!("role-{i}"), table("db", "t"), &[Select])).collect();
    let results = LakeGrants::new(&emulator_sdk_config(&fake.url).await).batch_revoke(&grants).await;
    assert!(results[0].is_ok(), "{:?}", results[0]);
    assert_eq!(results[1].as_ref().unwrap_err().code(), Some("ConcurrentModificationException"));
    assert!(results[2].is_ok(), "{:?}", results[2]);

    let denied = lf_error("AccessDeniedException", "no");
    let fake = FakeAws::start(move |_| (400, denied.clone())).await;
    let results = LakeGrants::new(&emulator_sdk_config(&fake.url).await).batch_grant(&grants).await;
    for (i, result) in results.iter().enumerate() {
        let err = result.as_ref().unwrap_err();
        assert_eq!(err.code(), Some("AccessDeniedException"));
        assert!(
            err.to_string().contains(&format!("to role-{i} failed")),
            "each error names its grant: {err}"
        );
    }
}

#[tokio::test]
async fn a_listing_is_paged_and_reads_select_on_columns_as_the_tables() {
    // Real Lake Formation lists SELECT on a table as a TableWithColumns with a column wildcard,
    // apart from the table's DESCRIBE, and a table wildcard as a table named ALL_TABLES.
    let fake = FakeAws::start(|params| {
        let body = params.keys().next().cloned().unwrap_or_default();
        let who = serde_json::json!({ "DataLakePrincipalIdentifier": "role-a" });
        let page = if body.contains("page2") {
            serde_json::json!({ "PrincipalResourcePermissions": [
                { "Principal": who, "Permissions": ["SELECT"], "Resource": { "TableWithColumns": {
                    "CatalogId": TARGET_ACCOUNT, "DatabaseName": "db", "Name": "orders", "ColumnWildcard": {} } } },
                // Narrower than the table: left out.
                { "Principal": who, "Permissions": ["SELECT"], "Resource": { "TableWithColumns": {
                    "CatalogId": TARGET_ACCOUNT, "DatabaseName": "db", "Name": "customers",
                    "ColumnWildcard": { "ExcludedColumnNames": ["email"] } } } },
                { "Principal": who, "Permissions": ["SELECT"], "Resource": { "TableWithColumns": {
                    "CatalogId": TARGET_ACCOUNT, "DatabaseName": "db", "Name": "ALL_TABLES", "ColumnWildcard": {} } } },
                { "Principal": who, "Permissions": ["DATA_LOCATION_ACCESS"], "Resource": { "DataLocation": {
                    "CatalogId": TARGET_ACCOUNT, "ResourceArn": "arn:aws:s3:::bucket" } } },
            ]})
        } else {
            serde_json::json!({ "NextToken": "page2", "PrincipalResourcePermissions": [
                { "Principal": who, "Permissions": ["DESCRIBE", "CREATE_TABLE"], "Resource": { "Table": {
                    "CatalogId": TARGET_ACCOUNT, "DatabaseName": "db", "Name": "orders" } } },
                { "Principal": who, "Permissions": ["DESCRIBE"], "Resource": { "Table": {
                    "CatalogId": TARGET_ACCOUNT, "DatabaseName": "db", "Name": "ALL_TABLES", "TableWildcard": {} } } },
            ]})
        };
        (200, page.to_string())
    })
    .await;
    let lake = LakeGrants::new(&emulator_sdk_config(&fake.url).await);

    let listed = lake.list(Some("role-a"), None).await.unwrap();

    let wildcard = LfResource::TableWildcard { catalog_id: TARGET_ACCOUNT.into(), database: "db".into() };
    assert_eq!(
        listed,
        [
            Grant::new("role-a", table("db", "orders"), &[Describe, Select]),
            Grant::new("role-a", wildcard, &[Describe, Select])
        ]
    );
    let sent = bodies(&fake);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].get("Principal"), None, "a principal alone is filtered here");
    assert_eq!(sent[1]["NextToken"], "page2");
}

#[tokio::test]
async fn moto_refuses_a_listing_by_principal_alone() {
    // Why `list` filters a principal alone itself (real AWS answers the same).
    let (_, session) = pivot_session().await;
    let err = lakeformation::Client::new(&session)
        .list_permissions()
        .principal(
            lakeformation::types::DataLakePrincipal::builder().data_lake_principal_identifier("p").build(),
        )
        .send()
        .await
        .unwrap_err();
    let service = err.as_service_error().expect("a service error");
    assert!(service.is_invalid_input_exception(), "{service:?}");
}
