//! Rows for glossaries: every signed-in user reads them; their owner team (TeamA here) and
//! platform admins change them and decide on links; creating one is a tenant permission, which
//! the outsider's team has lost.

use serde_json::json;

use super::{
    Case,
    Expect::{Allowed, Forbidden},
};

/// A change only the glossary's team and platform admins may make.
macro_rules! owner_only {
    ($op:literal, $doc:literal, $vars:expr) => {
        Case {
            op: $op,
            doc: $doc,
            vars: $vars,
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Allowed,
        }
    };
}

/// A read every signed-in user may make.
macro_rules! open_read {
    ($op:literal, $doc:literal, $vars:expr) => {
        Case {
            op: $op,
            doc: $doc,
            vars: $vars,
            outsider: Allowed,
            member: Allowed,
            teammate: Allowed,
            admin: Allowed,
        }
    };
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        open_read!(
            "getGlossary",
            "query($g: String!) { getGlossary(nodeUri: $g) { nodeUri label stats { terms associations } associations { count } } }",
            |c| json!({"g": c.glossary})
        ),
        open_read!("listGlossaries", "{ listGlossaries { count nodes { nodeUri } } }", |_| json!({})),
        open_read!(
            "searchGlossary",
            "{ searchGlossary(filter: {term: \"churn\"}) { count } }",
            |_| json!({})
        ),
        Case {
            op: "createGlossary",
            doc: "mutation($team: String!) { createGlossary(input: {label: $team, readme: \"\", admin: $team}) { nodeUri } }",
            vars: |c| json!({"team": c.team}),
            // TeamC's tenant permissions were taken away; every other team holds MANAGE_GLOSSARIES.
            outsider: Forbidden,
            member: Allowed,
            teammate: Allowed,
            admin: Allowed,
        },
        owner_only!(
            "updateGlossary",
            "mutation($g: String!) { updateGlossary(nodeUri: $g, input: {readme: \"r\"}) { nodeUri } }",
            |c| json!({"g": c.glossary})
        ),
        owner_only!(
            "deleteGlossary",
            "mutation($g: String!) { deleteGlossary(nodeUri: $g, cascade: true) }",
            |c| json!({"g": c.glossary})
        ),
        owner_only!(
            "createCategory",
            "mutation($g: String!) { createCategory(parentUri: $g, input: {label: \"New\", readme: \"\"}) { nodeUri } }",
            |c| json!({"g": c.glossary})
        ),
        owner_only!(
            "updateCategory",
            "mutation($n: String!) { updateCategory(nodeUri: $n, input: {readme: \"r\"}) { nodeUri } }",
            |c| json!({"n": c.category})
        ),
        owner_only!(
            "deleteCategory",
            "mutation($n: String!) { deleteCategory(nodeUri: $n, cascade: true) }",
            |c| json!({"n": c.category})
        ),
        owner_only!(
            "createTerm",
            "mutation($n: String!) { createTerm(parentUri: $n, input: {label: \"New\", readme: \"\"}) { nodeUri } }",
            |c| json!({"n": c.category})
        ),
        owner_only!(
            "updateTerm",
            "mutation($n: String!) { updateTerm(nodeUri: $n, input: {label: \"Renamed\"}) { nodeUri } }",
            |c| json!({"n": c.term})
        ),
        owner_only!(
            "deleteTerm",
            "mutation($n: String!) { deleteTerm(nodeUri: $n, cascade: true) }",
            |c| json!({"n": c.term})
        ),
        owner_only!(
            "approveTermAssociation",
            "mutation($l: String!) { approveTermAssociation(linkUri: $l) }",
            |c| json!({"l": c.link})
        ),
        owner_only!(
            "dismissTermAssociation",
            "mutation($l: String!) { dismissTermAssociation(linkUri: $l) }",
            |c| json!({"l": c.link})
        ),
    ]
}
