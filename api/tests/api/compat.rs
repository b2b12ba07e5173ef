//! data.all compatibility: every data.all operation Sluice implements must accept the same
//! arguments and answer with the same fields (tests/compat/dataall-core.graphql and
//! dataall-wave2.graphql, from shared/compat). Every core operation must exist; second-wave
//! operations Sluice does not have yet are counted, not failed.

use std::collections::{BTreeMap, BTreeSet};

use async_graphql_parser::types::{BaseType, InputValueDefinition, Type, TypeKind, TypeSystemDefinition};

const DATAALL: &str = include_str!("../compat/dataall-core.graphql");
const DATAALL_WAVE2: &str = include_str!("../compat/dataall-wave2.graphql");

/// Fields of data.all types that Sluice does not serve yet, each with the reason. The test
/// fails when one of them appears, so the list cannot go stale.
const KNOWN_GAPS: &[(&str, &str, &str)] = &[];

struct Schema {
    objects: BTreeMap<String, BTreeMap<String, (Type, Vec<InputValueDefinition>)>>,
    inputs: BTreeMap<String, BTreeMap<String, Type>>,
    enums: BTreeMap<String, BTreeSet<String>>,
}

fn load(sdl: &str) -> Schema {
    let doc = async_graphql_parser::parse_schema(sdl).expect("schema parses");
    let mut s = Schema { objects: BTreeMap::new(), inputs: BTreeMap::new(), enums: BTreeMap::new() };
    for def in doc.definitions {
        let TypeSystemDefinition::Type(ty) = def else { continue };
        let name = ty.node.name.node.to_string();
        match ty.node.kind {
            TypeKind::Object(o) => {
                let fields = o
                    .fields
                    .into_iter()
                    .map(|f| {
                        let f = f.node;
                        (
                            f.name.node.to_string(),
                            (f.ty.node, f.arguments.into_iter().map(|a| a.node).collect()),
                        )
                    })
                    .collect();
                s.objects.insert(name, fields);
            }
            TypeKind::InputObject(i) => {
                let fields =
                    i.fields.into_iter().map(|f| (f.node.name.node.to_string(), f.node.ty.node)).collect();
                s.inputs.insert(name, fields);
            }
            TypeKind::Enum(e) => {
                s.enums.insert(name, e.values.into_iter().map(|v| v.node.value.node.to_string()).collect());
            }
            _ => {}
        }
    }
    s
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(n) => n.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

/// An output of ours may promise more (non-null) than theirs, never less.
fn output_ok(ours: &Type, theirs: &Type) -> bool {
    (!ours.nullable || theirs.nullable)
        && match (&ours.base, &theirs.base) {
            (BaseType::Named(a), BaseType::Named(b)) => {
                a == b
                    || (b.as_str() == "String" && a.as_str() == "ID")
                    || (b.as_str() == "ID" && a.as_str() == "String")
            }
            (BaseType::List(a), BaseType::List(b)) => output_ok(a, b),
            _ => false,
        }
}

/// An input of ours must accept everything theirs accepts: nullable where theirs is.
fn input_ok(ours: &Type, theirs: &Type) -> bool {
    (ours.nullable || !theirs.nullable)
        && match (&ours.base, &theirs.base) {
            (BaseType::Named(a), BaseType::Named(b)) => a == b,
            (BaseType::List(a), BaseType::List(b)) => input_ok(a, b),
            _ => false,
        }
}

struct Checker<'a> {
    ours: &'a Schema,
    theirs: &'a Schema,
    problems: Vec<String>,
    gaps_seen: BTreeSet<(String, String)>,
    visited: BTreeSet<String>,
}

impl Checker<'_> {
    fn input_type(&mut self, name: &str) {
        if !self.visited.insert(name.to_owned()) {
            return;
        }
        if let Some(values) = self.theirs.enums.get(name) {
            match self.ours.enums.get(name) {
                None => self.problems.push(format!("enum {name} is missing")),
                Some(ours) => {
                    for v in values.difference(ours) {
                        self.problems.push(format!("enum {name} lacks {v}"));
                    }
                }
            }
            return;
        }
        let Some(fields) = self.theirs.inputs.get(name) else { return };
        let Some(ours) = self.ours.inputs.get(name) else {
            self.problems.push(format!("input {name} is missing"));
            return;
        };
        for (field, ty) in fields {
            match ours.get(field) {
                None => self.problems.push(format!("input {name}.{field} is missing")),
                Some(o) if !input_ok(o, ty) => {
                    self.problems.push(format!("input {name}.{field}: ours {o}, data.all {ty}"))
                }
                Some(_) => self.input_type(named(ty)),
            }
        }
    }

    fn arguments(&mut self, owner: &str, ours: &[InputValueDefinition], theirs: &[InputValueDefinition]) {
        for arg in theirs {
            match ours.iter().find(|a| a.name.node == arg.name.node) {
                None => self.problems.push(format!("{owner}({}) is missing", arg.name.node)),
                Some(o) if !input_ok(&o.ty.node, &arg.ty.node) => self.problems.push(format!(
                    "{owner}({}): ours {}, data.all {}",
                    arg.name.node, o.ty.node, arg.ty.node
                )),
                Some(_) => self.input_type(named(&arg.ty.node)),
            }
        }
        for arg in ours.iter().filter(|a| !a.ty.node.nullable && a.default_value.is_none()) {
            if !theirs.iter().any(|t| t.name.node == arg.name.node) {
                self.problems
                    .push(format!("{owner}({}) is required by us but unknown to data.all", arg.name.node));
            }
        }
    }

    fn output_type(&mut self, name: &str) {
        if !self.visited.insert(name.to_owned()) {
            return;
        }
        if self.theirs.enums.contains_key(name) {
            self.visited.remove(name);
            self.input_type(name);
            return;
        }
        let Some(fields) = self.theirs.objects.get(name) else { return };
        let Some(ours) = self.ours.objects.get(name) else {
            self.problems.push(format!("type {name} is missing"));
            return;
        };
        for (field, (ty, args)) in fields {
            match ours.get(field) {
                None if KNOWN_GAPS.iter().any(|(t, f, _)| *t == name && f == field) => {
                    self.gaps_seen.insert((name.to_owned(), field.clone()));
                }
                None => self.problems.push(format!("{name}.{field} is missing")),
                Some((o, _)) if !output_ok(o, ty) => {
                    self.problems.push(format!("{name}.{field}: ours {o}, data.all {ty}"))
                }
                Some((_, our_args)) => {
                    self.arguments(&format!("{name}.{field}"), our_args, args);
                    self.output_type(named(ty));
                }
            }
        }
    }
}

/// Checks every operation of `theirs` that Sluice has; returns the problems, the known gaps
/// met, and how many of its operations Sluice has of how many.
fn check_against(theirs: &str) -> (Vec<String>, BTreeSet<(String, String)>, usize, usize) {
    let theirs = load(theirs);
    let ours = load(&sluice_api::graphql::sdl());
    let mut checker = Checker {
        ours: &ours,
        theirs: &theirs,
        problems: vec![],
        gaps_seen: BTreeSet::new(),
        visited: BTreeSet::new(),
    };
    let (mut implemented, mut total) = (0, 0);
    for root in ["Query", "Mutation"] {
        for (op, (ty, args)) in &theirs.objects[root] {
            total += 1;
            let Some((our_ty, our_args)) = ours.objects[root].get(op) else { continue };
            implemented += 1;
            if !output_ok(our_ty, ty) {
                checker.problems.push(format!("{root}.{op}: returns {our_ty}, data.all {ty}"));
            }
            checker.arguments(&format!("{root}.{op}"), our_args, args);
            checker.output_type(named(ty));
        }
    }
    (checker.problems, checker.gaps_seen, implemented, total)
}

#[test]
fn implemented_data_all_operations_keep_data_all_names_arguments_and_fields() {
    let (problems, gaps_seen, implemented, total) = check_against(DATAALL);
    eprintln!("data.all compatibility: {implemented} of {total} operations implemented");
    assert!(problems.is_empty(), "incompatible with data.all:\n{}", problems.join("\n"));
    // Every operation of data.all's core, not only those Sluice chose to have.
    assert_eq!(implemented, total, "data.all core operations missing from Sluice's schema");
    for (ty, field, reason) in KNOWN_GAPS {
        assert!(
            gaps_seen.contains(&((*ty).to_owned(), (*field).to_owned())),
            "{ty}.{field} is no longer a gap ({reason}); remove it from KNOWN_GAPS"
        );
    }
}

/// Where an operation Sluice had before the second wave differs from it, with the reason; the
/// test fails when one goes away, so the list cannot go stale.
const WAVE2_DIFFERENCES: &[(&str, &str)] = &[
    (
        "Mutation.startReindexCatalog: returns Task!, data.all Boolean",
        "Sluice answers with the queued rebuild's task, to follow with getTask",
    ),
    (
        "Mutation.startReindexCatalog(handleDeletes) is missing",
        "a Sluice rebuild always drops the entries of deleted items",
    ),
];

/// The second wave (glossaries, votes, feeds, share expiry and filters, notifications): what
/// Sluice has of it keeps data.all's shape too.
#[test]
fn implemented_second_wave_operations_keep_data_all_shapes() {
    let (problems, _, implemented, total) = check_against(DATAALL_WAVE2);
    eprintln!("data.all second wave: {implemented} of {total} operations implemented");
    let unexpected: Vec<_> =
        problems.iter().filter(|p| !WAVE2_DIFFERENCES.iter().any(|(d, _)| d == p)).collect();
    assert!(unexpected.is_empty(), "incompatible with data.all:\n{unexpected:#?}");
    for (difference, reason) in WAVE2_DIFFERENCES {
        assert!(
            problems.iter().any(|p| p == difference),
            "{difference} is no longer a difference ({reason}); remove it from WAVE2_DIFFERENCES"
        );
    }
    for op in ["upVote", "getVote", "countUpVotes", "getFeed", "postFeedMessage", "startGlueCrawler"] {
        assert!(sluice_api::graphql::sdl().contains(&format!("\t{op}(")), "{op} is missing");
    }
}

/// data.all's credential operations (backend/dataall/core/environment/api/queries.py and
/// modules/s3_datasets/api/dataset/{queries,mutations,input_types}.py), which neither file
/// above holds.
const DATAALL_CREDENTIALS: &str = r#"
type Query {
  getDatasetAssumeRoleUrl(datasetUri: String): String
  getDatasetPresignedUrl(datasetUri: String!, input: DatasetPresignedUrlInput): String
  generateEnvironmentAccessToken(environmentUri: String!, groupUri: String): String
  getEnvironmentAssumeRoleUrl(environmentUri: String!, groupUri: String): String
}
type Mutation {
  generateDatasetAccessToken(datasetUri: String!): String
}
input DatasetPresignedUrlInput {
  fileName: String
  prefix: String
}
"#;

#[test]
fn the_credential_operations_keep_data_all_shapes() {
    let (problems, _, implemented, total) = check_against(DATAALL_CREDENTIALS);
    assert!(problems.is_empty(), "incompatible with data.all:\n{}", problems.join("\n"));
    assert_eq!((implemented, total), (5, 5));
}

#[test]
fn the_organization_and_tenant_operations_are_all_present() {
    let ours = load(&sluice_api::graphql::sdl());
    let expected = [
        ("Query", "getOrganization"),
        ("Query", "listOrganizations"),
        ("Query", "listOrganizationGroups"),
        ("Query", "listTenantPermissions"),
        ("Query", "listTenantGroups"),
        ("Mutation", "createOrganization"),
        ("Mutation", "updateOrganization"),
        ("Mutation", "archiveOrganization"),
        ("Mutation", "inviteGroupToOrganization"),
        ("Mutation", "removeGroupFromOrganization"),
        ("Mutation", "updateGroupTenantPermissions"),
    ];
    for (root, op) in expected {
        assert!(ours.objects[root].contains_key(op), "{root}.{op} is missing");
    }
}
