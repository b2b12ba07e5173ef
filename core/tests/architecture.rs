//! Who may make an actor, and who may touch the database, checked over the workspace's source.
//!
//! The compiler already keeps the database handle and the permission proofs inside core. What it
//! cannot see is which crate calls a public constructor: an actor made from a request field, or a
//! system actor in a resolver, would compile and bypass every rule. These rules say where each may
//! appear, and why.

use std::path::{Path, PathBuf};

/// A text that may appear only under the listed paths (prefixes from the workspace root; a
/// `/tests/` segment anywhere is always allowed, since tests build their own actors).
struct Rule {
    text: &'static str,
    allowed: &'static [&'static str],
    why: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        text: "Actor::authenticated(",
        allowed: &["api/src/auth/", "core/src/actor.rs", "core/src/testkit/"],
        why: "a user actor exists only once a token or an IAM signature has been verified",
    },
    Rule {
        text: "Actor::iam(",
        allowed: &["api/src/auth/", "core/src/actor.rs", "core/src/testkit/"],
        why: "an IAM caller exists only once STS has answered for its signature and a mapping matched",
    },
    Rule {
        text: "Actor::system(",
        allowed: &["core/src/actor.rs", "core/src/system.rs"],
        why: "a system actor is made by Core::system, which names the task acting",
    },
    Rule {
        text: ".system(\"",
        allowed: &["core/src/", "worker/src/", "ecs-tasks/src/", "bench/"],
        why: "the API acts for the signed-in user only; system work belongs to the worker and long tasks",
    },
    Rule {
        text: "sea_orm::",
        allowed: &["core/src/", "entities/", "migrations/", "bench/"],
        why: "the database is reached only through core, which decides who may read what",
    },
    Rule {
        text: "use sea_orm",
        allowed: &["core/src/", "entities/", "migrations/", "bench/"],
        why: "the database is reached only through core, which decides who may read what",
    },
    Rule {
        text: "sluice_entities",
        allowed: &["core/src/", "entities/", "migrations/", "bench/"],
        why: "rows are read only through core, which decides who may read what",
    },
];

/// Crates that serve or act on requests: none may depend on the database directly.
const NO_DATABASE_CRATES: &[&str] = &["api", "worker", "ecs-tasks", "cli", "cloud", "search"];
const DATABASE_DEPENDENCIES: &[&str] = &["sea-orm", "sluice-entities", "sqlx"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !matches!(name.as_ref(), "target" | "node_modules" | ".git" | "frontend" | "deploy") {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// Each source line outside comments, with its path relative to the workspace.
fn code_lines() -> Vec<(String, usize, String)> {
    let root = workspace();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut lines = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&root).expect("under the root").to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        for (n, line) in text.lines().enumerate() {
            if !line.trim_start().starts_with("//") {
                lines.push((relative.clone(), n + 1, line.to_owned()));
            }
        }
    }
    lines
}

fn allowed(path: &str, rule: &Rule) -> bool {
    path.contains("/tests/")
        || path.ends_with("_tests.rs")
        || rule.allowed.iter().any(|p| path.starts_with(p))
}

#[test]
fn actors_and_the_database_appear_only_where_they_belong() {
    let lines = code_lines();
    assert!(lines.len() > 10_000, "the scan found only {} lines: is the workspace root right?", lines.len());
    let mut broken = Vec::new();
    for rule in RULES {
        let hits: Vec<_> = lines.iter().filter(|(_, _, line)| line.contains(rule.text)).collect();
        // A rule whose text appears nowhere has been outgrown by a rename and guards nothing.
        assert!(
            hits.iter().any(|(path, _, _)| allowed(path, rule)),
            "`{}` is used nowhere: update the rule",
            rule.text
        );
        for (path, n, line) in hits.into_iter().filter(|(path, _, _)| !allowed(path, rule)) {
            broken.push(format!("{path}:{n}: `{}` ({})\n    {}", rule.text, rule.why, line.trim()));
        }
    }
    assert!(broken.is_empty(), "code in the wrong place:\n{}", broken.join("\n"));
}

/// The `[dependencies]` table of a manifest, without dev- or build-dependencies.
fn runtime_dependencies(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut inside = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[dependencies]";
        } else if inside && let Some((name, _)) = line.split_once(['=', '.']) {
            names.push(name.trim().to_owned());
        }
    }
    names
}

#[test]
fn crates_that_serve_requests_do_not_depend_on_the_database() {
    let root = workspace();
    let core = std::fs::read_to_string(root.join("core/Cargo.toml")).expect("core's manifest");
    assert!(
        runtime_dependencies(&core).iter().any(|d| d == "sea-orm"),
        "the manifest reader finds core's sea-orm"
    );
    let mut broken = Vec::new();
    for krate in NO_DATABASE_CRATES {
        let manifest = std::fs::read_to_string(root.join(krate).join("Cargo.toml")).expect("a manifest");
        for dependency in runtime_dependencies(&manifest) {
            if DATABASE_DEPENDENCIES.contains(&dependency.as_str()) {
                broken.push(format!(
                    "{krate} depends on {dependency}: move it to [dev-dependencies] or into core"
                ));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
