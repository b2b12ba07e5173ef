//! Table data filters and the filters attached to share items, in data.all's dialect
//! (`createTableDataFilter`, `listTableDataFilters`, `updateShareItemFilters`, ...).

use async_graphql::{Context, InputObject, Object, SimpleObject};
use sluice_core::{
    Error,
    datasets::tables::{NewTableDataFilter, TableDataFilter},
    shares::{ItemDataFilters, ModifyItemFilters},
};

use super::tables::DatasetTableFilter;
use crate::graphql::{GqlResult, actor, core, organizations::page_of, paged::paged};

pub struct DatasetTableDataFilterGql(pub TableDataFilter);

#[Object(name = "DatasetTableDataFilter")]
impl DatasetTableDataFilterGql {
    async fn filter_uri(&self) -> &str {
        &self.0.filter_uri
    }
    async fn table_uri(&self) -> &str {
        &self.0.table_uri
    }
    /// The filter's name.
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// The filter's name, as data.all also answers it.
    async fn name(&self) -> &str {
        &self.0.label
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// ROW (rows matching `rowExpression`, every column) or COLUMN (`includedCols`, every row).
    async fn filter_type(&self) -> &str {
        self.0.kind.type_name()
    }
    async fn included_cols(&self) -> Option<&[String]> {
        self.0.included_columns()
    }
    async fn row_expression(&self) -> Option<&str> {
        self.0.row_expression()
    }
    async fn owner(&self) -> &str {
        &self.0.owner
    }
    async fn created(&self) -> String {
        self.0.created.to_rfc3339()
    }
}

paged!(DatasetTableDataFilterSearchResult, DatasetTableDataFilterGql);

/// An item's attached filters (data.all's `ShareObjectItemDataFilter`).
#[derive(SimpleObject)]
pub struct ShareObjectItemDataFilter {
    attached_data_filter_uri: String,
    label: String,
    data_filter_uris: Vec<String>,
    data_filter_names: Vec<String>,
    /// The table's URI.
    item_uri: String,
    share_item_uri: String,
}

impl From<ItemDataFilters> for ShareObjectItemDataFilter {
    fn from(a: ItemDataFilters) -> Self {
        Self {
            data_filter_uris: a.filters.iter().map(|f| f.filter_uri.clone()).collect(),
            data_filter_names: a.filters.iter().map(|f| f.label.clone()).collect(),
            attached_data_filter_uri: a.attached_data_filter_uri,
            label: a.label,
            item_uri: a.item_uri,
            share_item_uri: a.share_item_uri,
        }
    }
}

#[derive(InputObject)]
pub struct NewTableDataFilterInput {
    pub filter_name: String,
    pub description: Option<String>,
    /// ROW or COLUMN.
    pub filter_type: String,
    /// A ROW filter's condition, in Lake Formation's PartiQL subset (`region = 'eu'`).
    pub row_expression: Option<String>,
    /// A COLUMN filter's columns.
    pub included_cols: Option<Vec<Option<String>>>,
}

#[derive(InputObject)]
pub struct ModifyFiltersTableShareItemInput {
    pub share_item_uri: String,
    pub label: String,
    pub filter_uris: Option<Vec<Option<String>>>,
    /// Accepted for data.all's clients and ignored: the names are the filters' own.
    pub filter_names: Option<Vec<Option<String>>>,
}

fn flat(values: Option<Vec<Option<String>>>) -> Vec<String> {
    values.unwrap_or_default().into_iter().flatten().collect()
}

#[derive(Default)]
pub struct DataFilterQuery;

#[Object]
impl DataFilterQuery {
    /// A table's filters. The dataset's admin team and stewards, the teams that requested a
    /// share of it, and platform admins see them.
    async fn list_table_data_filters(
        &self,
        ctx: &Context<'_>,
        table_uri: String,
        filter: Option<DatasetTableFilter>,
    ) -> async_graphql::Result<DatasetTableDataFilterSearchResult> {
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?
            .datasets()
            .list_table_data_filters(actor(ctx)?, &table_uri, filter.term.as_deref(), page)
            .await
            .gql()?;
        Ok(DatasetTableDataFilterSearchResult(found.map(DatasetTableDataFilterGql)))
    }

    /// The filters attached to a share item, for whoever may read the share.
    async fn list_table_data_filters_by_attached(
        &self,
        ctx: &Context<'_>,
        attached_data_filter_uri: Option<String>,
        filter: Option<DatasetTableFilter>,
    ) -> async_graphql::Result<DatasetTableDataFilterSearchResult> {
        let actor = actor(ctx)?;
        let uri = attached_data_filter_uri.ok_or_else(|| Error::required("attachedDataFilterUri")).gql()?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found =
            core(ctx)?.shares().item_filters_page(actor, &uri, filter.term.as_deref(), page).await.gql()?;
        Ok(DatasetTableDataFilterSearchResult(found.map(DatasetTableDataFilterGql)))
    }

    /// A share item's attached filters, for whoever may read the share.
    async fn get_share_item_data_filters(
        &self,
        ctx: &Context<'_>,
        attached_data_filter_uri: String,
    ) -> async_graphql::Result<ShareObjectItemDataFilter> {
        let found = core(ctx)?.shares().item_filters(actor(ctx)?, &attached_data_filter_uri).await.gql()?;
        Ok(found.into())
    }
}

#[derive(Default)]
pub struct DataFilterMutation;

#[Object]
impl DataFilterMutation {
    /// Creates a row or column filter on a table. The dataset's admin team and platform admins.
    async fn create_table_data_filter(
        &self,
        ctx: &Context<'_>,
        table_uri: String,
        input: NewTableDataFilterInput,
    ) -> async_graphql::Result<DatasetTableDataFilterGql> {
        let input = NewTableDataFilter {
            filter_name: input.filter_name,
            description: input.description,
            filter_type: input.filter_type,
            row_expression: input.row_expression,
            included_cols: input.included_cols.map(|c| c.into_iter().flatten().collect()),
        };
        let made =
            core(ctx)?.datasets().create_table_data_filter(actor(ctx)?, &table_uri, input).await.gql()?;
        Ok(DatasetTableDataFilterGql(made))
    }

    /// Deletes a filter that no share item uses (INVALID_STATE, naming the shares, otherwise).
    async fn delete_table_data_filter(
        &self,
        ctx: &Context<'_>,
        filter_uri: String,
    ) -> async_graphql::Result<bool> {
        core(ctx)?.datasets().delete_table_data_filter(actor(ctx)?, &filter_uri).await.gql()
    }

    /// Attaches filters of the item's table to a table item (replacing what it had): once
    /// approved, it is shared through them instead of whole.
    async fn update_share_item_filters(
        &self,
        ctx: &Context<'_>,
        input: ModifyFiltersTableShareItemInput,
    ) -> async_graphql::Result<bool> {
        let input = ModifyItemFilters {
            share_item_uri: input.share_item_uri,
            label: input.label,
            filter_uris: flat(input.filter_uris),
        };
        core(ctx)?.shares().update_item_filters(actor(ctx)?, input).await.gql().map(|_| true)
    }

    /// Takes an item's filters off: it asks for the whole table again.
    async fn remove_share_item_filter(
        &self,
        ctx: &Context<'_>,
        attached_data_filter_uri: String,
    ) -> async_graphql::Result<bool> {
        core(ctx)?.shares().remove_item_filters(actor(ctx)?, &attached_data_filter_uri).await.gql()
    }
}
