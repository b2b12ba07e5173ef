//! The notifications share events send, and to whom: a request to the dataset's approvers (its
//! admin team and stewards), a decision to the requesting team, the end of a run to the
//! requesters and, when something failed or was revoked, to the dataset's admin team too.
//! Messages say what happened and what to do, in words, naming the dataset by its label.

use super::Share;
use crate::{
    Actor,
    datasets::Dataset,
    notifications::{NewNotification, NotificationTarget, NotificationType},
};

fn notice(
    share: &Share,
    kind: NotificationType,
    message: String,
    recipients: Vec<String>,
) -> NewNotification {
    NewNotification {
        notification_type: kind,
        target: NotificationTarget::Share,
        // data.all's form, which its console splits to link the share and the dataset.
        target_uri: format!("{}|{}", share.share_uri, share.dataset_uri),
        message,
        recipients,
    }
}

fn approvers(dataset: &Dataset) -> Vec<String> {
    let mut teams = vec![dataset.saml_admin_group_name.clone()];
    teams.extend(dataset.stewards.clone());
    teams
}

pub(super) fn submitted(share: &Share, dataset: &Dataset, actor: &Actor) -> NewNotification {
    notice(
        share,
        NotificationType::ShareSubmitted,
        format!(
            "{} of team {} asks for access to dataset {}: approve or reject the request",
            actor.username(),
            share.group_uri,
            dataset.label
        ),
        approvers(dataset),
    )
}

pub(super) fn approved(
    share: &Share,
    dataset: &Dataset,
    actor: &Actor,
    automatically: bool,
) -> NewNotification {
    let who = if automatically {
        format!("Dataset {} approves requests automatically, so", dataset.label)
    } else {
        format!("{} approved the request:", actor.username())
    };
    notice(
        share,
        NotificationType::ShareApproved,
        format!(
            "{who} team {}'s access to dataset {} is being granted; you are told when it is ready",
            share.group_uri, dataset.label
        ),
        vec![share.group_uri.clone()],
    )
}

pub(super) fn rejected(
    share: &Share,
    dataset: &Dataset,
    actor: &Actor,
    reason: Option<&str>,
) -> NewNotification {
    let reason = reason.map(|r| format!(" ({r})")).unwrap_or_default();
    notice(
        share,
        NotificationType::ShareRejected,
        format!(
            "{} rejected team {}'s request for dataset {}{reason}; change the request and submit it again, or \
             delete it",
            actor.username(),
            share.group_uri,
            dataset.label
        ),
        vec![share.group_uri.clone()],
    )
}

/// The end of a run. `revoking` says which kind; `done` and `failed` count the items that reached
/// that kind's succeeded and failed states.
pub(super) fn finished(
    share: &Share,
    dataset: &Dataset,
    revoking: bool,
    done: usize,
    failed: usize,
) -> NewNotification {
    let requesters = vec![share.group_uri.clone()];
    let everyone = [requesters.clone(), vec![dataset.saml_admin_group_name.clone()]].concat();
    let (group, label) = (&share.group_uri, &dataset.label);
    if failed > 0 {
        let verb = if revoking { "revoking" } else { "sharing" };
        return notice(
            share,
            NotificationType::ShareFailed,
            format!(
                "{verb} {failed} item(s) of team {group}'s share of dataset {label} failed; the share's log \
                 says why, and re-applying the share (or revoking again) retries them"
            ),
            everyone,
        );
    }
    if revoking {
        notice(
            share,
            NotificationType::ShareRevoked,
            format!(
                "{done} item(s) of team {group}'s share of dataset {label} were revoked; the access is gone"
            ),
            everyone,
        )
    } else {
        notice(
            share,
            NotificationType::ShareProcessed,
            format!(
                "team {group}'s access to dataset {label} is ready: {done} item(s) shared; the share's page says \
                 how to use them"
            ),
            requesters,
        )
    }
}
