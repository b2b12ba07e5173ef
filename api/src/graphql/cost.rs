//! What a request would cost, from our own walk over the parsed document, before anything runs.
//!
//! The cost counts objects: every selected field once for each object it is asked of. A page's
//! items count once per page size asked (`pageSize`, or `filter: {pageSize}` and the like, as a
//! literal or a variable; the default page size when none is given; the maximum for a page that
//! takes no size), so `getDataset { tables(pageSize: 100) { nodes { columns { nodes { name } } } } }`
//! costs over ten thousand, not four. Every alias counts. `__schema` costs as much as the whole
//! schema description, `__type` as its largest type.
//!
//! The walk also refuses what would make async-graphql's own validation recurse or repeat without
//! bound: selection sets and fragments nested past the limit, fragments that spread themselves,
//! fragments no operation uses (its validation walks those too). Every operation in the document
//! is counted, as validation walks every one. Each step adds at least one to the cost, and the
//! walk stops at four times the limit, so its own work is bounded by the limit.

mod shape;

use std::collections::HashSet;

use async_graphql::{
    ErrorExtensions, Positioned, ServerError, Variables,
    parser::types::{ExecutableDocument, Field, OperationType, Selection, SelectionSet, VariableDefinition},
};
use async_graphql_value::{ConstValue, Value};
pub use shape::SchemaShape;
use shape::{PAGE_ITEMS, PAGE_SIZE, Paging};
use sluice_core::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

use super::limits::{Limit, LimitExceeded, Limits, request_error};

/// What the walk found of a document within the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    pub cost: u64,
    /// Fields inside one another, fragments followed.
    pub depth: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
    #[error("fragment \"{0}\" spreads itself")]
    FragmentCycle(String),
    #[error("fragment \"{0}\" is never used")]
    UnusedFragment(String),
}

impl Refusal {
    pub fn to_server_error(&self) -> ServerError {
        match self {
            Refusal::Limit(limit) => limit.to_server_error(),
            other => request_error(
                async_graphql::Error::new(other.to_string())
                    .extend_with(|_, ext| ext.set("code", "GRAPHQL_VALIDATION_FAILED")),
            ),
        }
    }
}

/// Walks every operation of `document` with the request's `variables`.
pub fn measure(
    shape: &SchemaShape,
    document: &ExecutableDocument,
    variables: &Variables,
    limits: &Limits,
) -> Result<Measure, Refusal> {
    let mut walk = Walk {
        shape,
        document,
        variables,
        limits,
        defaults: &[],
        cost: 0,
        depth: 0,
        spreading: Vec::new(),
        used: HashSet::new(),
    };
    for (_, operation) in document.operations.iter() {
        let root = match operation.node.ty {
            OperationType::Query => Some(shape.query.as_str()),
            OperationType::Mutation => shape.mutation.as_deref(),
            OperationType::Subscription => None,
        };
        walk.defaults = &operation.node.variable_definitions;
        let at = At { ty: root, page: None, weight: 1, depth: 0, nesting: 0 };
        walk.selection_set(&operation.node.selection_set, at)?;
    }
    let max = limits.max_complexity as u64;
    if walk.cost > max {
        return Err(LimitExceeded { limit: Limit::Complexity, max, seen: walk.cost, at_least: false }.into());
    }
    if let Some(unused) = document.fragments.keys().find(|name| !walk.used.contains(name.as_str())) {
        return Err(Refusal::UnusedFragment(unused.to_string()));
    }
    Ok(Measure { cost: walk.cost, depth: walk.depth })
}

struct Walk<'a> {
    shape: &'a SchemaShape,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    limits: &'a Limits,
    /// The variable definitions of the operation walked, for their default values.
    defaults: &'a [Positioned<VariableDefinition>],
    cost: u64,
    depth: usize,
    /// The fragments being spread, innermost last.
    spreading: Vec<&'a str>,
    used: HashSet<&'a str>,
}

/// Where the walk is.
#[derive(Clone, Copy)]
struct At<'a> {
    /// The type selected on; `None` when unknown (validation will say) or inside introspection.
    ty: Option<&'a str>,
    /// The page size asked, when `ty` is a page.
    page: Option<u64>,
    /// How many objects each field selected here is asked of.
    weight: u64,
    /// Fields above.
    depth: usize,
    /// Selection sets and fragments above, counted as async-graphql counts its recursion depth.
    nesting: usize,
}

impl<'a> Walk<'a> {
    fn selection_set(&mut self, set: &'a Positioned<SelectionSet>, at: At<'a>) -> Result<(), Refusal> {
        for selection in &set.node.items {
            match &selection.node {
                Selection::Field(field) => self.field(&field.node, at)?,
                Selection::InlineFragment(fragment) => {
                    let inner = self.nested(at)?;
                    let ty = fragment.node.type_condition.as_ref().map(|c| c.node.on.node.as_str());
                    self.selection_set(&fragment.node.selection_set, At { ty: ty.or(at.ty), ..inner })?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    // An unknown fragment is validation's to report.
                    let Some(fragment) = self.document.fragments.get(name) else { continue };
                    if self.spreading.contains(&name) {
                        return Err(Refusal::FragmentCycle(name.to_owned()));
                    }
                    self.used.insert(name);
                    let inner = self.nested(at)?;
                    let ty = Some(fragment.node.type_condition.node.on.node.as_str());
                    self.spreading.push(name);
                    self.selection_set(&fragment.node.selection_set, At { ty, ..inner })?;
                    self.spreading.pop();
                }
            }
        }
        Ok(())
    }

    fn field(&mut self, field: &'a Field, at: At<'a>) -> Result<(), Refusal> {
        let name = field.name.node.as_str();
        if name == "__typename" {
            // Not a level: async-graphql's depth does not count it either.
            return self.charge(at.weight);
        }
        let depth = at.depth + 1;
        if depth > self.limits.max_depth {
            return Err(LimitExceeded::new(Limit::Depth, self.limits.max_depth, depth).into());
        }
        self.depth = self.depth.max(depth);
        // Turned off, introspection answers null.
        let introspection = |objects| if self.limits.introspection { objects } else { 1 };
        let (ty, page, weight, objects) = match name {
            "__schema" => (None, None, at.weight, introspection(self.shape.schema_objects)),
            "__type" => (None, None, at.weight, introspection(self.shape.largest_type_objects)),
            _ => {
                let known = at.ty.and_then(|ty| self.shape.field(ty, name));
                let in_page = at.ty.and_then(|ty| self.shape.types.get(ty)).is_some_and(|t| t.paged);
                let items = if in_page && name == PAGE_ITEMS { at.page.unwrap_or(MAX_PAGE_SIZE) } else { 1 };
                let page = known.and_then(|f| f.paging.as_ref()).map(|paging| self.page_size(paging, field));
                (known.map(|f| f.returns.as_str()), page, at.weight.saturating_mul(items), 1)
            }
        };
        self.charge(at.weight.saturating_mul(objects))?;
        if field.selection_set.node.items.is_empty() {
            return Ok(());
        }
        let inner = self.nested(at)?;
        self.selection_set(&field.selection_set, At { ty, page, weight, depth, nesting: inner.nesting })
    }

    fn nested(&self, at: At<'a>) -> Result<At<'a>, Refusal> {
        let nesting = at.nesting + 1;
        if nesting > self.limits.max_nesting {
            return Err(LimitExceeded::new(Limit::Selections, self.limits.max_nesting, nesting).into());
        }
        Ok(At { nesting, ..at })
    }

    fn charge(&mut self, objects: u64) -> Result<(), Refusal> {
        self.cost = self.cost.saturating_add(objects);
        let max = self.limits.max_complexity as u64;
        if self.cost > max.saturating_mul(4) {
            return Err(
                LimitExceeded { limit: Limit::Complexity, max, seen: self.cost, at_least: true }.into()
            );
        }
        Ok(())
    }

    /// The page size `field` asks for, as `PageRequest` will read it.
    fn page_size(&self, paging: &Paging, field: &Field) -> u64 {
        let asked = match paging {
            Paging::Unsized => return MAX_PAGE_SIZE,
            Paging::Argument => field.get_argument(PAGE_SIZE).and_then(|v| self.number(&v.node)),
            Paging::InputField(argument) => field.get_argument(argument).and_then(|v| match &v.node {
                Value::Object(fields) => fields.get(PAGE_SIZE).and_then(|v| self.number(v)),
                Value::Variable(name) => match self.variable(name.as_str()) {
                    Some(ConstValue::Object(fields)) => fields.get(PAGE_SIZE).and_then(const_number),
                    _ => None,
                },
                _ => None,
            }),
        };
        match asked {
            Some(n) if n >= 1 => (n as u64).min(MAX_PAGE_SIZE),
            // Absent, null or refused by the resolver (below 1): the resolver's default.
            _ => DEFAULT_PAGE_SIZE,
        }
    }

    fn number(&self, value: &Value) -> Option<i64> {
        match value {
            Value::Variable(name) => self.variable(name.as_str()).and_then(const_number),
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// A variable's value as sent, else its default in the operation.
    fn variable(&self, name: &str) -> Option<&'a ConstValue> {
        self.variables.get(name).or_else(|| {
            self.defaults.iter().find(|d| d.node.name.node == name).and_then(|d| d.node.default_value())
        })
    }
}

fn const_number(value: &ConstValue) -> Option<i64> {
    match value {
        ConstValue::Number(n) => n.as_i64(),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
