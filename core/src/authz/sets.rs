//! Which permissions each role is given, and what an inviter may hand out.

use super::names::{
    DatasetPermission as D, EnvironmentPermission as E, OrganizationPermission as O, Permission,
    SharePermission as S,
};
use crate::{Error, Result};

/// What an organization's admin team holds.
pub const ORGANIZATION_ALL: &[O] = O::ALL;

/// What an inviter may hand to a team invited to an organization. GET_ORGANIZATION is always
/// added.
pub const ORGANIZATION_INVITABLE: &[O] =
    &[O::GetOrganization, O::LinkEnvironment, O::InviteOrganizationGroup, O::RemoveOrganizationGroup];

/// What an invitation grants when the inviter names nothing, as in data.all.
pub const ORGANIZATION_INVITED_DEFAULT: &[O] = &[O::GetOrganization, O::LinkEnvironment];

/// What an environment's owning team holds.
pub const ENVIRONMENT_ALL: &[E] = E::ALL;

/// What an inviter may hand to a team invited to an environment: what data.all's invitation
/// form offers. GET_ENVIRONMENT is accepted too, though every invited team holds it anyway.
pub const ENVIRONMENT_INVITABLE: &[E] = &[
    E::GetEnvironment,
    E::UpdateEnvironment,
    E::CredentialsEnvironment,
    E::ListEnvironmentSharedWithObjects,
    E::CreateDataset,
    E::CreateShareObject,
    E::InviteEnvironmentGroup,
    E::ListEnvironmentGroups,
    E::AddEnvironmentConsumptionRoles,
    E::ListEnvironmentConsumptionRoles,
    E::CreateNetwork,
    E::ListEnvironmentNetworks,
];

/// What every team invited to an environment holds (data.all's invited default lists networks
/// too).
pub const ENVIRONMENT_INVITED_ALWAYS: &[E] =
    &[E::GetEnvironment, E::ListEnvironmentGroups, E::ListEnvironmentNetworks];

/// What a dataset's admin team holds.
pub const DATASET_ALL: &[D] = D::ALL;

/// What a dataset's stewards hold: they read it and approve its shares. Not its credentials:
/// those go to the admin team only.
pub const DATASET_STEWARDS: &[D] = &[D::GetDataset, D::ApproveShareObject];

/// What the requesting team holds on its share.
pub const SHARE_REQUESTER: &[S] = S::ALL;

/// What an invited team is granted: `always`, plus the `requested` permissions (each must be in
/// `invitable`), or plus `default` when nothing is requested. Sorted, without repeats.
pub fn invitation<P: Permission + Ord>(
    requested: &[String],
    invitable: &[P],
    always: &[P],
    default: &[P],
) -> Result<Vec<P>> {
    let mut granted: Vec<P> = always.to_vec();
    if requested.is_empty() {
        granted.extend_from_slice(default);
    }
    for name in requested {
        let Some(p) = invitable.iter().find(|p| p.name() == name.as_str()) else {
            let names: Vec<&str> = invitable.iter().map(|p| p.name()).collect();
            return Err(Error::validation(
                "permissions",
                format!("{name} cannot be given to an invited team; choose from {}", names.join(", ")),
            ));
        };
        granted.push(*p);
    }
    granted.sort_unstable();
    granted.dedup();
    Ok(granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_always_includes_what_it_must_and_refuses_the_rest() {
        let got = invitation(
            &["LINK_ENVIRONMENT".into()],
            ORGANIZATION_INVITABLE,
            &[O::GetOrganization],
            ORGANIZATION_INVITED_DEFAULT,
        )
        .expect("valid");
        assert_eq!(got, vec![O::GetOrganization, O::LinkEnvironment]);
        let refused = invitation(
            &["DELETE_ORGANIZATION".into()],
            ORGANIZATION_INVITABLE,
            &[O::GetOrganization],
            ORGANIZATION_INVITED_DEFAULT,
        );
        assert_eq!(refused.expect_err("admin only").code(), "BAD_USER_INPUT");
    }
}
