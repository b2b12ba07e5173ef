//! Sluice's expectations against what Lake Formation lists: which planned grants are there, and
//! which listed grants nobody planned. Pure, so the rules are tested without AWS.

use std::collections::{BTreeSet, HashMap};

use super::port::{LakeResource, SeenGrant};
use crate::shares::PlannedGrant;

/// Lake Formation's permission that holds every other.
const ALL: &str = "ALL";

/// Where a grant is listed: the account that holds it, and the resource.
pub(crate) type Place = (String, LakeResource);

pub(crate) fn place_of(grant: &PlannedGrant) -> Place {
    let resource = LakeResource {
        catalog_id: grant.catalog_id.clone(),
        database: grant.database.clone(),
        table: grant.table.clone(),
    };
    (grant.account.clone(), resource)
}

/// The grants Lake Formation listed, by account and resource.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    by_place: HashMap<Place, Vec<SeenGrant>>,
}

impl Seen {
    pub fn add(&mut self, account: &str, grants: Vec<SeenGrant>) {
        for grant in grants {
            self.by_place.entry((account.to_owned(), grant.resource.clone())).or_default().push(grant);
        }
    }

    /// Whether `want` is there in full: every permission (or `ALL`), and the grant option on
    /// them when it wants it.
    pub fn holds(&self, want: &PlannedGrant) -> bool {
        let Some(listed) = self.by_place.get(&place_of(want)) else { return false };
        let mut held = BTreeSet::new();
        let mut grantable = BTreeSet::new();
        for grant in listed.iter().filter(|g| g.principal == want.principal) {
            held.extend(grant.permissions.iter().map(String::as_str));
            grantable.extend(grant.grantable.iter().map(String::as_str));
        }
        let has = |set: &BTreeSet<&str>, p: &str| set.contains(ALL) || set.contains(p);
        want.permissions.iter().all(|p| has(&held, p))
            && (!want.grant_option || want.permissions.iter().all(|p| has(&grantable, p)))
    }

    /// The listed grants in `places` whose principal is not among those `expected` there, nor
    /// one of `owners` (the pivot role and the dataset's own role, which hold the dataset).
    pub fn unexpected(
        &self,
        places: &BTreeSet<Place>,
        expected: &HashMap<Place, BTreeSet<String>>,
        owners: &BTreeSet<String>,
    ) -> Vec<(String, SeenGrant)> {
        let mut out = vec![];
        for place in places {
            let Some(listed) = self.by_place.get(place) else { continue };
            let known = expected.get(place);
            for grant in listed {
                let planned = known.is_some_and(|k| k.contains(&grant.principal));
                if !planned && !owners.contains(&grant.principal) {
                    out.push((place.0.clone(), grant.clone()));
                }
            }
        }
        out
    }
}

/// A planned grant in words, for the reader whose access lacks it.
pub(crate) fn describe(grant: &PlannedGrant) -> String {
    let (_, resource) = place_of(grant);
    let option = if grant.grant_option { " with the grant option" } else { "" };
    format!(
        "{} on {resource} to {} in account {}{option}",
        grant.permissions.join(", "),
        grant.principal,
        grant.account
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(table: Option<&str>) -> LakeResource {
        LakeResource {
            catalog_id: "111111111111".into(),
            database: "sales".into(),
            table: table.map(Into::into),
        }
    }

    fn planned(
        principal: &str,
        table: Option<&str>,
        permissions: &[&'static str],
        grant_option: bool,
    ) -> PlannedGrant {
        PlannedGrant {
            account: "111111111111".into(),
            principal: principal.into(),
            catalog_id: "111111111111".into(),
            database: "sales".into(),
            table: table.map(Into::into),
            data_filter: None,
            permissions: permissions.to_vec(),
            grant_option,
        }
    }

    fn seen(principal: &str, table: Option<&str>, permissions: &[&str], grantable: &[&str]) -> SeenGrant {
        SeenGrant {
            principal: principal.into(),
            resource: resource(table),
            permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
            grantable: grantable.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn a_grant_is_held_only_in_full_on_its_own_resource() {
        let mut listed = Seen::default();
        listed.add("111111111111", vec![seen("role/a", Some("orders"), &["SELECT"], &[])]);
        listed.add("111111111111", vec![seen("role/a", Some("orders"), &["DESCRIBE"], &[])]);
        assert!(listed.holds(&planned("role/a", Some("orders"), &["DESCRIBE", "SELECT"], false)));
        assert!(!listed.holds(&planned("role/a", Some("orders"), &["SELECT", "INSERT"], false)));
        assert!(!listed.holds(&planned("role/a", Some("items"), &["SELECT"], false)), "another table");
        assert!(!listed.holds(&planned("role/b", Some("orders"), &["SELECT"], false)), "another principal");
        assert!(!listed.holds(&planned("role/a", Some("orders"), &["SELECT"], true)), "no grant option");
    }

    #[test]
    fn all_holds_every_permission_and_the_grant_option_is_checked() {
        let mut listed = Seen::default();
        listed.add("111111111111", vec![seen("222222222222", None, &["ALL"], &["DESCRIBE"])]);
        assert!(listed.holds(&planned("222222222222", None, &["DESCRIBE"], true)));
        assert!(!listed.holds(&planned("222222222222", None, &["DESCRIBE", "SELECT"], true)));
        assert!(listed.holds(&planned("222222222222", None, &["DESCRIBE", "SELECT"], false)));
    }

    #[test]
    fn grants_nobody_planned_are_unexpected_unless_an_owner_holds_them() {
        let mut listed = Seen::default();
        listed.add(
            "111111111111",
            vec![
                seen("role/shared", Some("orders"), &["SELECT"], &[]),
                seen("role/by-hand", Some("orders"), &["SELECT"], &[]),
                seen("role/pivot", Some("orders"), &["ALL"], &["ALL"]),
            ],
        );
        listed.add("111111111111", vec![seen("role/elsewhere", Some("items"), &["SELECT"], &[])]);
        let orders = ("111111111111".to_owned(), resource(Some("orders")));
        let places = BTreeSet::from([orders.clone()]);
        let expected = HashMap::from([(orders, BTreeSet::from(["role/shared".to_owned()]))]);
        let owners = BTreeSet::from(["role/pivot".to_owned()]);
        let found = listed.unexpected(&places, &expected, &owners);
        let principals: Vec<&str> = found.iter().map(|(_, g)| g.principal.as_str()).collect();
        assert_eq!(principals, ["role/by-hand"], "a table outside `places` is not looked at");
    }

    #[test]
    fn a_missing_grant_reads_as_a_sentence() {
        let text = describe(&planned("role/a", Some("orders"), &["DESCRIBE", "SELECT"], true));
        assert_eq!(
            text,
            "DESCRIBE, SELECT on table sales.orders of catalog 111111111111 to role/a in account \
             111111111111 with the grant option"
        );
    }
}
