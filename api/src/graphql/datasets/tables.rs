//! Dataset tables and their columns in data.all's dialect.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use sluice_core::{
    Error,
    datasets::{
        DatasetView,
        tables::{DatasetTable, ModifyColumn, ModifyTable, TableColumn},
    },
    page::{Page, PageRequest},
};

use super::{
    loaders::{card, dataset},
    types::{DatasetGql, DatasetRole},
};
use crate::graphql::{
    GqlResult, actor, core, environments::flat, glossaries, organizations::page_of, paged::paged,
    read_cache::cached, to_gql,
};

pub struct DatasetTableGql(pub Arc<DatasetTable>);

impl DatasetTableGql {
    pub fn new(table: DatasetTable) -> Self {
        Self(Arc::new(table))
    }
}

#[Object(name = "DatasetTable")]
impl DatasetTableGql {
    async fn table_uri(&self) -> ID {
        ID(self.0.table_uri.clone())
    }
    async fn dataset_uri(&self) -> &str {
        &self.0.dataset_uri
    }
    async fn dataset(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DatasetGql>> {
        Ok(dataset(ctx, &self.0.dataset_uri).await?.map(DatasetGql))
    }
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// The Glue table's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn owner(&self) -> &str {
        &self.0.owner
    }
    async fn created(&self) -> String {
        self.0.created.to_rfc3339()
    }
    async fn updated(&self) -> String {
        self.0.updated.to_rfc3339()
    }
    /// The dataset's admin team.
    async fn admins(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(dataset(ctx, &self.0.dataset_uri).await?.map(|d| d.entry().admins()).unwrap_or_default())
    }
    /// InSync, or Deleted once the table left Glue (a later sync brings it back).
    #[graphql(name = "LastGlueTableStatus")]
    async fn last_glue_table_status(&self) -> &str {
        &self.0.status
    }
    /// The table's type and, for teams with GET_DATASET, its storage location, as JSON.
    #[graphql(name = "GlueTableConfig")]
    async fn glue_table_config(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let view = self.view(ctx).await?;
        let location = view.as_ref().and_then(|v| self.0.details(v).ok()).and_then(|d| d.location);
        Ok(serde_json::json!({"tableType": self.0.table_type, "location": location}).to_string())
    }
    /// Glue's table parameters, as a JSON object; null for teams without GET_DATASET.
    #[graphql(name = "GlueTableProperties")]
    async fn glue_table_properties(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let view = self.view(ctx).await?;
        let details = view.as_ref().and_then(|v| self.0.details(v).ok());
        Ok(details.map(|d| serde_json::json!(d.properties).to_string()))
    }
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let Some(d) = self.view(ctx).await? else { return Ok(None) };
        Ok(card(ctx, &d.entry().environment_uri).await?.map(|c| c.region))
    }
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }
    async fn topics(&self) -> &[String] {
        &self.0.topics
    }
    /// Your role on the table's dataset.
    async fn user_role_for_table(&self, ctx: &Context<'_>) -> async_graphql::Result<DatasetRole> {
        let actor = actor(ctx)?;
        Ok(dataset(ctx, &self.0.dataset_uri)
            .await?
            .map_or(DatasetRole::NoPermission, |d| d.entry().role_of(actor).into()))
    }
    /// Glossary terms linked here, approved or waiting for the glossary's team.
    async fn terms(
        &self,
        ctx: &Context<'_>,
        filter: Option<glossaries::GlossaryTermTargetFilter>,
    ) -> async_graphql::Result<glossaries::TermSearchResult> {
        glossaries::terms_of(ctx, &self.0.table_uri, filter).await
    }
    /// The links of those terms, each saying whether the glossary's team approved it (only
    /// approved ones count in the catalog).
    async fn term_links(
        &self,
        ctx: &Context<'_>,
        filter: Option<glossaries::GlossaryTermTargetFilter>,
    ) -> async_graphql::Result<glossaries::TermLinkSearchResults> {
        glossaries::term_links_of(ctx, &self.0.table_uri, filter).await
    }
    /// Sluice has no data stages: always null.
    async fn stage(&self) -> Option<String> {
        None
    }
    /// Where the table lives in AWS. Needs GET_DATASET on its dataset.
    async fn restricted(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<DatasetTableRestrictedInformation> {
        let view = self
            .view(ctx)
            .await?
            .ok_or_else(|| to_gql(Error::NotFound { kind: "dataset", uri: self.0.dataset_uri.clone() }))?;
        let details = self.0.details(&view).gql()?;
        let r = view.restricted().gql()?;
        Ok(DatasetTableRestrictedInformation {
            aws_account_id: Some(r.aws_account_id.clone()),
            glue_database_name: r.glue_database_name.clone(),
            glue_table_name: self.0.name.clone(),
            s3_prefix: details.location.map(str::to_owned),
        })
    }
    /// The first page of columns; listDatasetTableColumns pages through them all.
    async fn columns(&self, ctx: &Context<'_>) -> async_graphql::Result<DatasetTableColumnSearchResult> {
        let page = PageRequest::new(Some(1), Some(100)).gql()?;
        let found = core(ctx)?.datasets().columns_of(&self.0, None, page).await.gql()?;
        Ok(DatasetTableColumnSearchResult(found.map(|c| ColumnGql { column: c, table: self.0.clone() })))
    }
}

impl DatasetTableGql {
    /// The table's dataset as the caller may see it.
    async fn view(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DatasetView>> {
        dataset(ctx, &self.0.dataset_uri).await
    }
}

#[derive(SimpleObject)]
pub struct DatasetTableRestrictedInformation {
    #[graphql(name = "AwsAccountId")]
    aws_account_id: Option<String>,
    #[graphql(name = "GlueDatabaseName")]
    glue_database_name: String,
    #[graphql(name = "GlueTableName")]
    glue_table_name: String,
    /// The table's storage location.
    #[graphql(name = "S3Prefix")]
    s3_prefix: Option<String>,
}

pub struct ColumnGql {
    column: TableColumn,
    table: Arc<DatasetTable>,
}

#[Object(name = "DatasetTableColumn")]
impl ColumnGql {
    async fn table_uri(&self) -> ID {
        ID(self.column.table_uri.clone())
    }
    async fn column_uri(&self) -> ID {
        ID(self.column.column_uri.clone())
    }
    async fn label(&self) -> &str {
        &self.column.label
    }
    async fn name(&self) -> &str {
        &self.column.name
    }
    /// Glue's comment, until a team describes the column.
    async fn description(&self) -> Option<&str> {
        self.column.description.as_deref()
    }
    async fn owner(&self) -> &str {
        &self.table.owner
    }
    /// Glossary terms linked to the column, each saying whether the glossary's team approved
    /// it; approved ones make the table findable by the term.
    async fn terms(
        &self,
        ctx: &Context<'_>,
        filter: Option<glossaries::GlossaryTermTargetFilter>,
    ) -> async_graphql::Result<glossaries::TermLinkSearchResults> {
        glossaries::term_links_of(ctx, &self.column.column_uri, filter).await
    }
    async fn created(&self) -> String {
        self.column.created.to_rfc3339()
    }
    async fn updated(&self) -> String {
        self.column.updated.to_rfc3339()
    }
    /// Null for teams without GET_DATASET on the dataset.
    #[graphql(name = "AwsAccountId")]
    async fn aws_account_id(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let view = dataset(ctx, &self.table.dataset_uri).await?;
        Ok(view.as_ref().and_then(|v| v.restricted_if_granted()).map(|r| r.aws_account_id.clone()))
    }
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let Some(d) = dataset(ctx, &self.table.dataset_uri).await? else { return Ok(None) };
        Ok(card(ctx, &d.entry().environment_uri).await?.map(|c| c.region))
    }
    /// Null for teams without GET_DATASET on the dataset.
    #[graphql(name = "GlueDatabaseName")]
    async fn glue_database_name(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let view = dataset(ctx, &self.table.dataset_uri).await?;
        Ok(view.as_ref().and_then(|v| v.restricted_if_granted()).map(|r| r.glue_database_name.clone()))
    }
    #[graphql(name = "GlueTableName")]
    async fn glue_table_name(&self) -> &str {
        &self.table.name
    }
    /// Glue's type text, e.g. `bigint` or `struct<a:string>`.
    async fn type_name(&self) -> Option<&str> {
        self.column.type_name.as_deref()
    }
    /// `column`, or `partition_<n>` for the n-th partition key.
    async fn column_type(&self) -> &str {
        &self.column.column_type
    }
    /// Column classification is not supported: always null.
    async fn classification(&self) -> Option<String> {
        None
    }
    /// Columns carry no topics of their own: always empty.
    async fn topics(&self) -> Vec<String> {
        vec![]
    }
    /// Columns carry no tags of their own: always empty.
    async fn tags(&self) -> Vec<String> {
        vec![]
    }
}

paged!(DatasetTableSearchResult, DatasetTableGql);
paged!(DatasetTableColumnSearchResult, ColumnGql);

/// A page of `table`'s columns, as GraphQL answers it.
pub fn column_page(table: Arc<DatasetTable>, page: Page<TableColumn>) -> DatasetTableColumnSearchResult {
    DatasetTableColumnSearchResult(page.map(|column| ColumnGql { column, table: table.clone() }))
}

#[derive(InputObject, Default)]
pub struct DatasetTableFilter {
    /// Matches label, Glue name and description.
    pub term: Option<String>,
    /// Tables are always ordered by name; a sort is accepted and ignored.
    pub sort: Option<Vec<Option<super::inputs::DatasetSortCriteria>>>,
    pub page: Option<i32>,
    pub page_size: Option<i32>,
}

#[derive(InputObject, Default)]
pub struct DatasetTableColumnFilter {
    pub term: Option<String>,
    pub page: Option<i32>,
    pub page_size: Option<i32>,
}

#[derive(InputObject, Default)]
pub struct ModifyDatasetTableInput {
    pub label: Option<String>,
    /// Tables are where Glue says; leave it out.
    pub prefix: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<Option<String>>>,
    /// Glossaries are not part of Sluice: leave it out or empty.
    pub terms: Option<Vec<Option<String>>>,
    /// data.all's topic names (Sales, Finances, …).
    pub topics: Option<Vec<Option<String>>>,
}

#[derive(InputObject, Default)]
pub struct DatasetTableColumnInput {
    pub description: Option<String>,
    /// Glossary term URIs: the column's terms become these (Sluice's addition to data.all's
    /// input). Left out, they stay.
    pub terms: Option<Vec<Option<String>>>,
    /// Not supported: leave it out.
    pub classification: Option<i32>,
    /// Not supported: leave it out.
    pub tags: Option<i32>,
    /// Not supported: leave it out.
    pub topics: Option<i32>,
}

/// The tables of a dataset the caller sees: catalog entries, the same for every caller who may
/// see the dataset, so one dataset's pages are cached without the caller in the key.
pub(super) async fn tables_of(
    ctx: &Context<'_>,
    dataset: &DatasetView,
    filter: Option<DatasetTableFilter>,
) -> async_graphql::Result<DatasetTableSearchResult> {
    let filter = filter.unwrap_or_default();
    let page = page_of(filter.page, filter.page_size)?;
    let uri = dataset.entry().dataset_uri.clone();
    let load =
        || async { core(ctx)?.datasets().tables_of(dataset, filter.term.as_deref(), page).await.gql() };
    let found = cached(ctx, |c| &c.tables, |_| (uri, filter.term.clone(), page), load).await?;
    Ok(DatasetTableSearchResult(found.map(DatasetTableGql::new)))
}

#[derive(Default)]
pub struct TableQuery;

#[Object]
impl TableQuery {
    /// Tables of every dataset your teams may read.
    async fn list_dataset_tables(
        &self,
        ctx: &Context<'_>,
        filter: Option<DatasetTableFilter>,
    ) -> async_graphql::Result<DatasetTableSearchResult> {
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found =
            core(ctx)?.datasets().list_tables(actor(ctx)?, None, filter.term.as_deref(), page).await.gql()?;
        Ok(DatasetTableSearchResult(found.map(DatasetTableGql::new)))
    }

    /// Any signed-in user may read a table's catalog entry; `restricted` needs GET_DATASET.
    async fn get_dataset_table(
        &self,
        ctx: &Context<'_>,
        table_uri: String,
    ) -> async_graphql::Result<DatasetTableGql> {
        core(ctx)?.datasets().get_table(actor(ctx)?, &table_uri).await.gql().map(DatasetTableGql::new)
    }

    async fn list_dataset_table_columns(
        &self,
        ctx: &Context<'_>,
        table_uri: String,
        filter: Option<DatasetTableColumnFilter>,
    ) -> async_graphql::Result<DatasetTableColumnSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let datasets = core(ctx)?.datasets();
        let table = Arc::new(datasets.get_table(actor, &table_uri).await.gql()?);
        let found = datasets.list_columns(actor, &table_uri, filter.term.as_deref(), page).await.gql()?;
        Ok(column_page(table, found))
    }
}

#[derive(Default)]
pub struct TableMutation;

#[Object]
impl TableMutation {
    /// Queues a sync of the dataset's tables from its Glue database; needs SYNC_DATASET.
    /// Returns how many tables the dataset holds now, before the sync: follow the sync with
    /// `listTasks(filter: {targetUri: datasetUri})` (action `dataset.sync-tables`), whose
    /// progress and response say what it found.
    async fn sync_tables(&self, ctx: &Context<'_>, dataset_uri: String) -> async_graphql::Result<i32> {
        let tables = core(ctx)?.datasets().queue_sync(actor(ctx)?, &dataset_uri).await.gql()?.tables;
        Ok(i32::try_from(tables).unwrap_or(i32::MAX))
    }

    /// Curates a table's label, description, tags and topics; needs UPDATE_DATASET.
    async fn update_dataset_table(
        &self,
        ctx: &Context<'_>,
        table_uri: Option<String>,
        input: Option<ModifyDatasetTableInput>,
    ) -> async_graphql::Result<DatasetTableGql> {
        let uri = table_uri.ok_or_else(|| to_gql(Error::required("tableUri")))?;
        let input = input.unwrap_or_default();
        let change = ModifyTable {
            label: input.label,
            description: input.description,
            tags: input.tags.as_ref().map(|_| flat(&input.tags)),
            topics: input.topics.as_ref().map(|_| flat(&input.topics)),
            prefix: input.prefix,
            terms: input.terms.as_ref().map(|_| flat(&input.terms)),
        };
        core(ctx)?.datasets().update_table(actor(ctx)?, &uri, change).await.gql().map(DatasetTableGql::new)
    }

    /// Removes a table from Sluice (Glue keeps it; the next sync brings it back); needs
    /// DELETE_DATASET.
    async fn delete_dataset_table(
        &self,
        ctx: &Context<'_>,
        table_uri: String,
    ) -> async_graphql::Result<bool> {
        core(ctx)?.datasets().delete_table(actor(ctx)?, &table_uri).await.gql()
    }

    /// Reads the table's columns from Glue now, through the pivot role; needs SYNC_DATASET.
    async fn sync_dataset_table_columns(
        &self,
        ctx: &Context<'_>,
        table_uri: String,
    ) -> async_graphql::Result<DatasetTableColumnSearchResult> {
        let actor = actor(ctx)?;
        let datasets = core(ctx)?.datasets();
        datasets.sync_columns(actor, &table_uri).await.gql()?;
        let table = Arc::new(datasets.get_table(actor, &table_uri).await.gql()?);
        let page = PageRequest::new(Some(1), Some(100)).gql()?;
        let found = datasets.list_columns(actor, &table_uri, None, page).await.gql()?;
        Ok(DatasetTableColumnSearchResult(found.map(|c| ColumnGql { column: c, table: table.clone() })))
    }

    /// Describes a column; needs UPDATE_DATASET.
    async fn update_dataset_table_column(
        &self,
        ctx: &Context<'_>,
        column_uri: Option<String>,
        input: Option<DatasetTableColumnInput>,
    ) -> async_graphql::Result<ColumnGql> {
        let uri = column_uri.ok_or_else(|| to_gql(Error::required("columnUri")))?;
        let input = input.unwrap_or_default();
        let change = ModifyColumn {
            description: input.description,
            terms: input.terms.as_ref().map(|_| flat(&input.terms)),
            other_fields: input.classification.is_some() || input.tags.is_some() || input.topics.is_some(),
        };
        let actor = actor(ctx)?;
        let datasets = core(ctx)?.datasets();
        let column = datasets.update_column(actor, &uri, change).await.gql()?;
        let table = Arc::new(datasets.get_table(actor, &column.table_uri).await.gql()?);
        Ok(ColumnGql { column, table })
    }
}
