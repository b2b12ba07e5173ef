//! A dataset's tables and folders as one list, as data.all's `listDatasetTablesFolders` gives
//! them (for pickers of "something in this dataset"). Like the tables and folders lists, it is
//! catalog information: everyone who may find the dataset may read it.

use sea_orm::{
    ColumnTrait, FromQueryResult, Order,
    sea_query::{Alias, Asterisk, Expr, ExprTrait, Query, SelectStatement, UnionType},
};
use sluice_entities::{dataset_location as loc, dataset_table as tbl};

use super::Datasets;
use crate::{
    Actor, Result,
    page::{Page, PageRequest, contains_any},
};

/// What an item of a dataset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasetItemKind {
    Table,
    Folder,
}

impl DatasetItemKind {
    /// data.all's name for the kind (`targetType`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Table => "Table",
            Self::Folder => "Folder",
        }
    }

    fn parse(s: &str) -> Self {
        if s == Self::Folder.as_str() { Self::Folder } else { Self::Table }
    }
}

/// A table or folder of a dataset: its URI, its name (the Glue table's, the folder's) and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetItem {
    pub target_uri: String,
    pub name: String,
    pub kind: DatasetItemKind,
}

const TARGET_URI: &str = "target_uri";
const NAME: &str = "name";
const TARGET_TYPE: &str = "target_type";
const TOTAL: &str = "sluice_total";

#[derive(FromQueryResult)]
struct ItemRow {
    target_uri: String,
    name: String,
    target_type: String,
    sluice_total: i64,
}

impl Datasets<'_> {
    /// The dataset's tables and folders, ordered by name (tables before folders of the same
    /// name), paged together; `term` matches names. For everyone who may find the dataset.
    pub async fn list_items(
        &self,
        actor: &Actor,
        dataset_uri: &str,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<DatasetItem>> {
        self.require_findable(actor, dataset_uri).await?;
        let term = term.map(str::trim).filter(|t| !t.is_empty());
        let mut tables = items_of(
            tbl::Entity,
            tbl::Column::TableUri,
            tbl::Column::Name,
            tbl::Column::DatasetUri,
            DatasetItemKind::Table,
            dataset_uri,
            term,
        );
        let folders = items_of(
            loc::Entity,
            loc::Column::LocationUri,
            loc::Column::Name,
            loc::Column::DatasetUri,
            DatasetItemKind::Folder,
            dataset_uri,
            term,
        );
        let all = tables.union(UnionType::All, folders).to_owned();
        let offset = page.offset();
        let statement = Query::select()
            .column(Asterisk)
            .expr_as(Expr::cust("COUNT(*) OVER ()"), Alias::new(TOTAL))
            .from_subquery(all.clone(), Alias::new("sluice_items"))
            .order_by(Alias::new(NAME), Order::Asc)
            .order_by(Alias::new(TARGET_TYPE), Order::Desc)
            .order_by(Alias::new(TARGET_URI), Order::Asc)
            .limit(page.page_size)
            .offset(offset)
            .to_owned();
        let backend = self.db.get_database_backend();
        let rows = ItemRow::find_by_statement(backend.build(&statement)).all(self.db).await?;
        let count = match rows.first() {
            Some(first) => u64::try_from(first.sluice_total).unwrap_or_default(),
            None if offset == 0 => 0,
            // A page past the end has no row to carry the count.
            None => {
                let count = Query::select()
                    .expr_as(Expr::cust("COUNT(*)"), Alias::new(TOTAL))
                    .from_subquery(all, Alias::new("sluice_items"))
                    .to_owned();
                #[derive(FromQueryResult)]
                struct Count {
                    sluice_total: i64,
                }
                let found = Count::find_by_statement(backend.build(&count)).one(self.db).await?;
                found.map_or(0, |c| u64::try_from(c.sluice_total).unwrap_or_default())
            }
        };
        let nodes = rows
            .into_iter()
            .map(|r| DatasetItem {
                target_uri: r.target_uri,
                name: r.name,
                kind: DatasetItemKind::parse(&r.target_type),
            })
            .collect();
        Ok(Page::new(page, count, nodes))
    }
}

/// `SELECT uri AS target_uri, name, '<kind>' AS target_type` of one dataset's rows of `entity`.
fn items_of<E, C>(
    entity: E,
    uri: C,
    name: C,
    dataset: C,
    kind: DatasetItemKind,
    dataset_uri: &str,
    term: Option<&str>,
) -> SelectStatement
where
    E: sea_orm::EntityTrait,
    C: ColumnTrait,
{
    let mut select = Query::select()
        .expr_as(Expr::col((entity, uri)), Alias::new(TARGET_URI))
        .expr_as(Expr::col((entity, name)), Alias::new(NAME))
        .expr_as(Expr::val(kind.as_str()), Alias::new(TARGET_TYPE))
        .from(entity)
        .and_where(Expr::col((entity, dataset)).eq(dataset_uri))
        .to_owned();
    if let Some(term) = term {
        select.cond_where(contains_any(term, [(entity, name)]));
    }
    select
}
