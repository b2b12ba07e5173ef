//! Catalog documents as the database says they are now: a dataset, and as many of its tables
//! and folders as asked for. Tables and folders inherit their dataset's context, and a dataset
//! lists its table and folder names, so one dataset's documents are built together.

use std::collections::{BTreeMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sluice_entities::{
    dataset as ds, dataset_location as loc, dataset_table as tbl, dataset_table_column as col,
    environment as env,
};

use super::port::{CatalogDocument, ColumnDoc, DocumentKind};
use crate::{
    Result,
    datasets::{Dataset, DatasetFolder, tables::DatasetTable, tables::IN_SYNC},
};

/// Which of a dataset's items to build documents for; the dataset's own is always built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Everything,
    Items { tables: Vec<String>, folders: Vec<String> },
    DatasetOnly,
}

/// A dataset's documents, and the asked-for items that have none (deleted, gone from Glue, or
/// of another dataset): their documents are to be removed.
#[derive(Debug, Clone, Default)]
pub struct DatasetDocuments {
    pub documents: Vec<CatalogDocument>,
    pub absent: Vec<String>,
}

/// Builds a dataset's documents; None once the dataset is deleted.
pub async fn dataset_documents(
    db: &impl ConnectionTrait,
    dataset_uri: &str,
    scope: &Scope,
) -> Result<Option<DatasetDocuments>> {
    let Some(row) = ds::Entity::find_by_id(dataset_uri.to_owned()).one(db).await? else { return Ok(None) };
    let dataset = Dataset::from_model(row)?;
    let region = env::Entity::find_by_id(dataset.environment_uri.clone())
        .one(db)
        .await?
        .map(|e| e.region)
        .unwrap_or_default();

    let table_rows = tbl::Entity::find()
        .filter(tbl::Column::DatasetUri.eq(dataset_uri))
        .filter(tbl::Column::LastGlueTableStatus.eq(IN_SYNC))
        .order_by_asc(tbl::Column::Name)
        .all(db)
        .await?;
    let folder_rows = loc::Entity::find()
        .filter(loc::Column::DatasetUri.eq(dataset_uri))
        .order_by_asc(loc::Column::Name)
        .all(db)
        .await?;
    let tables = table_rows.into_iter().map(DatasetTable::from_model).collect::<Result<Vec<_>>>()?;
    let folders = folder_rows.into_iter().map(DatasetFolder::from_model).collect::<Result<Vec<_>>>()?;

    let mut base = CatalogDocument {
        kind: DocumentKind::Dataset,
        uri: dataset.dataset_uri.clone(),
        dataset_uri: dataset.dataset_uri.clone(),
        name: dataset.name.clone(),
        label: dataset.label.clone(),
        description: dataset.description.clone(),
        tags: dataset.tags.clone(),
        topics: dataset.topics.clone(),
        confidentiality: dataset.confidentiality.clone(),
        region,
        environment_uri: dataset.environment_uri.clone(),
        organization_uri: dataset.organization_uri.clone(),
        owner_team: dataset.saml_admin_group_name.clone(),
        stewards: dataset.stewards.clone(),
        columns: vec![],
        tables: tables.iter().map(|t| t.name.clone()).collect(),
        folders: folders.iter().map(|f| f.name.clone()).collect(),
        terms: vec![],
        up_votes: crate::votes::up_votes(db, crate::votes::VoteTarget::Dataset, dataset_uri).await?,
    };
    let mut terms = crate::glossaries::approved_labels(db, dataset_uri).await?;
    base.terms = terms.remove(dataset_uri).unwrap_or_default();
    let item = |kind, uri: &str, name: &str, label: &str, description: &Option<String>| CatalogDocument {
        kind,
        uri: uri.to_owned(),
        name: name.to_owned(),
        label: label.to_owned(),
        description: description.clone(),
        tables: vec![],
        folders: vec![],
        // Votes are on datasets; a vote rewrites only the dataset's document.
        up_votes: 0,
        ..base.clone()
    };

    let (wanted_tables, wanted_folders): (Option<HashSet<&str>>, Option<HashSet<&str>>) = match scope {
        Scope::Everything => (None, None),
        Scope::DatasetOnly => (Some(HashSet::new()), Some(HashSet::new())),
        Scope::Items { tables, folders } => (
            Some(tables.iter().map(String::as_str).collect()),
            Some(folders.iter().map(String::as_str).collect()),
        ),
    };
    let wanted = |set: &Option<HashSet<&str>>, uri: &str| set.as_ref().is_none_or(|s| s.contains(uri));

    let mut out = DatasetDocuments::default();
    let chosen: Vec<&DatasetTable> = tables.iter().filter(|t| wanted(&wanted_tables, &t.table_uri)).collect();
    let mut columns = columns_of(db, chosen.iter().map(|t| t.table_uri.clone()).collect()).await?;
    for t in chosen {
        let mut doc = item(DocumentKind::Table, &t.table_uri, &t.name, &t.label, &t.description);
        doc.tags = t.tags.clone();
        doc.topics = t.topics.clone();
        doc.columns = columns.remove(&t.table_uri).unwrap_or_default();
        doc.terms = terms.remove(&t.table_uri).unwrap_or_default();
        out.documents.push(doc);
    }
    for f in folders.iter().filter(|f| wanted(&wanted_folders, &f.location_uri)) {
        let mut doc = item(DocumentKind::Folder, &f.location_uri, &f.name, &f.label, &f.description);
        doc.tags = f.tags.clone();
        doc.terms = terms.remove(&f.location_uri).unwrap_or_default();
        out.documents.push(doc);
    }
    out.documents.push(base);
    if let Scope::Items { tables: t, folders: f } = scope {
        let present: HashSet<&str> = out.documents.iter().map(|d| d.uri.as_str()).collect();
        out.absent = t.iter().chain(f).filter(|u| !present.contains(u.as_str())).cloned().collect();
    }
    Ok(Some(out))
}

/// Columns of many tables, in their stored order; batched under SQLite's parameter limit.
async fn columns_of(
    db: &impl ConnectionTrait,
    table_uris: Vec<String>,
) -> Result<BTreeMap<String, Vec<ColumnDoc>>> {
    let mut out: BTreeMap<String, Vec<ColumnDoc>> = BTreeMap::new();
    for batch in table_uris.chunks(500) {
        let rows: Vec<(String, String, Option<String>)> = col::Entity::find()
            .select_only()
            .columns([col::Column::TableUri, col::Column::Name, col::Column::TypeName])
            .filter(col::Column::TableUri.is_in(batch.iter().cloned()))
            .order_by_asc(col::Column::TableUri)
            .order_by_asc(col::Column::Position)
            .into_tuple()
            .all(db)
            .await?;
        for (table, name, type_name) in rows {
            out.entry(table).or_default().push(ColumnDoc { name, type_name });
        }
    }
    Ok(out)
}

/// Dataset URIs in order, a page after `after`, for walks over the whole catalog.
pub async fn dataset_page(db: &impl ConnectionTrait, after: Option<&str>, size: u64) -> Result<Vec<String>> {
    let mut query = ds::Entity::find().select_only().column(ds::Column::DatasetUri);
    if let Some(after) = after {
        query = query.filter(ds::Column::DatasetUri.gt(after));
    }
    Ok(query.order_by_asc(ds::Column::DatasetUri).limit(size).into_tuple().all(db).await?)
}
