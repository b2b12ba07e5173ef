//! Tables as Glue holds them (what the sync reads) and as Sluice keeps them.

use std::collections::BTreeMap;

use crate::{Error, Result};

pub const TABLE_RESOURCE_TYPE: &str = "dataset_table";
/// What the activity trail and refusals call a table's column.
pub const COLUMN_RESOURCE_TYPE: &str = "dataset_table_column";
pub const IN_SYNC: &str = "InSync";
pub const DELETED: &str = "Deleted";

/// A column or partition key as Glue holds it. `type_` is Glue's (Hive's) type text, e.g.
/// `bigint` or `struct<a:string>`; Glue allows it to be missing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GlueColumn {
    pub name: String,
    pub type_: Option<String>,
    pub comment: Option<String>,
}

/// A table as the sync reads it from Glue. `location` is the storage descriptor's (an S3 URI
/// for S3 tables; none for views and resource links).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlueTable {
    pub name: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub columns: Vec<GlueColumn>,
    pub partition_keys: Vec<GlueColumn>,
    pub parameters: BTreeMap<String, String>,
    /// e.g. `EXTERNAL_TABLE`, `VIRTUAL_VIEW`.
    pub table_type: Option<String>,
}

impl GlueTable {
    /// FNV-1a over everything the sync compares, so an unchanged table costs no write.
    pub fn fingerprint(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |s: &str| {
            for b in s.as_bytes().iter().chain([0xff_u8].iter()) {
                hash ^= u64::from(*b);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        };
        let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "\u{0}".into());
        feed(&opt(&self.description));
        feed(&opt(&self.location));
        feed(&opt(&self.table_type));
        for (tag, columns) in [("c", &self.columns), ("p", &self.partition_keys)] {
            for c in columns {
                feed(tag);
                feed(&c.name);
                feed(&opt(&c.type_));
                feed(&opt(&c.comment));
            }
        }
        for (k, v) in &self.parameters {
            feed(k);
            feed(v);
        }
        format!("{hash:016x}")
    }

    /// Columns then partition keys, as stored: (name, type, comment, column type).
    pub(crate) fn stored_columns(&self) -> impl Iterator<Item = (&GlueColumn, String)> {
        self.columns
            .iter()
            .map(|c| (c, "column".to_owned()))
            .chain(self.partition_keys.iter().enumerate().map(|(i, c)| (c, format!("partition_{i}"))))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetTable {
    pub table_uri: String,
    pub dataset_uri: String,
    pub label: String,
    /// The Glue table's name.
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub topics: Vec<String>,
    pub owner: String,
    pub table_type: Option<String>,
    /// Where the data lives and Glue's parameters: read through [`DatasetTable::details`].
    pub(crate) location: Option<String>,
    pub(crate) properties: BTreeMap<String, String>,
    /// InSync, or Deleted once the table left Glue.
    pub status: String,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl DatasetTable {
    pub(crate) fn from_model(m: sluice_entities::dataset_table::Model) -> Result<Self> {
        let json = |e: serde_json::Error| Error::Internal(Box::new(e));
        Ok(Self {
            tags: serde_json::from_str(&m.tags).map_err(json)?,
            topics: serde_json::from_str(&m.topics).map_err(json)?,
            properties: serde_json::from_str(&m.properties).map_err(json)?,
            table_uri: m.table_uri,
            dataset_uri: m.dataset_uri,
            label: m.label,
            name: m.name,
            description: m.description,
            owner: m.owner,
            table_type: m.table_type,
            location: m.location,
            status: m.last_glue_table_status,
            created: m.created,
            updated: m.updated,
        })
    }
}

/// Where a table's data lives in S3 and what Glue holds about it: for its dataset's teams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableDetails<'a> {
    pub location: Option<&'a str>,
    pub properties: &'a BTreeMap<String, String>,
}

impl DatasetTable {
    /// The table's details, through the view of its own dataset: FORBIDDEN unless that view is
    /// the full one.
    pub fn details(&self, dataset: &super::super::DatasetView) -> Result<TableDetails<'_>> {
        if dataset.entry().dataset_uri != self.dataset_uri {
            return Err(Error::Internal(
                format!("table {} was read through another dataset's view", self.table_uri).into(),
            ));
        }
        dataset.restricted()?;
        Ok(TableDetails { location: self.location.as_deref(), properties: &self.properties })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableColumn {
    pub column_uri: String,
    pub table_uri: String,
    pub name: String,
    pub label: String,
    pub type_name: Option<String>,
    /// `column`, or `partition_<n>`.
    pub column_type: String,
    pub description: Option<String>,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl From<sluice_entities::dataset_table_column::Model> for TableColumn {
    fn from(m: sluice_entities::dataset_table_column::Model) -> Self {
        Self {
            column_uri: m.column_uri,
            table_uri: m.table_uri,
            name: m.name,
            label: m.label,
            type_name: m.type_name,
            column_type: m.column_type,
            description: m.description,
            created: m.created,
            updated: m.updated,
        }
    }
}

/// What a team may change of a table: its catalog text, never its Glue definition.
#[derive(Debug, Clone, Default)]
pub struct ModifyTable {
    pub label: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub topics: Option<Vec<String>>,
    /// data.all's input has one; a table is where Glue says, so a prefix is refused.
    pub prefix: Option<String>,
    /// Glossary term URIs: the table's terms become these. None leaves them.
    pub terms: Option<Vec<String>>,
}

/// What a team may change of a column: its description.
#[derive(Debug, Clone, Default)]
pub struct ModifyColumn {
    /// None leaves the description; an empty one clears it.
    pub description: Option<String>,
    /// Glossary term URIs: the column's terms become these. None leaves them.
    pub terms: Option<Vec<String>>,
    /// Any of data.all's classification, tags or topics was sent; they are refused.
    pub other_fields: bool,
}

/// A queued table sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedSync {
    pub task_uri: String,
    /// The dataset's tables in Glue before the sync.
    pub tables: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> GlueTable {
        GlueTable {
            name: "orders".into(),
            description: None,
            location: Some("s3://b/orders/".into()),
            columns: vec![GlueColumn { name: "id".into(), type_: Some("bigint".into()), comment: None }],
            partition_keys: vec![],
            parameters: BTreeMap::from([("classification".into(), "parquet".into())]),
            table_type: Some("EXTERNAL_TABLE".into()),
        }
    }

    #[test]
    fn the_fingerprint_changes_with_every_compared_part() {
        let base = table().fingerprint();
        assert_eq!(base, table().fingerprint(), "stable");
        let mut t = table();
        t.columns[0].type_ = Some("int".into());
        assert_ne!(t.fingerprint(), base, "a column type");
        let mut t = table();
        t.partition_keys = t.columns.clone();
        t.columns.clear();
        assert_ne!(t.fingerprint(), base, "a column moved to the partition keys");
        let mut t = table();
        t.location = Some("s3://b/orders2/".into());
        assert_ne!(t.fingerprint(), base, "the location");
        let mut t = table();
        t.parameters.insert("k".into(), "v".into());
        assert_ne!(t.fingerprint(), base, "a property");
        let mut t = table();
        t.description = Some(String::new());
        assert_ne!(t.fingerprint(), base, "an empty description is not a missing one");
    }

    #[test]
    fn partition_keys_are_numbered_after_the_columns() {
        let mut t = table();
        t.partition_keys = vec![
            GlueColumn { name: "day".into(), type_: None, comment: None },
            GlueColumn { name: "hour".into(), type_: None, comment: None },
        ];
        let kinds: Vec<String> = t.stored_columns().map(|(_, k)| k).collect();
        assert_eq!(kinds, ["column", "partition_0", "partition_1"]);
    }
}
