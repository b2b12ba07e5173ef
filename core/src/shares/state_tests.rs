#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use super::*;
use ItemStatus as I;
use ShareStatus as S;

/// Every (state, action) pair the share machine accepts, and where it leads. Any pair not listed
/// is refused. A row whose target is its source is data.all's "already there" rule.
const SHARE_TABLE: &[(ShareStatus, ShareAction, ShareStatus)] = &[
    (S::Draft, ShareAction::Submit, S::Submitted),
    (S::Rejected, ShareAction::Submit, S::Submitted),
    (S::Submitted, ShareAction::Submit, S::Submitted),
    (S::Submitted, ShareAction::Approve, S::Approved),
    (S::Approved, ShareAction::Approve, S::Approved),
    (S::Submitted, ShareAction::Reject, S::Rejected),
    (S::Rejected, ShareAction::Reject, S::Rejected),
    (S::Draft, ShareAction::RevokeItems, S::Revoked),
    (S::Submitted, ShareAction::RevokeItems, S::Revoked),
    (S::Rejected, ShareAction::RevokeItems, S::Revoked),
    (S::Processed, ShareAction::RevokeItems, S::Revoked),
    (S::Revoked, ShareAction::RevokeItems, S::Revoked),
    (S::Approved, ShareAction::Start, S::ShareInProgress),
    (S::Revoked, ShareAction::Start, S::RevokeInProgress),
    (S::ShareInProgress, ShareAction::Start, S::ShareInProgress),
    (S::RevokeInProgress, ShareAction::Start, S::RevokeInProgress),
    (S::ShareInProgress, ShareAction::Finish, S::Processed),
    (S::RevokeInProgress, ShareAction::Finish, S::Processed),
    (S::Processed, ShareAction::Finish, S::Processed),
    (S::RevokeInProgress, ShareAction::FinishPending, S::Draft),
    (S::Draft, ShareAction::FinishPending, S::Draft),
    (S::Draft, ShareAction::Delete, S::Deleted),
    (S::Submitted, ShareAction::Delete, S::Deleted),
    (S::Rejected, ShareAction::Delete, S::Deleted),
    (S::Processed, ShareAction::Delete, S::Deleted),
    (S::Deleted, ShareAction::Delete, S::Deleted),
    (S::Submitted, ShareAction::AddItem, S::Draft),
    (S::Rejected, ShareAction::AddItem, S::Draft),
    (S::Processed, ShareAction::AddItem, S::Draft),
    (S::Draft, ShareAction::AddItem, S::Draft),
    (S::ExtensionRejected, ShareAction::Submit, S::Submitted),
    (S::ExtensionRejected, ShareAction::RevokeItems, S::Revoked),
    (S::ExtensionRejected, ShareAction::Delete, S::Deleted),
    (S::ExtensionRejected, ShareAction::AddItem, S::Draft),
    (S::Processed, ShareAction::Extension, S::SubmittedForExtension),
    (S::ExtensionRejected, ShareAction::Extension, S::SubmittedForExtension),
    (S::Draft, ShareAction::Extension, S::SubmittedForExtension),
    (S::SubmittedForExtension, ShareAction::Extension, S::SubmittedForExtension),
    (S::SubmittedForExtension, ShareAction::ExtensionApprove, S::Processed),
    (S::Processed, ShareAction::ExtensionApprove, S::Processed),
    (S::SubmittedForExtension, ShareAction::CancelExtension, S::Processed),
    (S::Processed, ShareAction::CancelExtension, S::Processed),
    (S::SubmittedForExtension, ShareAction::ExtensionReject, S::ExtensionRejected),
    (S::ExtensionRejected, ShareAction::ExtensionReject, S::ExtensionRejected),
];

/// Every (state, action) pair the item machine accepts, and where it leads.
const ITEM_TABLE: &[(ItemStatus, ItemAction, ItemStatus)] = &[
    (I::Deleted, ItemAction::AddItem, I::PendingApproval),
    (I::PendingApproval, ItemAction::AddItem, I::PendingApproval),
    (I::PendingApproval, ItemAction::RemoveItem, I::Deleted),
    (I::ShareRejected, ItemAction::RemoveItem, I::Deleted),
    (I::ShareFailed, ItemAction::RemoveItem, I::Deleted),
    (I::RevokeSucceeded, ItemAction::RemoveItem, I::Deleted),
    (I::Deleted, ItemAction::RemoveItem, I::Deleted),
    (I::ShareRejected, ItemAction::Submit, I::PendingApproval),
    (I::ShareFailed, ItemAction::Submit, I::PendingApproval),
    (I::PendingApproval, ItemAction::Submit, I::PendingApproval),
    (I::ShareApproved, ItemAction::Submit, I::ShareApproved),
    (I::ShareInProgress, ItemAction::Submit, I::ShareInProgress),
    (I::ShareSucceeded, ItemAction::Submit, I::ShareSucceeded),
    (I::RevokeApproved, ItemAction::Submit, I::RevokeApproved),
    (I::RevokeInProgress, ItemAction::Submit, I::RevokeInProgress),
    (I::RevokeFailed, ItemAction::Submit, I::RevokeFailed),
    (I::RevokeSucceeded, ItemAction::Submit, I::RevokeSucceeded),
    (I::PendingApproval, ItemAction::Approve, I::ShareApproved),
    (I::ShareApproved, ItemAction::Approve, I::ShareApproved),
    (I::ShareInProgress, ItemAction::Approve, I::ShareInProgress),
    (I::ShareSucceeded, ItemAction::Approve, I::ShareSucceeded),
    (I::RevokeApproved, ItemAction::Approve, I::RevokeApproved),
    (I::RevokeInProgress, ItemAction::Approve, I::RevokeInProgress),
    (I::RevokeFailed, ItemAction::Approve, I::RevokeFailed),
    (I::RevokeSucceeded, ItemAction::Approve, I::RevokeSucceeded),
    (I::PendingApproval, ItemAction::Reject, I::ShareRejected),
    (I::ShareRejected, ItemAction::Reject, I::ShareRejected),
    (I::ShareInProgress, ItemAction::Reject, I::ShareInProgress),
    (I::ShareSucceeded, ItemAction::Reject, I::ShareSucceeded),
    (I::RevokeApproved, ItemAction::Reject, I::RevokeApproved),
    (I::RevokeInProgress, ItemAction::Reject, I::RevokeInProgress),
    (I::RevokeFailed, ItemAction::Reject, I::RevokeFailed),
    (I::RevokeSucceeded, ItemAction::Reject, I::RevokeSucceeded),
    (I::ShareSucceeded, ItemAction::RevokeItems, I::RevokeApproved),
    (I::RevokeFailed, ItemAction::RevokeItems, I::RevokeApproved),
    (I::RevokeApproved, ItemAction::RevokeItems, I::RevokeApproved),
    (I::ShareApproved, ItemAction::Start, I::ShareInProgress),
    (I::RevokeApproved, ItemAction::Start, I::RevokeInProgress),
    (I::ShareInProgress, ItemAction::Start, I::ShareInProgress),
    (I::RevokeInProgress, ItemAction::Start, I::RevokeInProgress),
    (I::ShareInProgress, ItemAction::Success, I::ShareSucceeded),
    (I::RevokeInProgress, ItemAction::Success, I::RevokeSucceeded),
    (I::ShareSucceeded, ItemAction::Success, I::ShareSucceeded),
    (I::RevokeSucceeded, ItemAction::Success, I::RevokeSucceeded),
    (I::ShareInProgress, ItemAction::Failure, I::ShareFailed),
    (I::ShareApproved, ItemAction::Failure, I::ShareFailed),
    (I::RevokeInProgress, ItemAction::Failure, I::RevokeFailed),
    (I::RevokeApproved, ItemAction::Failure, I::RevokeFailed),
    (I::ShareFailed, ItemAction::Failure, I::ShareFailed),
    (I::RevokeFailed, ItemAction::Failure, I::RevokeFailed),
    (I::PendingApproval, ItemAction::Delete, I::Deleted),
    (I::ShareRejected, ItemAction::Delete, I::Deleted),
    (I::ShareFailed, ItemAction::Delete, I::Deleted),
    (I::RevokeSucceeded, ItemAction::Delete, I::Deleted),
    (I::Deleted, ItemAction::Delete, I::Deleted),
    (I::ShareSucceeded, ItemAction::Extension, I::PendingExtension),
    (I::PendingExtension, ItemAction::Extension, I::PendingExtension),
    (I::ShareRejected, ItemAction::Extension, I::ShareRejected),
    (I::ShareFailed, ItemAction::Extension, I::ShareFailed),
    (I::RevokeFailed, ItemAction::Extension, I::RevokeFailed),
    (I::RevokeSucceeded, ItemAction::Extension, I::RevokeSucceeded),
    (I::PendingExtension, ItemAction::ExtensionApprove, I::ShareSucceeded),
    (I::ShareSucceeded, ItemAction::ExtensionApprove, I::ShareSucceeded),
    (I::PendingApproval, ItemAction::ExtensionApprove, I::PendingApproval),
    (I::ShareRejected, ItemAction::ExtensionApprove, I::ShareRejected),
    (I::ShareFailed, ItemAction::ExtensionApprove, I::ShareFailed),
    (I::RevokeFailed, ItemAction::ExtensionApprove, I::RevokeFailed),
    (I::RevokeSucceeded, ItemAction::ExtensionApprove, I::RevokeSucceeded),
    (I::PendingExtension, ItemAction::ExtensionReject, I::ShareSucceeded),
    (I::ShareSucceeded, ItemAction::ExtensionReject, I::ShareSucceeded),
    (I::PendingApproval, ItemAction::ExtensionReject, I::PendingApproval),
    (I::ShareRejected, ItemAction::ExtensionReject, I::ShareRejected),
    (I::ShareFailed, ItemAction::ExtensionReject, I::ShareFailed),
    (I::RevokeFailed, ItemAction::ExtensionReject, I::RevokeFailed),
    (I::RevokeSucceeded, ItemAction::ExtensionReject, I::RevokeSucceeded),
    (I::PendingExtension, ItemAction::CancelExtension, I::ShareSucceeded),
    (I::ShareSucceeded, ItemAction::CancelExtension, I::ShareSucceeded),
    (I::PendingApproval, ItemAction::CancelExtension, I::PendingApproval),
    (I::ShareRejected, ItemAction::CancelExtension, I::ShareRejected),
    (I::ShareFailed, ItemAction::CancelExtension, I::ShareFailed),
    (I::RevokeFailed, ItemAction::CancelExtension, I::RevokeFailed),
    (I::RevokeSucceeded, ItemAction::CancelExtension, I::RevokeSucceeded),
];

fn assert_no_duplicate_rows<St: std::hash::Hash + Eq + Copy, A: std::hash::Hash + Eq + Copy, T>(
    table: &[(St, A, T)],
) {
    let mut seen = HashSet::new();
    for &(from, action, _) in table {
        assert!(seen.insert((from, action)), "a (state, action) pair is listed twice");
    }
}

#[test]
fn the_share_machine_accepts_exactly_the_listed_pairs_and_refuses_the_rest_by_name() {
    assert_no_duplicate_rows(SHARE_TABLE);
    let mut accepted = 0;
    for from in ShareStatus::ALL {
        for action in ShareAction::ALL {
            let listed = SHARE_TABLE.iter().find(|row| row.0 == from && row.1 == action).map(|row| row.2);
            match (next_share(from, action), listed) {
                (Ok(to), Some(expected)) => {
                    assert_eq!(to, expected, "{action} from {from}");
                    accepted += 1;
                }
                (Ok(to), None) => panic!("{action} from {from} should be refused, went to {to}"),
                (Err(refused), Some(expected)) => {
                    panic!("{action} from {from} should reach {expected}: {refused}")
                }
                (Err(refused), None) => {
                    assert_eq!((refused.state(), refused.action()), (from.as_str(), action.as_str()));
                    let message = refused.to_string();
                    assert!(message.contains(from.as_str()), "{message}");
                    assert!(message.contains(action.verb()), "{message}");
                    assert!(!message.contains(NO_HINT), "{action} from {from} has no hint: {message}");
                }
            }
        }
    }
    assert_eq!(accepted, SHARE_TABLE.len());
}

#[test]
fn the_item_machine_accepts_exactly_the_listed_pairs_and_refuses_the_rest_by_name() {
    assert_no_duplicate_rows(ITEM_TABLE);
    let mut accepted = 0;
    for from in ItemStatus::ALL {
        for action in ItemAction::ALL {
            let listed = ITEM_TABLE.iter().find(|row| row.0 == from && row.1 == action).map(|row| row.2);
            match (next_item(from, action), listed) {
                (Ok(to), Some(expected)) => {
                    assert_eq!(to, expected, "{action} from {from}");
                    accepted += 1;
                }
                (Ok(to), None) => panic!("{action} from {from} should be refused, went to {to}"),
                (Err(refused), Some(expected)) => {
                    panic!("{action} from {from} should reach {expected}: {refused}")
                }
                (Err(refused), None) => {
                    assert_eq!((refused.state(), refused.action()), (from.as_str(), action.as_str()));
                    let message = refused.to_string();
                    assert!(message.contains(from.as_str()), "{message}");
                    assert!(message.contains(action.verb()), "{message}");
                    assert!(message.contains("share item"), "{message}");
                    assert!(!message.contains(NO_HINT), "{action} from {from} has no hint: {message}");
                }
            }
        }
    }
    assert_eq!(accepted, ITEM_TABLE.len());
}

#[test]
fn states_and_actions_are_spelled_as_data_all_spells_them() {
    let share: Vec<_> = ShareStatus::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        share,
        [
            "Draft",
            "Submitted",
            "Approved",
            "Rejected",
            "Share_In_Progress",
            "Processed",
            "Revoked",
            "Revoke_In_Progress",
            "Deleted",
            "Submitted_For_Extension",
            "Extension_Rejected"
        ]
    );
    let item: Vec<_> = ItemStatus::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        item,
        [
            "Deleted",
            "PendingApproval",
            "Share_Approved",
            "Share_Rejected",
            "Share_In_Progress",
            "Share_Succeeded",
            "Share_Failed",
            "Revoke_Approved",
            "Revoke_In_Progress",
            "Revoke_Failed",
            "Revoke_Succeeded",
            "PendingExtension"
        ]
    );
    let share_actions: Vec<_> = ShareAction::ALL.iter().map(|a| a.as_str()).collect();
    assert_eq!(
        share_actions,
        [
            "Submit",
            "Approve",
            "Reject",
            "RevokeItems",
            "Start",
            "Finish",
            "FinishPending",
            "Delete",
            "AddItem",
            "Extension",
            "ExtensionApprove",
            "ExtensionReject",
            "CancelExtension"
        ]
    );
    let item_actions: Vec<_> = ItemAction::ALL.iter().map(|a| a.as_str()).collect();
    assert_eq!(
        item_actions,
        [
            "AddItem",
            "RemoveItem",
            "Submit",
            "Approve",
            "Reject",
            "RevokeItems",
            "Start",
            "Success",
            "Failure",
            "Delete",
            "Extension",
            "ExtensionApprove",
            "ExtensionReject",
            "CancelExtension"
        ]
    );
}

#[test]
fn every_spelling_parses_back_to_its_variant_and_nothing_else_parses() {
    for s in ShareStatus::ALL {
        assert_eq!(ShareStatus::parse(s.as_str()), Some(s));
        assert_eq!(s.to_string(), s.as_str());
    }
    for s in ItemStatus::ALL {
        assert_eq!(ItemStatus::parse(s.as_str()), Some(s));
    }
    for a in ShareAction::ALL {
        assert_eq!(ShareAction::parse(a.as_str()), Some(a));
    }
    for a in ItemAction::ALL {
        assert_eq!(ItemAction::parse(a.as_str()), Some(a));
    }
    for unknown in
        ["", "draft", "Share_in_progress", "ShareInProgress", "Submitted_for_extension", "Processed "]
    {
        assert_eq!(ShareStatus::parse(unknown), None, "{unknown:?}");
    }
    for unknown in ["Pending_Extension", "pendingapproval", "Share_Succeded"] {
        assert_eq!(ItemStatus::parse(unknown), None, "{unknown:?}");
    }
    assert_eq!(ShareAction::parse("extension"), None);
    assert_eq!(ItemAction::parse("Create"), None);
}

#[test]
fn nothing_leaves_a_deleted_share() {
    for action in ShareAction::ALL {
        match next_share(S::Deleted, action) {
            Ok(to) => assert_eq!(to, S::Deleted, "{action}"),
            Err(refused) => assert!(refused.to_string().contains("it was deleted"), "{refused}"),
        }
    }
}

#[test]
fn only_adding_it_again_brings_a_deleted_item_back() {
    for action in ItemAction::ALL {
        match (action, next_item(I::Deleted, action)) {
            (ItemAction::AddItem, next) => assert_eq!(next, Ok(I::PendingApproval)),
            (_, Ok(to)) => assert_eq!(to, I::Deleted, "{action}"),
            (_, Err(refused)) => {
                assert!(refused.to_string().contains("not in the share request"), "{refused}")
            }
        }
    }
}

fn reachable<St: Copy + Eq + std::hash::Hash, A: Copy>(
    start: St,
    actions: &[A],
    step: impl Fn(St, A) -> Result<St, Transition>,
) -> HashSet<St> {
    let mut seen = HashSet::from([start]);
    let mut todo = vec![start];
    while let Some(state) = todo.pop() {
        for &action in actions {
            if let Ok(next) = step(state, action)
                && seen.insert(next)
            {
                todo.push(next);
            }
        }
    }
    seen
}

#[test]
fn every_share_state_is_reachable_from_draft() {
    let seen = reachable(S::Draft, &ShareAction::ALL, next_share);
    assert_eq!(seen, HashSet::from(ShareStatus::ALL));
}

#[test]
fn every_item_state_is_reachable_from_not_being_in_the_request() {
    let seen = reachable(I::Deleted, &ItemAction::ALL, next_item);
    assert_eq!(seen, HashSet::from(ItemStatus::ALL));
}

#[test]
fn approving_a_draft_share_says_to_submit_it_first() {
    let refused = next_share(S::Draft, ShareAction::Approve).unwrap_err();
    assert_eq!(refused.to_string(), "cannot approve a share that is Draft; submit it first");
}

#[test]
fn removing_a_shared_item_says_to_revoke_it_first() {
    let refused = next_item(I::ShareSucceeded, ItemAction::RemoveItem).unwrap_err();
    assert_eq!(refused.to_string(), "cannot remove a share item that is Share_Succeeded; revoke it first");
}

#[test]
fn an_action_already_done_leaves_the_share_where_it_is() {
    // data.all's rule: the caller writes nothing; a conditional write on the state read decides
    // which of two racing approvals moved the share.
    assert_eq!(next_share(S::Approved, ShareAction::Approve), Ok(S::Approved));
    assert_eq!(next_share(S::ShareInProgress, ShareAction::Start), Ok(S::ShareInProgress));
    assert_eq!(next_share(S::Processed, ShareAction::Finish), Ok(S::Processed));
}

#[test]
fn a_refusal_becomes_an_invalid_state_error_with_the_same_message() {
    let refused = next_share(S::ShareInProgress, ShareAction::Delete).unwrap_err();
    let message = refused.to_string();
    let err = crate::Error::from(refused);
    assert_eq!(err.code(), "INVALID_STATE");
    assert_eq!(err.to_string(), message);
    assert_eq!(
        message,
        "cannot delete a share that is Share_In_Progress; wait until the sharing or revoking in progress \
         finishes, then try again"
    );
}

#[test]
fn the_shared_and_revokable_sets_are_data_all_s() {
    let shared: Vec<_> = ItemStatus::SHARED.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        shared,
        [
            "Share_Succeeded",
            "PendingExtension",
            "Share_In_Progress",
            "Revoke_Failed",
            "Revoke_In_Progress",
            "Revoke_Approved"
        ],
        "data.all's list, and PendingExtension: an item waiting for an extension still holds its grants"
    );
    let revokable: Vec<_> = ItemStatus::REVOKABLE.iter().map(|s| s.as_str()).collect();
    assert_eq!(revokable, ["Share_Succeeded", "Revoke_Failed"]);
    for s in ItemStatus::ALL {
        assert_eq!(s.is_shared(), ItemStatus::SHARED.contains(&s), "{s}");
        assert_eq!(s.is_revokable(), ItemStatus::REVOKABLE.contains(&s), "{s}");
    }
}

#[test]
fn the_helpers_agree_with_the_machine() {
    for s in ItemStatus::ALL {
        let removed = next_item(s, ItemAction::RemoveItem) == Ok(I::Deleted) && s != I::Deleted;
        assert_eq!(s.is_removable(), removed, "{s}");
        let revoked = matches!(next_item(s, ItemAction::RevokeItems), Ok(to) if to != s);
        assert_eq!(s.is_revokable(), revoked, "{s}");
        if s.is_shared() {
            assert!(next_item(s, ItemAction::RemoveItem).is_err(), "{s}");
            assert!(next_item(s, ItemAction::Delete).is_err(), "{s}");
        }
    }
}

#[test]
fn sharing_ends_processed_whatever_the_items_did() {
    let mixes: [&[ItemStatus]; 4] = [
        &[I::ShareSucceeded],
        &[I::ShareSucceeded, I::ShareFailed],
        &[I::ShareFailed],
        &[I::ShareSucceeded, I::RevokeSucceeded, I::ShareRejected],
    ];
    for items in mixes {
        assert_eq!(finish_action(S::ShareInProgress, items), ShareAction::Finish, "{items:?}");
        assert_eq!(share_state_after_processing(S::ShareInProgress, items), Ok(S::Processed), "{items:?}");
    }
}

#[test]
fn revoking_ends_processed_unless_items_still_await_approval() {
    let done: [&[ItemStatus]; 4] = [
        &[],
        &[I::RevokeSucceeded],
        &[I::RevokeSucceeded, I::RevokeFailed, I::ShareSucceeded],
        &[I::ShareRejected, I::RevokeSucceeded],
    ];
    for items in done {
        assert_eq!(finish_action(S::RevokeInProgress, items), ShareAction::Finish, "{items:?}");
        assert_eq!(share_state_after_processing(S::RevokeInProgress, items), Ok(S::Processed), "{items:?}");
    }
    let pending = [I::RevokeSucceeded, I::PendingApproval];
    assert_eq!(finish_action(S::RevokeInProgress, &pending), ShareAction::FinishPending);
    assert_eq!(share_state_after_processing(S::RevokeInProgress, &pending), Ok(S::Draft));
}

#[test]
fn a_share_that_is_not_being_processed_cannot_finish() {
    for share in [S::Draft, S::Submitted, S::Approved, S::Rejected, S::Revoked, S::Deleted] {
        let refused = share_state_after_processing(share, &[I::ShareSucceeded]).unwrap_err();
        assert_eq!((refused.state(), refused.action()), (share.as_str(), "Finish"));
    }
    // A finished share finishing again (a redelivered task) stays Processed.
    assert_eq!(share_state_after_processing(S::Processed, &[I::ShareSucceeded]), Ok(S::Processed));
}

#[test]
fn submitting_moves_rejected_and_failed_items_back_to_pending_and_leaves_shared_ones() {
    let items = [I::PendingApproval, I::ShareRejected, I::ShareSucceeded, I::ShareRejected, I::ShareFailed];
    let plan = plan(S::Rejected, &items, ShareAction::Submit).unwrap();
    assert_eq!(plan.share, S::Submitted);
    assert_eq!(
        plan.items,
        [
            ItemMove { from: I::ShareRejected, to: I::PendingApproval },
            ItemMove { from: I::ShareFailed, to: I::PendingApproval },
        ]
    );
}

#[test]
fn submitting_without_a_pending_item_is_refused() {
    let refused = plan(S::Draft, &[I::ShareRejected, I::ShareSucceeded], ShareAction::Submit).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "cannot submit a share that is Draft; it has no items pending approval: add items first"
    );
}

#[test]
fn approving_and_rejecting_move_only_the_pending_items() {
    let items = [I::PendingApproval, I::ShareSucceeded, I::RevokeSucceeded];
    let approved = plan(S::Submitted, &items, ShareAction::Approve).unwrap();
    assert_eq!(approved.share, S::Approved);
    assert_eq!(approved.items, [ItemMove { from: I::PendingApproval, to: I::ShareApproved }]);
    let rejected = plan(S::Submitted, &items, ShareAction::Reject).unwrap();
    assert_eq!(rejected.share, S::Rejected);
    assert_eq!(rejected.items, [ItemMove { from: I::PendingApproval, to: I::ShareRejected }]);
}

#[test]
fn an_item_the_action_refuses_refuses_the_whole_plan() {
    let refused =
        plan(S::Submitted, &[I::PendingApproval, I::ShareFailed], ShareAction::Approve).unwrap_err();
    assert_eq!((refused.state(), refused.action()), ("Share_Failed", "Approve"));
    let refused =
        plan(S::Processed, &[I::ShareSucceeded, I::PendingApproval], ShareAction::RevokeItems).unwrap_err();
    assert_eq!((refused.state(), refused.action()), ("PendingApproval", "RevokeItems"));
}

#[test]
fn revoking_moves_the_chosen_items_to_revoke_approved() {
    let plan = plan(S::Processed, &[I::ShareSucceeded, I::RevokeFailed], ShareAction::RevokeItems).unwrap();
    assert_eq!(plan.share, S::Revoked);
    assert_eq!(
        plan.items,
        [
            ItemMove { from: I::ShareSucceeded, to: I::RevokeApproved },
            ItemMove { from: I::RevokeFailed, to: I::RevokeApproved },
        ]
    );
    let refused = super::plan(S::Processed, &[], ShareAction::RevokeItems).unwrap_err();
    assert!(refused.to_string().contains("choose at least one item"), "{refused}");
}

#[test]
fn deleting_a_share_with_shared_items_is_refused_until_they_are_revoked() {
    let refused =
        plan(S::Processed, &[I::RevokeSucceeded, I::ShareSucceeded], ShareAction::Delete).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "cannot delete a share item that is Share_Succeeded; revoke access to it before deleting the share"
    );
    let deleted = plan(S::Processed, &[I::RevokeSucceeded, I::ShareRejected], ShareAction::Delete).unwrap();
    assert_eq!(deleted.share, S::Deleted);
    assert!(deleted.items.iter().all(|m| m.to == I::Deleted));
    assert_eq!(deleted.items.len(), 2);
}

#[test]
fn a_share_being_processed_cannot_be_deleted_even_without_shared_items() {
    for share in [S::Approved, S::ShareInProgress, S::Revoked, S::RevokeInProgress] {
        let refused = plan(share, &[I::ShareApproved], ShareAction::Delete).unwrap_err();
        assert_eq!((refused.state(), refused.action()), (share.as_str(), "Delete"));
    }
}

#[test]
fn actions_without_an_item_counterpart_move_only_the_share() {
    for action in ShareAction::ALL {
        if action.item_action().is_some() {
            continue;
        }
        let from = SHARE_TABLE.iter().find(|row| row.1 == action && row.0 != row.2).map(|row| row.0).unwrap();
        let moved = plan(from, &[I::ShareSucceeded, I::PendingApproval], action).unwrap();
        assert_eq!(moved, Plan { share: next_share(from, action).unwrap(), items: vec![] }, "{action}");
    }
}
