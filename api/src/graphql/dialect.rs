//! data.all's error dialect. data.all's clients and tests tell errors apart by their message:
//! the class of the exception data.all raised (`UnauthorizedOperation`, `ResourceNotFound`,
//! `InvalidInput`, `RequiredParameter`) and, for a refusal, data.all's name of the permission.
//! So every FORBIDDEN, NOT_FOUND and BAD_USER_INPUT message starts as data.all words it and goes
//! on with Sluice's explanation, which `extensions.reason` also holds on its own;
//! `extensions.errorClass` names the class (docs/COMPATIBILITY.md).
//!
//! In places data.all checks a finer permission than Sluice (UPDATE_DATASET_TABLE where Sluice
//! checks UPDATE_DATASET). The check stays Sluice's; only the name a refusal is said with
//! follows the operation, from [`DATAALL_PERMISSIONS`]. A resolver's error does not know its
//! operation, so [`name_operations`] words refusals again once the response is complete, from
//! the path of each error and the request's document.

use async_graphql::{
    PathSegment, ServerError,
    parser::types::{DocumentOperations, ExecutableDocument, Selection, SelectionSet},
};
use sluice_core::{
    Error,
    authz::{Grant, dataset, environment, share},
    error::{Denied, Refusal},
};

/// The class of the exception data.all raises for an error, as `extensions.errorClass`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    UnauthorizedOperation,
    ResourceNotFound,
    InvalidInput,
    RequiredParameter,
    ShareItemsFound,
}

impl ErrorClass {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::UnauthorizedOperation => "UnauthorizedOperation",
            Self::ResourceNotFound => "ResourceNotFound",
            Self::InvalidInput => "InvalidInput",
            Self::RequiredParameter => "RequiredParameter",
            Self::ShareItemsFound => "ShareItemsFound",
        }
    }

    /// The class data.all raises for `err`; none for the codes it has no class for.
    pub fn of(err: &Error) -> Option<Self> {
        match err {
            Error::Forbidden(_) => Some(Self::UnauthorizedOperation),
            Error::NotFound { .. } => Some(Self::ResourceNotFound),
            Error::Validation { .. } => Some(Self::InvalidInput),
            Error::Required { .. } => Some(Self::RequiredParameter),
            Error::ShareItems { .. } => Some(Self::ShareItemsFound),
            Error::Unauthenticated | Error::Conflict(_) | Error::InvalidState(_) | Error::Internal(_) => None,
        }
    }
}

/// The tenant, as data.all's tenant refusals name it.
const TENANT: &str = "dataall";

/// An operation whose refusal data.all says with another permission than the one Sluice checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Renamed {
    /// The GraphQL operation (top-level field).
    pub operation: &'static str,
    /// The permission Sluice checks.
    pub checked: &'static str,
    /// The permission data.all checks for the same operation.
    pub dataall: &'static str,
}

const fn renamed(operation: &'static str, checked: &'static str, dataall: &'static str) -> Renamed {
    Renamed { operation, checked, dataall }
}

/// Where data.all names a refusal otherwise than Sluice: every other operation of data.all's
/// checks the permission Sluice does, under the same name.
pub const DATAALL_PERMISSIONS: &[Renamed] = &[
    // Tables and columns: data.all checks these on the table's dataset, as Sluice does.
    renamed("updateDatasetTable", dataset::UpdateDataset::PERMISSION, "UPDATE_DATASET_TABLE"),
    renamed("updateDatasetTableColumn", dataset::UpdateDataset::PERMISSION, "UPDATE_DATASET_TABLE"),
    renamed("syncDatasetTableColumns", dataset::SyncDataset::PERMISSION, "UPDATE_DATASET_TABLE"),
    renamed("deleteDatasetTable", dataset::DeleteDataset::PERMISSION, "DELETE_DATASET_TABLE"),
    // Folders: CREATE_DATASET_FOLDER covers changing them in Sluice.
    renamed(
        "updateDatasetStorageLocation",
        dataset::CreateDatasetFolder::PERMISSION,
        "UPDATE_DATASET_FOLDER",
    ),
    renamed(
        "deleteDatasetStorageLocation",
        dataset::CreateDatasetFolder::PERMISSION,
        "DELETE_DATASET_FOLDER",
    ),
    // Environments.
    renamed(
        "listDatasetsCreatedInEnvironment",
        environment::GetEnvironment::PERMISSION,
        "LIST_ENVIRONMENT_DATASETS",
    ),
    renamed(
        "updateGroupEnvironmentPermissions",
        environment::InviteEnvironmentGroup::PERMISSION,
        "UPDATE_ENVIRONMENT_GROUP",
    ),
    renamed(
        "removeConsumptionPrincipalFromEnvironment",
        environment::AddEnvironmentConsumptionRoles::PERMISSION,
        "REMOVE_ENVIRONMENT_CONSUMPTION_ROLE",
    ),
    // Shares.
    renamed("addSharedItem", share::AddShareItem::PERMISSION, "ADD_ITEM"),
    renamed("removeSharedItem", share::RemoveShareItem::PERMISSION, "REMOVE_ITEM"),
    renamed("rejectShareObject", dataset::ApproveShareObject::PERMISSION, "REJECT_SHARE_OBJECT"),
    renamed("updateShareRejectReason", dataset::ApproveShareObject::PERMISSION, "REJECT_SHARE_OBJECT"),
    // data.all lets whoever reads a share revoke its items; Sluice asks for REVOKE_SHARE_ITEM.
    renamed("revokeItemsShareObject", share::RevokeShareItem::PERMISSION, "GET_SHARE_OBJECT"),
];

/// What data.all calls the operations only platform admins may call, where it names them; the
/// others are called by their operation's name.
pub const ADMIN_ACTIONS: &[(&str, &str)] = &[
    ("listTenantPermissions", "LIST_TENANT_TEAM_PERMISSIONS"),
    ("listTenantGroups", "LIST_TENANT_TEAMS"),
    ("updateGroupTenantPermissions", "UPDATE_TENANT_TEAM_PERMISSIONS"),
];

/// The operation an error was met in: its top-level field, and whether the error is that
/// field's own rather than a nested field's.
#[derive(Debug, Clone, Copy)]
pub struct Met<'a> {
    pub operation: &'a str,
    pub own: bool,
}

/// `err`'s message: data.all's wording, then Sluice's explanation where it says more. Codes
/// data.all has no class for keep Sluice's explanation alone.
pub fn message(err: &Error, met: Option<Met<'_>>) -> String {
    match err {
        Error::Forbidden(refusal) => refusal_message(refusal, met),
        Error::NotFound { kind, uri } => {
            format!("An error occurred (ResourceNotFound): Resource {kind} with URI {uri} not found")
        }
        Error::Validation { .. } | Error::Required { .. } => {
            let class = ErrorClass::of(err).map_or("InvalidInput", ErrorClass::as_str);
            format!("An error occurred ({class}): {err}")
        }
        Error::ShareItems { action, reason } => format!(
            "An error occurred (ShareItemsFound) when calling {} operation: {} {reason}",
            action.dataall_action(),
            action.dataall_message()
        ),
        Error::Unauthenticated | Error::Conflict(_) | Error::InvalidState(_) | Error::Internal(_) => {
            err.to_string()
        }
    }
}

/// A refusal as data.all words it (`ResourceUnauthorized`, `TenantUnauthorized` or
/// `UnauthorizedOperation`), with data.all's permission name for the operation it was met in,
/// then Sluice's reason.
pub fn refusal_message(refusal: &Refusal, met: Option<Met<'_>>) -> String {
    let Refusal { username: user, denied, reason } = refusal;
    let permission = |checked: &'static str| -> &'static str {
        met.filter(|m| m.own).and_then(|m| dataall_permission(m.operation, checked)).unwrap_or(checked)
    };
    let (action, said) = match denied {
        Denied::Resource { permission: checked, uri, .. } => {
            let action = permission(checked);
            (action, format!("User: {user} is not authorized to perform: {action} on resource: {uri}"))
        }
        Denied::Tenant { permission: checked } => {
            let action = permission(checked);
            (action, format!("User: {user} is not authorized to perform: {action} on {TENANT}"))
        }
        Denied::NotInTeam { permission: checked, team } => {
            (permission(checked), format!("User: {user} is not a member of the team {team}"))
        }
        Denied::Operation => match met {
            Some(met) => {
                let action = admin_action(met.operation);
                (action, format!("User: {user} is not authorized to perform: {action}"))
            }
            None => {
                return format!(
                    "An error occurred (UnauthorizedOperation): User: {user} is not authorized to perform this operation. {reason}"
                );
            }
        },
    };
    format!("An error occurred (UnauthorizedOperation) when calling {action} operation: {said}. {reason}")
}

/// data.all's name for the permission `checked` when `operation` refuses it.
pub fn dataall_permission(operation: &str, checked: &str) -> Option<&'static str> {
    DATAALL_PERMISSIONS.iter().find(|r| r.operation == operation && r.checked == checked).map(|r| r.dataall)
}

fn admin_action(operation: &str) -> &str {
    ADMIN_ACTIONS.iter().find(|(op, _)| *op == operation).map_or(operation, |(_, action)| action)
}

/// Words each refusal among `errors` again for the operation it was met in: the top-level
/// field its path starts from, found in `document` (which resolves aliases and fragments).
pub fn name_operations(
    errors: &mut [ServerError],
    document: &ExecutableDocument,
    operation_name: Option<&str>,
) {
    for error in errors {
        let Some(refusal) = error.source.as_ref().and_then(|s| s.downcast_ref::<Refusal>()) else { continue };
        let Some(PathSegment::Field(key)) = error.path.first() else { continue };
        let Some(operation) = top_level_field(document, operation_name, key) else { continue };
        error.message = refusal_message(refusal, Some(Met { operation, own: error.path.len() == 1 }));
    }
}

/// The name of the top-level field answered under `key` (its alias, or its name).
fn top_level_field<'d>(
    document: &'d ExecutableDocument,
    operation_name: Option<&str>,
    key: &str,
) -> Option<&'d str> {
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => operation,
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name)?,
        (DocumentOperations::Multiple(operations), None) => operations.values().next()?,
    };
    field_in(document, &operation.node.selection_set.node, key, 0)
}

/// Fragments nest no deeper than validation lets them; this bounds the walk regardless.
const MAX_FRAGMENT_DEPTH: usize = 64;

fn field_in<'d>(
    document: &'d ExecutableDocument,
    set: &'d SelectionSet,
    key: &str,
    depth: usize,
) -> Option<&'d str> {
    if depth > MAX_FRAGMENT_DEPTH {
        return None;
    }
    set.items.iter().find_map(|selection| match &selection.node {
        Selection::Field(field) => {
            (field.node.response_key().node.as_str() == key).then(|| field.node.name.node.as_str())
        }
        Selection::FragmentSpread(spread) => document
            .fragments
            .get(&spread.node.fragment_name.node)
            .and_then(|fragment| field_in(document, &fragment.node.selection_set.node, key, depth + 1)),
        Selection::InlineFragment(inline) => {
            field_in(document, &inline.node.selection_set.node, key, depth + 1)
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use async_graphql::parser::parse_query;
    use sluice_core::testkit::user;

    use super::*;

    fn update_dataset_refusal() -> Refusal {
        Refusal::resource("alice", "UPDATE_DATASET", "dataset", "d1", "ask the dataset's admin team")
    }

    #[test]
    fn a_refusal_is_said_with_data_alls_permission_for_its_own_operation_only() {
        let refusal = update_dataset_refusal();
        let own = refusal_message(&refusal, Some(Met { operation: "updateDatasetTable", own: true }));
        assert_eq!(
            own,
            "An error occurred (UnauthorizedOperation) when calling UPDATE_DATASET_TABLE operation: User: alice is not authorized to perform: UPDATE_DATASET_TABLE on resource: d1. UPDATE_DATASET on dataset d1 is not granted to any of your teams; ask the dataset's admin team"
        );
        let nested = refusal_message(&refusal, Some(Met { operation: "updateDatasetTable", own: false }));
        assert!(nested.contains("when calling UPDATE_DATASET operation"), "{nested}");
        let elsewhere = refusal_message(&refusal, Some(Met { operation: "updateDataset", own: true }));
        assert_eq!(elsewhere, nested);
        assert_eq!(refusal_message(&refusal, None), nested);
    }

    #[test]
    fn each_kind_of_refusal_reads_as_data_all_says_it() {
        let alice = user("alice", &["TeamA"]);
        let met = Some(Met { operation: "startReindexCatalog", own: true });
        let cases = [
            (
                Error::refused(&alice, Denied::Tenant { permission: "MANAGE_DATASETS" }, "ask an admin"),
                "An error occurred (UnauthorizedOperation) when calling MANAGE_DATASETS operation: User: alice is not authorized to perform: MANAGE_DATASETS on dataall. ask an admin",
            ),
            (
                Error::refused(
                    &alice,
                    Denied::NotInTeam { permission: "CREATE_DATASET", team: "TeamZ".into() },
                    "act for your own team",
                ),
                "An error occurred (UnauthorizedOperation) when calling CREATE_DATASET operation: User: alice is not a member of the team TeamZ. act for your own team",
            ),
            (
                Error::refused(&alice, Denied::Operation, "admins only"),
                "An error occurred (UnauthorizedOperation) when calling startReindexCatalog operation: User: alice is not authorized to perform: startReindexCatalog. admins only",
            ),
        ];
        for (err, said) in cases {
            assert_eq!(message(&err, met), said);
            assert_eq!(ErrorClass::of(&err), Some(ErrorClass::UnauthorizedOperation));
        }
        let admin_only = Error::refused(&alice, Denied::Operation, "admins only");
        let met = Some(Met { operation: "updateGroupTenantPermissions", own: true });
        assert!(message(&admin_only, met).contains("when calling UPDATE_TENANT_TEAM_PERMISSIONS operation"));
    }

    #[test]
    fn missing_and_invalid_input_read_as_data_all_says_them() {
        let missing = Error::NotFound { kind: "dataset", uri: "d1".into() };
        assert_eq!(
            message(&missing, None),
            "An error occurred (ResourceNotFound): Resource dataset with URI d1 not found"
        );
        let required = Error::required("label");
        assert_eq!(message(&required, None), "An error occurred (RequiredParameter): label is required");
        let invalid = Error::validation("AwsAccountId", "must be 12 digits");
        assert_eq!(
            message(&invalid, None),
            "An error occurred (InvalidInput): AwsAccountId: must be 12 digits"
        );
        assert_eq!(ErrorClass::of(&Error::Conflict("taken".into())), None);
        assert_eq!(message(&Error::Conflict("taken".into()), None), "taken");
    }

    fn refused_at(path: &[&str]) -> ServerError {
        let mut error = ServerError::new("before", None);
        error.source = Some(Arc::new(update_dataset_refusal()));
        error.path = path.iter().map(|key| PathSegment::Field((*key).to_owned())).collect();
        error
    }

    #[test]
    fn the_operation_is_found_through_aliases_and_fragments() {
        let document = parse_query(
            "mutation M { a: updateDatasetTable(tableUri: \"t\") { tableUri } ...F }
             mutation N { updateDataset(uri: \"d\") { datasetUri } }
             fragment F on Mutation { ... on Mutation { b: updateDatasetTable(tableUri: \"u\") { tableUri } } }",
        )
        .expect("parses");
        let mut errors =
            vec![refused_at(&["a"]), refused_at(&["b"]), refused_at(&["a", "dataset"]), refused_at(&["x"])];
        name_operations(&mut errors, &document, Some("M"));
        assert!(errors[0].message.contains("UPDATE_DATASET_TABLE on resource: d1"), "{}", errors[0].message);
        assert!(errors[1].message.contains("UPDATE_DATASET_TABLE on resource: d1"), "{}", errors[1].message);
        assert!(
            errors[2].message.contains("UPDATE_DATASET on resource: d1"),
            "nested: {}",
            errors[2].message
        );
        assert_eq!(errors[3].message, "before", "a key no field answers is left alone");

        let mut other = vec![refused_at(&["updateDataset"])];
        name_operations(&mut other, &document, Some("N"));
        assert!(other[0].message.contains("perform: UPDATE_DATASET on"), "{}", other[0].message);
    }

    /// The fields of `type Query` and `type Mutation` in the schema.
    fn operations() -> Vec<String> {
        use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
        let schema = async_graphql::parser::parse_schema(crate::graphql::sdl()).expect("the SDL parses");
        let mut names = vec![];
        for definition in schema.definitions {
            if let TypeSystemDefinition::Type(ty) = definition
                && matches!(ty.node.name.node.as_str(), "Query" | "Mutation")
                && let TypeKind::Object(object) = &ty.node.kind
            {
                names.extend(object.fields.iter().map(|f| f.node.name.node.to_string()));
            }
        }
        names
    }

    #[test]
    fn every_operation_named_is_in_the_schema_and_renamed_to_another_permission() {
        let operations = operations();
        assert!(operations.iter().any(|o| o == "updateDatasetTable"), "{operations:?}");
        for r in DATAALL_PERMISSIONS {
            assert!(operations.iter().any(|o| o == r.operation), "{} is not an operation", r.operation);
            assert_ne!(r.checked, r.dataall, "{}", r.operation);
        }
        for (operation, _) in ADMIN_ACTIONS {
            assert!(operations.iter().any(|o| o == operation), "{operation} is not an operation");
        }
    }
}
