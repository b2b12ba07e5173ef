//! Row and column filters on a table (data.all's table data filters). A filter says which rows
//! (a PartiQL condition) or which columns of one table a share item may read; a share item with
//! filters attached is granted on Lake Formation data cells filters made from them, not on the
//! whole table (see `shares::item_filters`).
//!
//! Who may do what, as data.all decides it: the dataset's admin team (UPDATE_DATASET) creates
//! and deletes them, and the teams that may read the dataset (its admin team and stewards, who
//! approve its shares and attach filters to them) list them. Sluice adds two readers data.all
//! lacks: platform admins, and the requesting teams of the dataset's shares, who choose filters
//! for their own items while their request is a draft. A filter is immutable: what a share item
//! was granted on stays what its filter says.

use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Query},
};
use sluice_entities::{
    dataset_table_column as col, share_item_data_filter as sidf, share_item_filter_use as used,
    share_object as so, table_data_filter as tdf,
};

use super::model::TABLE_RESOURCE_TYPE;
use crate::{
    Actor, Error, Result, audit,
    authz::{self, DatasetPermission, Grant, SharePermission, granted, holds},
    datasets::{Dataset, Datasets},
    error::OnConflict,
    organizations::validate,
    page::{self, Page, PageRequest, contains_any},
    uri::new_uri,
};

pub const FILTER_RESOURCE_TYPE: &str = "table_data_filter";

/// The longest row condition Sluice sends Lake Formation (its own limit is larger).
const MAX_ROW_EXPRESSION: usize = 2048;
/// The longest filter name.
const MAX_FILTER_NAME: usize = 64;

/// What a filter keeps: rows matching a condition (every column), or some columns (every row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataFilterKind {
    Row { expression: String },
    Column { columns: Vec<String> },
}

impl DataFilterKind {
    /// data.all's `filterType`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Row { .. } => "ROW",
            Self::Column { .. } => "COLUMN",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDataFilter {
    pub filter_uri: String,
    pub table_uri: String,
    pub dataset_uri: String,
    /// The filter's name (data.all's `filterName`, shown as `label` and `name`).
    pub label: String,
    pub description: Option<String>,
    pub kind: DataFilterKind,
    pub owner: String,
    pub created: chrono::DateTime<chrono::Utc>,
}

impl TableDataFilter {
    pub(crate) fn from_model(m: tdf::Model) -> Result<Self> {
        let kind = match (m.filter_type.as_str(), m.row_expression, m.included_cols) {
            ("ROW", Some(expression), _) => DataFilterKind::Row { expression },
            ("COLUMN", _, Some(cols)) => DataFilterKind::Column {
                columns: serde_json::from_str(&cols).map_err(|e| Error::Internal(Box::new(e)))?,
            },
            (other, ..) => {
                return Err(Error::Internal(format!("filter {} is of type {other}", m.filter_uri).into()));
            }
        };
        Ok(Self {
            filter_uri: m.filter_uri,
            table_uri: m.table_uri,
            dataset_uri: m.dataset_uri,
            label: m.label,
            description: m.description,
            kind,
            owner: m.owner,
            created: m.created,
        })
    }

    pub fn row_expression(&self) -> Option<&str> {
        match &self.kind {
            DataFilterKind::Row { expression } => Some(expression),
            DataFilterKind::Column { .. } => None,
        }
    }

    pub fn included_columns(&self) -> Option<&[String]> {
        match &self.kind {
            DataFilterKind::Column { columns } => Some(columns),
            DataFilterKind::Row { .. } => None,
        }
    }
}

/// A filter as data.all's `NewTableDataFilterInput` sends it.
#[derive(Debug, Clone, Default)]
pub struct NewTableDataFilter {
    pub filter_name: String,
    pub description: Option<String>,
    pub filter_type: String,
    pub row_expression: Option<String>,
    pub included_cols: Option<Vec<String>>,
}

/// Grants on a dataset for its tables' filters. Each is one SQL condition on dataset rows, so
/// point checks and lists agree; platform admins hold all three.
pub mod grants {
    use super::*;
    use crate::authz::Resource;

    fn or_admin(actor: &Actor, condition: Condition) -> Condition {
        if actor.is_admin() { Condition::all() } else { condition }
    }

    /// Creating a filter on one of the dataset's tables: its admin team.
    #[derive(Debug)]
    pub struct CreateTableDataFilter;
    impl Grant for CreateTableDataFilter {
        type On = Dataset;
        const PERMISSION: &'static str = "CREATE_TABLE_DATA_FILTER";
        const ADVICE: Option<&'static str> =
            Some("only the dataset's admin team (UPDATE_DATASET) and platform admins manage its filters");
        fn permits(actor: &Actor) -> Condition {
            or_admin(actor, holds::<_, Dataset>(DatasetPermission::UpdateDataset, actor))
        }
    }

    /// Deleting a filter: its admin team.
    #[derive(Debug)]
    pub struct DeleteTableDataFilter;
    impl Grant for DeleteTableDataFilter {
        type On = Dataset;
        const PERMISSION: &'static str = "DELETE_TABLE_DATA_FILTER";
        const ADVICE: Option<&'static str> = CreateTableDataFilter::ADVICE;
        fn permits(actor: &Actor) -> Condition {
            or_admin(actor, holds::<_, Dataset>(DatasetPermission::UpdateDataset, actor))
        }
    }

    /// Listing the filters: whoever reads the dataset (its admin team and stewards), and the
    /// teams that requested a share of it, to choose filters for their items.
    #[derive(Debug)]
    pub struct ListTableDataFilters;
    impl Grant for ListTableDataFilters {
        type On = Dataset;
        const PERMISSION: &'static str = "LIST_TABLE_DATA_FILTERS";
        const ADVICE: Option<&'static str> = Some(
            "the dataset's admin team, its stewards and the teams that requested a share of it see its filters",
        );
        fn permits(actor: &Actor) -> Condition {
            let requested = sea_orm::sea_query::Query::select()
                .column(so::Column::DatasetUri)
                .from(so::Entity)
                .and_where(
                    so::Column::ShareUri.in_subquery(granted(SharePermission::SubmitShareObject, actor)),
                )
                .to_owned();
            or_admin(
                actor,
                Condition::any()
                    .add(holds::<_, Dataset>(DatasetPermission::GetDataset, actor))
                    .add(<Dataset as Resource>::key().in_subquery(requested)),
            )
        }
    }
}

/// A filter's name: 1 to 64 letters, digits, `_`, `-` or spaces, as data.all's naming rule
/// for filters allows.
fn filter_name(value: &str) -> Result<String> {
    let name = value.trim();
    if name.is_empty() {
        return Err(Error::required("filterName"));
    }
    if name.chars().count() > MAX_FILTER_NAME
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' '))
    {
        return Err(Error::validation(
            "filterName",
            format!("1 to {MAX_FILTER_NAME} letters, digits, '_', '-' or spaces"),
        ));
    }
    Ok(name.to_owned())
}

/// A row condition Lake Formation evaluates: printable, one line or several, bounded.
fn row_expression(value: Option<&str>) -> Result<String> {
    let expression = value.map(str::trim).unwrap_or_default();
    if expression.is_empty() {
        return Err(Error::validation("rowExpression", "a ROW filter needs a row expression"));
    }
    if expression.chars().count() > MAX_ROW_EXPRESSION {
        return Err(Error::validation("rowExpression", format!("at most {MAX_ROW_EXPRESSION} characters")));
    }
    validate::printable("rowExpression", expression, true)?;
    Ok(expression.to_owned())
}

impl Datasets<'_> {
    /// Creates a filter on a table. Needs CREATE_TABLE_DATA_FILTER (the dataset's admin team).
    pub async fn create_table_data_filter(
        &self,
        actor: &Actor,
        table_uri: &str,
        input: NewTableDataFilter,
    ) -> Result<TableDataFilter> {
        let target = (table_uri, TABLE_RESOURCE_TYPE);
        audit::audited(
            self.db,
            actor,
            "createTableDataFilter",
            target,
            self.create_filter_inner(actor, table_uri, input),
        )
        .await
    }

    async fn create_filter_inner(
        &self,
        actor: &Actor,
        table_uri: &str,
        input: NewTableDataFilter,
    ) -> Result<TableDataFilter> {
        let (dataset, table) =
            self.authorize_table::<grants::CreateTableDataFilter>(actor, table_uri).await?;
        let label = filter_name(&input.filter_name)?;
        let description = validate::description(input.description.as_deref())?;
        let kind = match input.filter_type.trim() {
            "ROW" => DataFilterKind::Row { expression: row_expression(input.row_expression.as_deref())? },
            "COLUMN" => DataFilterKind::Column {
                columns: self.columns_of_filter(table_uri, input.included_cols).await?,
            },
            other => {
                return Err(Error::validation("filterType", format!("{other:?} is not ROW or COLUMN")));
            }
        };
        let row = tdf::ActiveModel {
            filter_uri: Set(new_uri()),
            table_uri: Set(table_uri.to_owned()),
            dataset_uri: Set(table.dataset_uri.clone()),
            label: Set(label.clone()),
            description: Set(description),
            filter_type: Set(kind.type_name().to_owned()),
            row_expression: Set(match &kind {
                DataFilterKind::Row { expression } => Some(expression.clone()),
                DataFilterKind::Column { .. } => None,
            }),
            included_cols: Set(match &kind {
                DataFilterKind::Column { columns } => Some(serde_json::json!(columns).to_string()),
                DataFilterKind::Row { .. } => None,
            }),
            owner: Set(actor.username().to_owned()),
            created: Set(chrono::Utc::now()),
        };
        let txn = crate::db::write_txn(self.db).await?;
        let row = row.insert(&txn).await.on_conflict(|| {
            Error::Conflict(format!("table {} has a filter named {label:?} already", table.name))
        })?;
        audit::record_in(
            &txn,
            dataset.actor(),
            "createTableDataFilter",
            (&row.filter_uri, FILTER_RESOURCE_TYPE),
            audit::Scope::dataset(&table.dataset_uri),
            &format!("{label} on {}", table.name),
        )
        .await?;
        txn.commit().await?;
        TableDataFilter::from_model(row)
    }

    /// A column filter's columns: each a column of the table, once, in the order given.
    async fn columns_of_filter(&self, table_uri: &str, given: Option<Vec<String>>) -> Result<Vec<String>> {
        let mut columns: Vec<String> = vec![];
        for name in given.unwrap_or_default() {
            let name = name.trim().to_owned();
            if !name.is_empty() && !columns.contains(&name) {
                columns.push(name);
            }
        }
        if columns.is_empty() {
            return Err(Error::validation("includedCols", "a COLUMN filter needs at least one column"));
        }
        let known: Vec<String> = col::Entity::find()
            .select_only()
            .column(col::Column::Name)
            .filter(col::Column::TableUri.eq(table_uri))
            .into_tuple()
            .all(self.db)
            .await?;
        if let Some(unknown) = columns.iter().find(|c| !known.contains(c)) {
            return Err(Error::validation(
                "includedCols",
                format!("{unknown:?} is not a column of the table; sync its columns if it is new"),
            ));
        }
        Ok(columns)
    }

    /// Deletes a filter no share item uses. Needs DELETE_TABLE_DATA_FILTER.
    pub async fn delete_table_data_filter(&self, actor: &Actor, filter_uri: &str) -> Result<bool> {
        let target = (filter_uri, FILTER_RESOURCE_TYPE);
        audit::audited(
            self.db,
            actor,
            "deleteTableDataFilter",
            target,
            self.delete_filter_inner(actor, filter_uri),
        )
        .await
    }

    async fn delete_filter_inner(&self, actor: &Actor, filter_uri: &str) -> Result<bool> {
        let filter = self.authorize_filter::<grants::DeleteTableDataFilter>(actor, filter_uri).await?;
        let txn = crate::db::write_txn(self.db).await?;
        let users = uses_of(&txn, used::Column::FilterUri.eq(filter_uri)).await?;
        if !users.is_empty() {
            return Err(Error::InvalidState(format!(
                "filter {} is attached to {} share item(s) of share(s) {}; remove it from them \
                 (removeShareItemFilter) before deleting it",
                filter.label,
                users.len(),
                shares_of(&users)
            )));
        }
        tdf::Entity::delete_by_id(filter_uri.to_owned()).exec(&txn).await?;
        audit::record_in(
            &txn,
            actor,
            "deleteTableDataFilter",
            (filter_uri, FILTER_RESOURCE_TYPE),
            audit::Scope::dataset(&filter.dataset_uri),
            &filter.label,
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }

    /// The filter, if the actor holds `P` on its dataset; refused alike whether it exists or not.
    async fn authorize_filter<P: Grant<On = Dataset>>(
        &self,
        actor: &Actor,
        filter_uri: &str,
    ) -> Result<TableDataFilter> {
        let row = tdf::Entity::find_by_id(filter_uri.to_owned()).one(self.db).await?;
        let Some(row) = row else { return Err(authz::refusal::<P>(actor, filter_uri)) };
        if authz::authorize::<P>(self.db, actor, &row.dataset_uri).await.is_err() {
            return Err(authz::refusal::<P>(actor, filter_uri));
        }
        TableDataFilter::from_model(row)
    }

    /// A table's filters, newest first. Needs LIST_TABLE_DATA_FILTERS on its dataset.
    pub async fn list_table_data_filters(
        &self,
        actor: &Actor,
        table_uri: &str,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<TableDataFilter>> {
        self.authorize_table::<grants::ListTableDataFilters>(actor, table_uri).await?;
        filters_page(self.db, tdf::Entity::find().filter(tdf::Column::TableUri.eq(table_uri)), term, page)
            .await
    }
}

/// The (share, share item) pairs whose attachments use a filter matching `uses`, by share.
async fn uses_of(db: &impl ConnectionTrait, uses: Expr) -> Result<Vec<(String, String)>> {
    Ok(sidf::Entity::find()
        .select_only()
        .column(sidf::Column::ShareUri)
        .column(sidf::Column::ShareItemUri)
        .filter(
            sidf::Column::AttachedDataFilterUri.in_subquery(
                Query::select()
                    .column(used::Column::AttachedDataFilterUri)
                    .from(used::Entity)
                    .and_where(uses)
                    .to_owned(),
            ),
        )
        .order_by_asc(sidf::Column::ShareUri)
        .into_tuple()
        .all(db)
        .await?)
}

/// The shares of `uses_of`'s pairs, each once.
fn shares_of(users: &[(String, String)]) -> String {
    let mut shares: Vec<&str> = users.iter().map(|(share, _)| share.as_str()).collect();
    shares.dedup();
    shares.join(", ")
}

/// Deletes a table's filters as the table leaves Sluice, in the caller's transaction, so none is
/// left behind naming a table that is gone. Refused while a share item uses one: a share that
/// holds the table refuses its deletion already, but a draft's (or a rejected or revoked
/// share's) item may have a filter attached too.
pub(crate) async fn forget_table(db: &impl ConnectionTrait, table_name: &str, table_uri: &str) -> Result<()> {
    let of_table = Query::select()
        .column(tdf::Column::FilterUri)
        .from(tdf::Entity)
        .and_where(tdf::Column::TableUri.eq(table_uri))
        .to_owned();
    let users = uses_of(db, used::Column::FilterUri.in_subquery(of_table)).await?;
    if !users.is_empty() {
        return Err(Error::InvalidState(format!(
            "table {table_name} has filters attached to {} share item(s) of share(s) {}; remove them \
             from those items (removeShareItemFilter) before deleting the table",
            users.len(),
            shares_of(&users)
        )));
    }
    tdf::Entity::delete_many().filter(tdf::Column::TableUri.eq(table_uri)).exec(db).await?;
    Ok(())
}

/// Deletes the filters of a dataset's tables that no share item uses, in the caller's
/// transaction: the dataset is going, and its tables with it.
pub(crate) async fn forget_dataset(db: &impl ConnectionTrait, dataset_uri: &str) -> Result<()> {
    let in_use = Query::select().column(used::Column::FilterUri).from(used::Entity).to_owned();
    tdf::Entity::delete_many()
        .filter(tdf::Column::DatasetUri.eq(dataset_uri))
        .filter(tdf::Column::FilterUri.not_in_subquery(in_use))
        .exec(db)
        .await?;
    Ok(())
}

/// One page of filters, searched by name and description, newest first.
pub(crate) async fn filters_page(
    db: &impl sea_orm::ConnectionTrait,
    mut query: sea_orm::Select<tdf::Entity>,
    term: Option<&str>,
    page: PageRequest,
) -> Result<Page<TableDataFilter>> {
    if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
        let columns = [tdf::Column::Label, tdf::Column::Description];
        query = query.filter(contains_any(term, columns.map(|c| (tdf::Entity, c))));
    }
    let query = query.order_by_desc(tdf::Column::Created).order_by_asc(tdf::Column::FilterUri);
    page::fetch(db, query, page).await?.try_map(TableDataFilter::from_model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_row_expressions_are_checked() {
        assert_eq!(filter_name(" eu_rows ").expect("ok"), "eu_rows");
        assert!(filter_name("").is_err());
        assert!(filter_name("a;drop").is_err());
        assert!(filter_name(&"x".repeat(65)).is_err());
        assert_eq!(row_expression(Some("region = 'eu'")).expect("ok"), "region = 'eu'");
        assert!(row_expression(None).is_err());
        assert!(row_expression(Some("a\u{202E}b")).is_err());
    }
}
