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

/// A date as people read it in a message: "31 January 2027".
fn day(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%-d %B %Y").to_string()
}

pub(super) fn extension_submitted(share: &Share, dataset: &Dataset, actor: &Actor) -> NewNotification {
    let until = share
        .expiry
        .requested_expiry_date
        .map_or("without an end date".to_owned(), |d| format!("until {}", day(d)));
    notice(
        share,
        NotificationType::ShareExtensionSubmitted,
        format!(
            "{} of team {} asks to keep access to dataset {} {until}: approve or reject the extension",
            actor.username(),
            share.group_uri,
            dataset.label
        ),
        approvers(dataset),
    )
}

pub(super) fn extended(share: &Share, dataset: &Dataset, actor: &Actor) -> NewNotification {
    let until =
        share.expiry.expiry_date.map_or("and no longer expires".to_owned(), |d| format!("until {}", day(d)));
    notice(
        share,
        NotificationType::ShareExtended,
        format!(
            "{} extended team {}'s access to dataset {} {until}",
            actor.username(),
            share.group_uri,
            dataset.label
        ),
        vec![share.group_uri.clone()],
    )
}

pub(super) fn extension_rejected(
    share: &Share,
    dataset: &Dataset,
    actor: &Actor,
    reason: Option<&str>,
) -> NewNotification {
    let reason = reason.map(|r| format!(" ({r})")).unwrap_or_default();
    let ends = share.expiry.expiry_date.map_or(String::new(), |d| format!(" on {}", day(d)));
    notice(
        share,
        NotificationType::ShareExtensionRejected,
        format!(
            "{} rejected team {}'s extension for dataset {}{reason}; access still ends{ends}",
            actor.username(),
            share.group_uri,
            dataset.label
        ),
        vec![share.group_uri.clone()],
    )
}

/// Ahead of the expiry date: the requesters are asked to extend, or, with an extension pending,
/// the approvers to decide on it.
pub(super) fn expiring(
    share: &Share,
    dataset: &Dataset,
    ends: chrono::DateTime<chrono::Utc>,
) -> NewNotification {
    let (group, label, ends) = (&share.group_uri, &dataset.label, day(ends));
    if share.expiry.submitted_for_extension {
        notice(
            share,
            NotificationType::ShareExpiring,
            format!(
                "team {group}'s access to dataset {label} ends on {ends} and its extension waits for you: approve \
                 or reject it before then"
            ),
            approvers(dataset),
        )
    } else {
        notice(
            share,
            NotificationType::ShareExpiring,
            format!(
                "team {group}'s access to dataset {label} ends on {ends}; if you still need it, ask for an \
                 extension on the share's page before then"
            ),
            vec![group.clone()],
        )
    }
}

pub(super) fn expired(share: &Share, dataset: &Dataset, items: usize) -> NewNotification {
    let ends = share.expiry.expiry_date.map_or(String::new(), |d| format!(" on {}", day(d)));
    notice(
        share,
        NotificationType::ShareExpired,
        format!(
            "team {}'s access to dataset {} expired{ends}: {items} item(s) are being revoked; request access \
             again if you still need it",
            share.group_uri, dataset.label
        ),
        [vec![share.group_uri.clone()], approvers(dataset)].concat(),
    )
}
