//! Which documents the read epoch covers whole: every field they select answers from rows the
//! epoch's triggers watch, from the viewer, or from the document's own arguments. Only such a
//! document's answer may be kept and served again while the epoch stands (see
//! `read_cache::ReadCache::responses`).
//!
//! The list is of fields, not types, so that a field added later stays uncovered until someone
//! has checked what it reads: a field that reads anything else (columns, shares, tasks, the
//! search index, the clock) must never be listed. A test checks every entry against the schema.

use std::{collections::HashMap, sync::LazyLock};

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};

/// `(type, [(field, the named type it returns)])`; a type may appear more than once.
const COVERED: &[(&str, &[(&str, &str)])] = &[
    ("Query", &[("getDataset", "Dataset"), ("listDatasets", "DatasetBaseSearchResult")]),
    ("Dataset", DATASET_ROW),
    ("DatasetBase", DATASET_ROW),
    (
        "Dataset",
        &[
            ("restricted", "DatasetRestrictedInformation"),
            ("locations", "DatasetStorageLocationSearchResult"),
            ("tables", "DatasetTableSearchResult"),
            ("statistics", "DatasetStatistics"),
            ("enableExpiration", "Boolean"),
            ("expirySetting", "String"),
            ("expiryMinDuration", "Int"),
            ("expiryMaxDuration", "Int"),
        ],
    ),
    ("DatasetBaseSearchResult", PAGE),
    ("DatasetBaseSearchResult", &[("nodes", "DatasetBase")]),
    ("DatasetTableSearchResult", PAGE),
    ("DatasetTableSearchResult", &[("nodes", "DatasetTable")]),
    ("DatasetStorageLocationSearchResult", PAGE),
    ("DatasetStorageLocationSearchResult", &[("nodes", "DatasetStorageLocation")]),
    (
        "DatasetRestrictedInformation",
        &[
            ("AwsAccountId", "String"),
            ("region", "String"),
            ("S3BucketName", "String"),
            ("GlueDatabaseName", "String"),
            ("GlueCrawlerName", "String"),
            ("IAMDatasetAdminRoleArn", "String"),
            ("KmsAlias", "String"),
            ("importedS3Bucket", "Boolean"),
            ("importedGlueDatabase", "Boolean"),
            ("importedKmsKey", "Boolean"),
            ("importedAdminRole", "Boolean"),
        ],
    ),
    // `upvotes` counts the `vote` table, whose triggers move the epoch (migration 16).
    ("DatasetStatistics", &[("tables", "Int"), ("locations", "Int"), ("upvotes", "Int")]),
    (
        "EnvironmentSimplified",
        &[
            ("environmentUri", "ID"),
            ("label", "String"),
            ("name", "String"),
            ("AwsAccountId", "String"),
            ("region", "String"),
            ("SamlGroupName", "String"),
            ("organization", "OrganizationSimplified"),
        ],
    ),
    ("OrganizationSimplified", &[("organizationUri", "ID"), ("label", "String"), ("name", "String")]),
    (
        "Stack",
        &[
            ("stackUri", "ID"),
            ("targetUri", "String"),
            ("stack", "String"),
            ("environmentUri", "String"),
            ("name", "String"),
            ("accountid", "String"),
            ("region", "String"),
            ("status", "String"),
            ("stackid", "String"),
            ("updated", "String"),
            ("link", "String"),
            ("outputs", "String"),
            ("events", "String"),
            ("error", "String"),
            ("taskUri", "String"),
            ("canViewLogs", "Boolean"),
        ],
    ),
    ("DatasetTable", ITEM_ROW),
    ("DatasetStorageLocation", ITEM_ROW),
    // Not `columns`: table columns are not watched.
    (
        "DatasetTable",
        &[
            ("tableUri", "ID"),
            ("datasetUri", "String"),
            ("dataset", "Dataset"),
            ("admins", "String"),
            ("LastGlueTableStatus", "String"),
            ("GlueTableConfig", "String"),
            ("GlueTableProperties", "String"),
            ("region", "String"),
            ("topics", "String"),
            ("userRoleForTable", "DatasetRole"),
            ("stage", "String"),
            ("restricted", "DatasetTableRestrictedInformation"),
        ],
    ),
    (
        "DatasetTableRestrictedInformation",
        &[
            ("AwsAccountId", "String"),
            ("GlueDatabaseName", "String"),
            ("GlueTableName", "String"),
            ("S3Prefix", "String"),
        ],
    ),
    (
        "DatasetStorageLocation",
        &[
            ("locationUri", "ID"),
            ("S3Prefix", "String"),
            ("locationCreated", "Boolean"),
            ("dataset", "Dataset"),
            ("restricted", "DatasetRestrictedInformation"),
            ("userRoleForStorageLocation", "DatasetRole"),
            ("environmentEndPoint", "String"),
        ],
    ),
];

/// The fields `Dataset` and `DatasetBase` share: the dataset's row, its environment's card, its
/// stack, and the viewer's role.
const DATASET_ROW: &[(&str, &str)] = &[
    ("datasetUri", "ID"),
    ("datasetType", "String"),
    ("label", "String"),
    ("name", "String"),
    ("description", "String"),
    ("tags", "String"),
    ("owner", "String"),
    ("created", "String"),
    ("updated", "String"),
    ("admins", "String"),
    ("SamlAdminGroupName", "String"),
    ("owners", "String"),
    ("stewards", "String"),
    ("imported", "Boolean"),
    ("AwsAccountId", "String"),
    ("region", "String"),
    ("environment", "EnvironmentSimplified"),
    ("userRoleForDataset", "DatasetRole"),
    ("userRoleInEnvironment", "EnvironmentPermission"),
    ("topics", "Topic"),
    ("confidentiality", "String"),
    ("language", "Language"),
    ("businessOwnerEmail", "String"),
    ("businessOwnerDelegationEmails", "String"),
    ("autoApprovalEnabled", "Boolean"),
    ("stack", "Stack"),
];

/// The fields a table and a folder read from their own row alike.
const ITEM_ROW: &[(&str, &str)] = &[
    ("label", "String"),
    ("name", "String"),
    ("description", "String"),
    ("owner", "String"),
    ("created", "String"),
    ("updated", "String"),
    ("tags", "String"),
];

/// A paged list's own fields; `nodes` is listed with each list.
const PAGE: &[(&str, &str)] = &[
    ("count", "Int"),
    // Decided by the same reads as `count`.
    ("countExact", "Boolean"),
    ("page", "Int"),
    ("pages", "Int"),
    ("pageSize", "Int"),
    ("nextPage", "Int"),
    ("previousPage", "Int"),
    ("hasNext", "Boolean"),
    ("hasPrevious", "Boolean"),
];

/// Deeper than any document the schema's depth limit lets through; also ends fragment cycles,
/// which this check meets before validation has refused them.
const MAX_DEPTH: usize = 32;

static FIELDS: LazyLock<HashMap<(&'static str, &'static str), &'static str>> = LazyLock::new(|| {
    COVERED
        .iter()
        .flat_map(|(ty, fields)| fields.iter().map(move |(f, returns)| ((*ty, *f), *returns)))
        .collect()
});

/// Whether every operation of `doc` is a query that selects covered fields only.
pub fn is_covered(doc: &ExecutableDocument) -> bool {
    doc.operations.iter().all(|(_, op)| {
        op.node.ty == OperationType::Query
            && op.node.directives.is_empty()
            && covered(doc, "Query", &op.node.selection_set.node, 0)
    })
}

fn covered(doc: &ExecutableDocument, parent: &str, set: &SelectionSet, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    set.items.iter().all(|selection| match &selection.node {
        Selection::Field(field) => {
            let field = &field.node;
            let name = field.name.node.as_str();
            if !only_conditions(&field.directives) {
                return false;
            }
            if name == "__typename" {
                return true;
            }
            let Some(returns) = FIELDS.get(&(parent, name)) else { return false };
            covered(doc, returns, &field.selection_set.node, depth + 1)
        }
        Selection::FragmentSpread(spread) => {
            let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) else { return false };
            only_conditions(&spread.node.directives)
                && fragment.node.directives.is_empty()
                && fragment.node.type_condition.node.on.node.as_str() == parent
                && covered(doc, parent, &fragment.node.selection_set.node, depth + 1)
        }
        Selection::InlineFragment(inline) => {
            let inline = &inline.node;
            only_conditions(&inline.directives)
                && inline.type_condition.as_ref().is_none_or(|c| c.node.on.node.as_str() == parent)
                && covered(doc, parent, &inline.selection_set.node, depth + 1)
        }
    })
}

/// `@skip` and `@include` only choose fields; any other directive might change how they answer.
fn only_conditions(
    directives: &[async_graphql::Positioned<async_graphql::parser::types::Directive>],
) -> bool {
    directives.iter().all(|d| matches!(d.node.name.node.as_str(), "skip" | "include"))
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::{
        parse_query, parse_schema,
        types::{BaseType, Type, TypeKind, TypeSystemDefinition},
    };

    use super::*;

    fn check(query: &str) -> bool {
        is_covered(&parse_query(query).expect("a valid document"))
    }

    fn named(ty: &Type) -> &str {
        match &ty.base {
            BaseType::Named(name) => name.as_str(),
            BaseType::List(inner) => named(inner),
        }
    }

    #[test]
    fn every_listed_field_is_in_the_schema_with_the_type_it_says() {
        let sdl = crate::graphql::sdl();
        let schema = parse_schema(&sdl).expect("the schema's own SDL parses");
        let mut fields: HashMap<(String, String), String> = HashMap::new();
        for def in &schema.definitions {
            let TypeSystemDefinition::Type(ty) = def else { continue };
            let TypeKind::Object(object) = &ty.node.kind else { continue };
            for field in &object.fields {
                let key = (ty.node.name.node.to_string(), field.node.name.node.to_string());
                fields.insert(key, named(&field.node.ty.node).to_owned());
            }
        }
        for ((ty, field), returns) in FIELDS.iter() {
            let found = fields.get(&(ty.to_string(), field.to_string()));
            assert_eq!(found.map(String::as_str), Some(*returns), "{ty}.{field}");
        }
    }

    #[test]
    fn a_dataset_page_is_covered_with_fragments_aliases_and_conditions() {
        assert!(check(
            "query P($d: String!, $s: Boolean!) { __typename getDataset(datasetUri: $d) { ...D stack @include(if: $s) { status } \
             ... on Dataset { t: tables { count nodes { label } } } } } \
             fragment D on Dataset { label environment { label organization { name } } }"
        ));
        assert!(check(
            "{ listDatasets(filter: {page: 2}) { count hasNext nodes { label userRoleForDataset } } }"
        ));
    }

    #[test]
    fn anything_else_is_not() {
        for query in [
            "{ getDataset(datasetUri: \"d\") { tables { nodes { columns { count } } } } }",
            "{ listOrganizations { count } }",
            "{ __schema { types { name } } }",
            "mutation { deleteDataset(datasetUri: \"d\") }",
            "{ getDataset(datasetUri: \"d\") { ... on DatasetBase { label } } }",
            "{ getDataset(datasetUri: \"d\") { ...F } } fragment F on DatasetBase { label }",
            "{ getDataset(datasetUri: \"d\") { ...Missing } }",
            "{ getDataset(datasetUri: \"d\") { label @deprecated } }",
            "query Q { getDataset(datasetUri: \"d\") { label } } mutation M { deleteDataset(datasetUri: \"d\") }",
        ] {
            assert!(!check(query), "{query}");
        }
    }

    #[test]
    fn a_fragment_cycle_ends_as_not_covered() {
        assert!(!check("{ getDataset(datasetUri: \"d\") { ...A } } fragment A on Dataset { ...A }"));
    }
}
