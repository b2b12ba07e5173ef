//! A table shared through row and column filters, end to end against moto: the item's SELECT
//! is granted on one Lake Formation data cells filter per attached filter, never on the table;
//! verify sees a filter grant taken away behind Sluice's back and reapply puts it back; revoke
//! takes every grant away; with the filters removed, the table is shared whole again.
//!
//! What moto (5.2) cannot show, so these tests do not assert it: moto has no
//! CreateDataCellsFilter, GetDataCellsFilter or DeleteDataCellsFilter (ListDataCellsFilter answers
//! nothing), so the data cells filters themselves, their row conditions and columns, their
//! deletion on revoke, and a filter deleted behind Sluice's back (which verify reports on AWS)
//! are invisible here. Sluice skips those calls on an emulator's endpoint. moto stores and lists
//! grants on a `DataCellsFilter` resource, though it refuses ListPermissions filtered by one, so
//! Sluice reads the whole catalog there; that is what is asserted.

use sluice_cloud::{Grant, LakeGrants, LfPermission, LfResource};
use sluice_core::{
    datasets::tables::NewTableDataFilter,
    on_both_backends,
    shares::{ItemFilter, ModifyItemFilters, data_cells_filter_name},
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};

use crate::share_support::{
    SharedDataset, deployed_dataset_with_tables, grants_of, item_states, newest, page, shown,
    teamb_requests_every_table,
};

async fn a_filtered_table_is_granted_on_data_cells_filters_and_revoked(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &["orders"]).await;
    let env = fixture.dataset.environment_uri.clone();
    let (bob, share) = teamb_requests_every_table(&fixture, &env).await;
    let SharedDataset { core, alice, account, dataset, running, owner, tables } = fixture;
    let database_name = dataset.restricted().expect("the admin team's view").glue_database_name.clone();
    let datasets = core.datasets();
    let shares = core.shares();

    // TeamA offers two filters on orders; as approver it attaches both to TeamB's item.
    let row = NewTableDataFilter {
        filter_name: "eu".into(),
        filter_type: "ROW".into(),
        row_expression: Some("region = 'eu'".into()),
        ..Default::default()
    };
    let eu = datasets.create_table_data_filter(&alice, &tables[0].table_uri, row).await.expect("row filter");
    let columns = NewTableDataFilter {
        filter_name: "ids".into(),
        filter_type: "COLUMN".into(),
        included_cols: Some(vec!["id".into()]),
        ..Default::default()
    };
    let ids = datasets
        .create_table_data_filter(&alice, &tables[0].table_uri, columns)
        .await
        .expect("column filter");
    let items = shares.items(&bob, &share.share_uri, &ItemFilter::default(), page()).await.expect("items");
    let item = items.nodes[0].clone();
    let attach = ModifyItemFilters {
        share_item_uri: item.share_item_uri.clone(),
        label: "EU ids".into(),
        filter_uris: vec![eu.filter_uri.clone(), ids.filter_uri.clone()],
    };
    let attached = shares.update_item_filters(&alice, attach).await.expect("attached");
    let plan = shares.plan(&bob, &share.share_uri).await.expect("plan");
    assert_eq!(plan.items[0].data_filters.len(), 2, "{plan:?}");

    shares.approve(&alice, &share.share_uri).await.expect("approved");
    let processed = newest(&core, &db, "share.process").await;
    assert_eq!(processed.status, TaskStatus::Succeeded, "{processed:?}");
    assert_eq!(item_states(&core, &bob, &share.share_uri).await[0].1, "Share_Succeeded");

    let role = share.principal_role_arn.clone();
    let lake = LakeGrants::new(&owner);
    let table = LfResource::table(&account, &database_name, "orders");
    let filter = |uri: &str| LfResource::DataCellsFilter {
        catalog_id: account.clone(),
        database: database_name.clone(),
        table: "orders".into(),
        name: data_cells_filter_name(&item.share_item_uri, uri),
    };
    let expected = vec![
        Grant::new(role.clone(), LfResource::database(&account, &database_name), &[LfPermission::Describe]),
        // DESCRIBE only: the rows and columns are read through the filters.
        Grant::new(role.clone(), table.clone(), &[LfPermission::Describe]),
        Grant::new(role.clone(), filter(&eu.filter_uri), &[LfPermission::Select]),
        Grant::new(role.clone(), filter(&ids.filter_uri), &[LfPermission::Select]),
    ];
    let granted = grants_of(&lake, &role).await;
    assert_eq!(shown(&granted), shown(&expected), "SELECT is on the data cells filters, not the table");
    assert!(
        !granted.iter().any(|g| g.resource == table && g.permissions.contains(&LfPermission::Select)),
        "no SELECT on the whole table"
    );

    // A filter's grant taken away behind Sluice's back: verify reports it, reapply restores it.
    lake.revoke(&Grant::new(role.clone(), filter(&ids.filter_uri), &[LfPermission::Select]))
        .await
        .expect("drift");
    shares.verify(&bob, &share.share_uri, &[]).await.expect("verify queued");
    assert_eq!(newest(&core, &db, "share.verify").await.status, TaskStatus::Succeeded);
    let items = shares.items(&bob, &share.share_uri, &ItemFilter::default(), page()).await.expect("items");
    assert_eq!(items.nodes[0].health_status.as_deref(), Some("Unhealthy"));
    let message = items.nodes[0].health_message.clone().unwrap_or_default();
    assert!(message.contains("data cells filter") && message.contains(&ids.filter_uri), "{message}");
    shares.reapply(&alice, &share.share_uri, &[]).await.expect("reapply queued");
    assert_eq!(newest(&core, &db, "share.reapply").await.status, TaskStatus::Succeeded);
    assert_eq!(shown(&grants_of(&lake, &role).await), shown(&expected), "the filter's grant is back");

    // A filter in use can't be deleted, and neither can the item's filters change while shared.
    let refused = datasets.delete_table_data_filter(&alice, &eu.filter_uri).await.expect_err("in use");
    assert_eq!(refused.code(), "INVALID_STATE");
    assert!(refused.to_string().contains(&share.share_uri), "{refused}");
    let refused =
        shares.remove_item_filters(&alice, &attached.attached_data_filter_uri).await.expect_err("shared");
    assert_eq!(refused.code(), "INVALID_STATE");

    // Revoke: every grant goes, the filters' included.
    shares
        .revoke(&bob, &share.share_uri, std::slice::from_ref(&item.share_item_uri))
        .await
        .expect("revoking");
    assert_eq!(newest(&core, &db, "share.revoke").await.status, TaskStatus::Succeeded);
    assert_eq!(shown(&lake.list(Some(&role), None).await.expect("list")), Vec::<String>::new());

    // Without its filters, the item is shared whole again.
    assert!(shares.remove_item_filters(&alice, &attached.attached_data_filter_uri).await.expect("removed"));
    shares.remove_item(&bob, &item.share_item_uri).await.expect("item removed");
    shares.add_item(&bob, &share.share_uri, &tables[0].table_uri, "Table").await.expect("added again");
    shares.submit(&bob, &share.share_uri).await.expect("submitted");
    shares.approve(&alice, &share.share_uri).await.expect("approved");
    assert_eq!(newest(&core, &db, "share.process").await.status, TaskStatus::Succeeded);
    let whole = vec![
        Grant::new(role.clone(), LfResource::database(&account, &database_name), &[LfPermission::Describe]),
        Grant::new(role.clone(), table, &[LfPermission::Describe, LfPermission::Select]),
    ];
    assert_eq!(shown(&grants_of(&lake, &role).await), shown(&whole), "the whole table, no filter");
    assert!(datasets.delete_table_data_filter(&alice, &eu.filter_uri).await.expect("deleted"));
    running.stop().await;
}

on_both_backends!(a_filtered_table_is_granted_on_data_cells_filters_and_revoked);
