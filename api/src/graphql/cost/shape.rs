//! What the cost walk knows of the schema, read from its SDL at start-up: each output type's
//! fields, what they return, and which of them page. Paging is recognised by shape, not by a
//! list of names: a field pages when its type has a `nodes` list, and its page size is the
//! `pageSize` argument or the `pageSize` field of an input argument (`filter`, `input`).

use std::collections::{HashMap, HashSet};

use async_graphql::parser::{
    parse_schema,
    types::{BaseType, Type, TypeKind, TypeSystemDefinition},
};

/// The argument or input field that carries a page size.
pub const PAGE_SIZE: &str = "pageSize";
/// The list field of a paged type.
pub const PAGE_ITEMS: &str = "nodes";

#[derive(Debug, Default)]
pub struct SchemaShape {
    pub(super) types: HashMap<String, TypeShape>,
    pub(super) query: String,
    pub(super) mutation: Option<String>,
    /// Objects a `__schema` answer can hold at most: every type, field, argument, input field
    /// and enum value once.
    pub(super) schema_objects: u64,
    /// The same for the largest single type, which is what `__type` can return.
    pub(super) largest_type_objects: u64,
}

#[derive(Debug, Default)]
pub struct TypeShape {
    pub(super) fields: HashMap<String, FieldShape>,
    /// Has a `nodes` list: a page of items.
    pub(super) paged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldShape {
    /// The named type under any list and non-null wrappers.
    pub(super) returns: String,
    /// Where the page size is asked, when the field returns a page.
    pub(super) paging: Option<Paging>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paging {
    /// `field(pageSize: n)`.
    Argument,
    /// `field(filter: {pageSize: n})`, named by the argument.
    InputField(String),
    /// The field takes no page size: the resolver picks, at most the maximum.
    Unsized,
}

impl SchemaShape {
    /// # Panics
    /// When `sdl` does not parse: it is the schema's own SDL, so that is a bug in async-graphql.
    pub fn from_sdl(sdl: &str) -> Self {
        #[allow(clippy::expect_used)]
        let document = parse_schema(sdl).expect("the schema's own SDL parses");
        let mut inputs: HashMap<String, HashSet<String>> = HashMap::new();
        let mut outputs = Vec::new();
        let mut shape = SchemaShape { query: "Query".into(), ..Default::default() };
        let mut objects = 0u64;
        for definition in &document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(query) = &schema.node.query {
                        shape.query = query.node.to_string();
                    }
                    shape.mutation = schema.node.mutation.as_ref().map(|m| m.node.to_string());
                }
                TypeSystemDefinition::Type(ty) => {
                    let name = ty.node.name.node.to_string();
                    let size = 1 + match &ty.node.kind {
                        TypeKind::Object(o) => {
                            outputs.push((name.clone(), &o.fields));
                            o.fields.iter().map(|f| 1 + f.node.arguments.len()).sum::<usize>()
                        }
                        TypeKind::Interface(i) => {
                            outputs.push((name.clone(), &i.fields));
                            i.fields.iter().map(|f| 1 + f.node.arguments.len()).sum::<usize>()
                        }
                        TypeKind::InputObject(i) => {
                            inputs.insert(
                                name.clone(),
                                i.fields.iter().map(|f| f.node.name.node.to_string()).collect(),
                            );
                            i.fields.len()
                        }
                        TypeKind::Enum(e) => e.values.len(),
                        TypeKind::Union(u) => u.members.len(),
                        TypeKind::Scalar => 0,
                    } as u64;
                    objects += size;
                    shape.largest_type_objects = shape.largest_type_objects.max(size);
                }
                TypeSystemDefinition::Directive(d) => objects += 1 + d.node.arguments.len() as u64,
            }
        }
        if shape.mutation.is_none() && outputs.iter().any(|(name, _)| name == "Mutation") {
            shape.mutation = Some("Mutation".into());
        }
        // The introspection types themselves are described too; a few dozen objects.
        shape.schema_objects = objects + 64;
        let paged: HashSet<String> = outputs
            .iter()
            .filter(|(_, fields)| {
                fields.iter().any(|f| f.node.name.node == PAGE_ITEMS && is_list(&f.node.ty.node))
            })
            .map(|(name, _)| name.clone())
            .collect();
        for (name, fields) in outputs {
            let mut ty = TypeShape { paged: paged.contains(&name), ..Default::default() };
            for field in fields {
                let returns = named(&field.node.ty.node).to_owned();
                let paging = paged.contains(&returns).then(|| {
                    let arguments = &field.node.arguments;
                    if arguments.iter().any(|a| a.node.name.node == PAGE_SIZE) {
                        return Paging::Argument;
                    }
                    arguments
                        .iter()
                        .find(|a| {
                            inputs
                                .get(named(&a.node.ty.node))
                                .is_some_and(|fields| fields.contains(PAGE_SIZE))
                        })
                        .map_or(Paging::Unsized, |a| Paging::InputField(a.node.name.node.to_string()))
                });
                ty.fields.insert(field.node.name.node.to_string(), FieldShape { returns, paging });
            }
            shape.types.insert(name, ty);
        }
        shape
    }

    pub fn field(&self, ty: &str, field: &str) -> Option<&FieldShape> {
        self.types.get(ty)?.fields.get(field)
    }
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

fn is_list(ty: &Type) -> bool {
    matches!(ty.base, BaseType::List(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paged_fields_are_found_by_shape_with_where_they_take_a_page_size() {
        let shape = SchemaShape::from_sdl(&crate::graphql::sdl());
        let paging = |ty: &str, field: &str| {
            shape.field(ty, field).unwrap_or_else(|| panic!("{ty}.{field} is in the schema")).paging.clone()
        };
        assert_eq!(paging("Query", "listDatasets"), Some(Paging::InputField("filter".into())));
        assert_eq!(paging("Query", "searchCatalog"), Some(Paging::InputField("input".into())));
        assert_eq!(paging("Dataset", "tables"), Some(Paging::InputField("filter".into())));
        assert_eq!(paging("DatasetTable", "columns"), Some(Paging::Unsized));
        assert_eq!(paging("Query", "getDataset"), None);
        assert!(shape.types["DatasetTableSearchResult"].paged);
        assert_eq!(shape.query, "Query");
        assert_eq!(shape.mutation.as_deref(), Some("Mutation"));
        assert!(shape.largest_type_objects > 50, "{}", shape.largest_type_objects);
        assert!(shape.schema_objects > shape.largest_type_objects * 5, "{}", shape.schema_objects);
    }

    #[test]
    fn every_search_result_type_is_recognised_as_a_page() {
        let shape = SchemaShape::from_sdl(&crate::graphql::sdl());
        let results: Vec<&String> =
            shape.types.keys().filter(|name| name.ends_with("SearchResult")).collect();
        assert!(results.len() > 8, "{results:?}");
        for name in results {
            assert!(shape.types[name].paged, "{name} has no `nodes` list: its items would cost one each");
        }
    }
}
