//! The share and share-item state machines, as pure functions.
//!
//! They mirror data.all's `ShareObjectSM` and `ShareItemSM` (`shares_base/db/share_object_state_machines.py`,
//! data.all 2.9), with its state and action spellings, so that stored states and GraphQL enums read
//! the same. An action there names target states, each with the states it is reached from, and it
//! is resolved in this order:
//!
//! 1. a resource already in one of the action's targets stays where it is (the action counts as
//!    done: `Ok(from)`, nothing to write);
//! 2. a resource in one of the sources moves to that source's target;
//! 3. anything else is refused with a [`Transition`].
//!
//! `Deleted` is not a stored state: an item or share that reaches it has its row removed, and an
//! item "in" `Deleted` is one that is not in the request (so `AddItem` brings it back).
//!
//! Share expiry adds data.all's extension states (`Submitted_For_Extension`, `Extension_Rejected`,
//! and `PendingExtension` for items) and actions. Sluice differs in one place: data.all runs an
//! extension action on every item of the share and refuses the whole when one item cannot take
//! it (a revoked or a pending item blocks an extension), while Sluice moves the shared items and
//! leaves the others where they are, refusing only when an item is mid-processing or still waits
//! for approval (as data.all does).
//!
//! data.all's `Create` action is left out: no machine uses it (it only selects
//! a validator); a new share starts in `Draft` and a new item in `PendingApproval`. Verify and
//! reapply change an item's health, not its state, so they are not here either.

use std::fmt;

/// An enum of data.all spellings: `ALL`, `as_str` (the stored and GraphQL spelling), `parse`.
macro_rules! spelled {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [Self; [$($text),+].len()] = [$(Self::$variant),+];

            /// data.all's spelling, as stored and as GraphQL shows it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// The variant spelled `text` exactly as data.all does, if any.
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.as_str() == text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

spelled! {
    /// Where a share request is (data.all's `ShareObjectStatus`).
    pub enum ShareStatus {
        /// Being edited by the requesters; items may be added and removed.
        Draft => "Draft",
        /// Waiting for the dataset's approvers.
        Submitted => "Submitted",
        /// Approved; the worker has yet to grant the approved items.
        Approved => "Approved",
        Rejected => "Rejected",
        /// The worker is granting the approved items.
        ShareInProgress => "Share_In_Progress",
        /// Nothing in flight; items may be revoked or added.
        Processed => "Processed",
        /// Items were chosen for revoking; the worker has yet to revoke them.
        Revoked => "Revoked",
        /// The worker is revoking the chosen items.
        RevokeInProgress => "Revoke_In_Progress",
        /// Gone: the row is removed.
        Deleted => "Deleted",
        /// The requesters asked to keep their access longer; the approvers decide.
        SubmittedForExtension => "Submitted_For_Extension",
        /// The approvers refused an extension; access ends at the expiry date as before.
        ExtensionRejected => "Extension_Rejected",
    }
}

spelled! {
    /// Where one item of a share is (data.all's `ShareItemStatus`).
    pub enum ItemStatus {
        /// Not in the request: the row is removed, or was never there.
        Deleted => "Deleted",
        PendingApproval => "PendingApproval",
        ShareApproved => "Share_Approved",
        ShareRejected => "Share_Rejected",
        ShareInProgress => "Share_In_Progress",
        ShareSucceeded => "Share_Succeeded",
        ShareFailed => "Share_Failed",
        RevokeApproved => "Revoke_Approved",
        RevokeInProgress => "Revoke_In_Progress",
        RevokeFailed => "Revoke_Failed",
        RevokeSucceeded => "Revoke_Succeeded",
        /// Shared, with an extension of its access waiting for the approvers.
        PendingExtension => "PendingExtension",
    }
}

spelled! {
    /// What can happen to a share (the keys of data.all's `ShareObjectSM` table).
    pub enum ShareAction {
        Submit => "Submit",
        Approve => "Approve",
        Reject => "Reject",
        RevokeItems => "RevokeItems",
        /// The worker picks up an approved share or a revoked one.
        Start => "Start",
        /// The worker is done, and no item waits for approval.
        Finish => "Finish",
        /// The worker is done revoking, and some item waits for approval: back to `Draft`.
        FinishPending => "FinishPending",
        Delete => "Delete",
        /// An item was added: the share goes back to `Draft` to be submitted again.
        AddItem => "AddItem",
        /// The requesters ask to keep their access longer.
        Extension => "Extension",
        ExtensionApprove => "ExtensionApprove",
        ExtensionReject => "ExtensionReject",
        /// The requesters withdraw their extension request.
        CancelExtension => "CancelExtension",
    }
}

spelled! {
    /// What can happen to an item (the keys of data.all's `ShareItemSM` table).
    pub enum ItemAction {
        AddItem => "AddItem",
        RemoveItem => "RemoveItem",
        Submit => "Submit",
        Approve => "Approve",
        Reject => "Reject",
        RevokeItems => "RevokeItems",
        /// The worker starts granting or revoking the item.
        Start => "Start",
        /// The grant or revoke is complete.
        Success => "Success",
        /// The grant or revoke failed.
        Failure => "Failure",
        Delete => "Delete",
        Extension => "Extension",
        ExtensionApprove => "ExtensionApprove",
        ExtensionReject => "ExtensionReject",
        CancelExtension => "CancelExtension",
    }
}

impl ShareAction {
    /// The action as a verb phrase, for messages: "cannot {verb} a share that is …".
    fn verb(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::RevokeItems => "revoke items of",
            Self::Start => "start processing",
            Self::Finish => "finish processing",
            Self::FinishPending => "send back to Draft",
            Self::Delete => "delete",
            Self::AddItem => "add items to",
            Self::Extension => "ask for an extension of",
            Self::ExtensionApprove => "approve an extension of",
            Self::ExtensionReject => "reject an extension of",
            Self::CancelExtension => "cancel an extension of",
        }
    }

    /// The item action data.all runs on the share's items along with this one, if any.
    pub fn item_action(self) -> Option<ItemAction> {
        match self {
            Self::Submit => Some(ItemAction::Submit),
            Self::Approve => Some(ItemAction::Approve),
            Self::Reject => Some(ItemAction::Reject),
            Self::RevokeItems => Some(ItemAction::RevokeItems),
            Self::Delete => Some(ItemAction::Delete),
            Self::Extension => Some(ItemAction::Extension),
            Self::ExtensionApprove => Some(ItemAction::ExtensionApprove),
            Self::ExtensionReject => Some(ItemAction::ExtensionReject),
            Self::CancelExtension => Some(ItemAction::CancelExtension),
            // Items start one by one in the worker; finishing is derived from them; a new item
            // is created in PendingApproval.
            Self::Start | Self::Finish | Self::FinishPending | Self::AddItem => None,
        }
    }
}

impl ItemAction {
    /// The action as a verb phrase, for messages: "cannot {verb} a share item that is …".
    fn verb(self) -> &'static str {
        match self {
            Self::AddItem => "add",
            Self::RemoveItem => "remove",
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::RevokeItems => "revoke",
            Self::Start => "start processing",
            Self::Success => "record a success for",
            Self::Failure => "record a failure for",
            Self::Delete => "delete",
            Self::Extension => "extend",
            Self::ExtensionApprove => "approve an extension of",
            Self::ExtensionReject => "reject an extension of",
            Self::CancelExtension => "cancel an extension of",
        }
    }
}

impl ItemStatus {
    /// Items whose grant exists or may exist (data.all's `get_share_item_shared_states`): a share
    /// holding one cannot be deleted, and its data filters cannot change.
    pub const SHARED: [Self; 6] = [
        Self::ShareSucceeded,
        Self::PendingExtension,
        Self::ShareInProgress,
        Self::RevokeFailed,
        Self::RevokeInProgress,
        Self::RevokeApproved,
    ];

    /// Items a user may choose to revoke (data.all's `get_share_item_revokable_states`).
    pub const REVOKABLE: [Self; 2] = [Self::ShareSucceeded, Self::RevokeFailed];

    /// Items whose grants are in place and nothing is in flight: what verify and re-apply check,
    /// what a consumer may use, and what a revoke of other items must keep.
    pub const GRANTED: [Self; 2] = [Self::ShareSucceeded, Self::PendingExtension];

    pub fn is_granted(self) -> bool {
        Self::GRANTED.contains(&self)
    }

    /// [`Self::GRANTED`] as stored, for queries.
    pub fn granted_spellings() -> [&'static str; 2] {
        Self::GRANTED.map(Self::as_str)
    }

    pub fn is_shared(self) -> bool {
        Self::SHARED.contains(&self)
    }

    /// Whether the item's grants exist, may exist, or are about to be made (approved, its
    /// processing queued): what keeps its dataset, table or folder from leaving Sluice, as
    /// removing them then would leave grants in AWS that no share could revoke.
    pub fn holds_its_item(self) -> bool {
        self.is_shared() || self == Self::ShareApproved
    }

    pub fn is_revokable(self) -> bool {
        Self::REVOKABLE.contains(&self)
    }

    /// Whether `removeSharedItem` may take the item out of its request: nothing was granted, or
    /// the grant was revoked.
    pub fn is_removable(self) -> bool {
        matches!(
            self,
            Self::PendingApproval | Self::ShareRejected | Self::ShareFailed | Self::RevokeSucceeded
        )
    }
}

/// Why an action is refused in a state. Its message, which users see, names the state and the
/// action and says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {verb} a {subject} that is {state}; {hint}")]
pub struct Transition {
    subject: &'static str,
    state: &'static str,
    action: &'static str,
    verb: &'static str,
    hint: &'static str,
}

impl Transition {
    /// The refused state, spelled as data.all does.
    pub fn state(&self) -> &'static str {
        self.state
    }

    /// The refused action, spelled as data.all does.
    pub fn action(&self) -> &'static str {
        self.action
    }

    fn share(state: ShareStatus, action: ShareAction, hint: &'static str) -> Self {
        Self { subject: "share", state: state.as_str(), action: action.as_str(), verb: action.verb(), hint }
    }

    fn item(state: ItemStatus, action: ItemAction, hint: &'static str) -> Self {
        Self {
            subject: "share item",
            state: state.as_str(),
            action: action.as_str(),
            verb: action.verb(),
            hint,
        }
    }
}

impl From<Transition> for crate::Error {
    fn from(refused: Transition) -> Self {
        Self::InvalidState(refused.to_string())
    }
}

/// Target states of an action, each with the states that reach it.
type Rule<S> = &'static [(S, &'static [S])];

fn share_rule(action: ShareAction) -> Rule<ShareStatus> {
    use ShareStatus::*;
    match action {
        ShareAction::Submit => &[(Submitted, &[Draft, Rejected, ExtensionRejected])],
        ShareAction::Approve => &[(Approved, &[Submitted])],
        ShareAction::Reject => &[(Rejected, &[Submitted])],
        ShareAction::RevokeItems => &[(Revoked, &[Draft, Submitted, Rejected, Processed, ExtensionRejected])],
        ShareAction::Start => &[(ShareInProgress, &[Approved]), (RevokeInProgress, &[Revoked])],
        ShareAction::Finish => &[(Processed, &[ShareInProgress, RevokeInProgress])],
        ShareAction::FinishPending => &[(Draft, &[RevokeInProgress])],
        ShareAction::Delete => &[(Deleted, &[Draft, Submitted, Rejected, Processed, ExtensionRejected])],
        ShareAction::AddItem => &[(Draft, &[Submitted, Rejected, Processed, ExtensionRejected])],
        ShareAction::Extension => &[(SubmittedForExtension, &[Processed, ExtensionRejected, Draft])],
        ShareAction::ExtensionApprove | ShareAction::CancelExtension => {
            &[(Processed, &[SubmittedForExtension])]
        }
        ShareAction::ExtensionReject => &[(ExtensionRejected, &[SubmittedForExtension])],
    }
}

fn item_rule(action: ItemAction) -> Rule<ItemStatus> {
    use ItemStatus::*;
    // For Submit, Approve and Reject data.all lists the items past approval as their own
    // sources: the share-wide actions leave them as they are.
    match action {
        ItemAction::AddItem => &[(PendingApproval, &[Deleted])],
        ItemAction::RemoveItem | ItemAction::Delete => {
            &[(Deleted, &[PendingApproval, ShareRejected, ShareFailed, RevokeSucceeded])]
        }
        ItemAction::Submit => &[
            (PendingApproval, &[ShareRejected, ShareFailed]),
            (ShareApproved, &[ShareApproved]),
            (RevokeApproved, &[RevokeApproved]),
            (RevokeFailed, &[RevokeFailed]),
            (ShareSucceeded, &[ShareSucceeded]),
            (RevokeSucceeded, &[RevokeSucceeded]),
            (ShareInProgress, &[ShareInProgress]),
            (RevokeInProgress, &[RevokeInProgress]),
        ],
        ItemAction::Approve => &[
            (ShareApproved, &[PendingApproval]),
            (RevokeApproved, &[RevokeApproved]),
            (RevokeFailed, &[RevokeFailed]),
            (ShareSucceeded, &[ShareSucceeded]),
            (RevokeSucceeded, &[RevokeSucceeded]),
            (ShareInProgress, &[ShareInProgress]),
            (RevokeInProgress, &[RevokeInProgress]),
        ],
        ItemAction::Reject => &[
            (ShareRejected, &[PendingApproval]),
            (RevokeApproved, &[RevokeApproved]),
            (RevokeFailed, &[RevokeFailed]),
            (ShareSucceeded, &[ShareSucceeded]),
            (RevokeSucceeded, &[RevokeSucceeded]),
            (ShareInProgress, &[ShareInProgress]),
            (RevokeInProgress, &[RevokeInProgress]),
        ],
        ItemAction::RevokeItems => &[(RevokeApproved, &[ShareSucceeded, RevokeFailed, RevokeApproved])],
        ItemAction::Start => &[(ShareInProgress, &[ShareApproved]), (RevokeInProgress, &[RevokeApproved])],
        ItemAction::Success => {
            &[(ShareSucceeded, &[ShareInProgress]), (RevokeSucceeded, &[RevokeInProgress])]
        }
        ItemAction::Failure => &[
            (ShareFailed, &[ShareInProgress, ShareApproved]),
            (RevokeFailed, &[RevokeInProgress, RevokeApproved]),
        ],
        // Only shared items are extended; the others keep their state (see the module's note).
        ItemAction::Extension => &[
            (PendingExtension, &[ShareSucceeded]),
            (ShareRejected, &[ShareRejected]),
            (ShareFailed, &[ShareFailed]),
            (RevokeFailed, &[RevokeFailed]),
            (RevokeSucceeded, &[RevokeSucceeded]),
        ],
        ItemAction::ExtensionApprove | ItemAction::ExtensionReject | ItemAction::CancelExtension => &[
            (ShareSucceeded, &[PendingExtension]),
            (PendingApproval, &[PendingApproval]),
            (ShareRejected, &[ShareRejected]),
            (ShareFailed, &[ShareFailed]),
            (RevokeFailed, &[RevokeFailed]),
            (RevokeSucceeded, &[RevokeSucceeded]),
        ],
    }
}

fn resolve<S: Copy + PartialEq>(rule: Rule<S>, from: S) -> Option<S> {
    if rule.iter().any(|&(to, _)| to == from) {
        return Some(from);
    }
    rule.iter().find(|(_, sources)| sources.contains(&from)).map(|&(to, _)| to)
}

/// The share's state after `action`, or why the action is refused.
pub fn next_share(from: ShareStatus, action: ShareAction) -> Result<ShareStatus, Transition> {
    resolve(share_rule(action), from).ok_or_else(|| Transition::share(from, action, share_hint(from, action)))
}

/// The item's state after `action`, or why the action is refused.
pub fn next_item(from: ItemStatus, action: ItemAction) -> Result<ItemStatus, Transition> {
    resolve(item_rule(action), from).ok_or_else(|| Transition::item(from, action, item_hint(from, action)))
}

/// Only for refused pairs; the tests check that no refusal falls through to the last arm.
const NO_HINT: &str = "data.all has no such transition";

fn share_hint(from: ShareStatus, action: ShareAction) -> &'static str {
    use ShareAction as A;
    use ShareStatus as S;
    match (action, from) {
        (_, S::Deleted) => "it was deleted",
        (A::Start, _) => "only an Approved or a Revoked share can start processing",
        (A::Finish, _) => "only a share in Share_In_Progress or Revoke_In_Progress can finish processing",
        (A::FinishPending, _) => "only a share in Revoke_In_Progress can go back to Draft",
        (_, S::Approved | S::ShareInProgress | S::Revoked | S::RevokeInProgress) => {
            "wait until the sharing or revoking in progress finishes, then try again"
        }
        (A::ExtensionApprove | A::ExtensionReject | A::CancelExtension, _) => {
            "no extension is pending; the requesters ask for one with submitShareExtension"
        }
        (_, S::SubmittedForExtension) => "an extension is pending: approve, reject or cancel it first",
        (A::Extension, S::Submitted) => "wait until the request is approved or rejected",
        (A::Extension, S::Rejected) => "submit the request again first",
        (A::Approve | A::Reject, S::Draft | S::Rejected) => "submit it first",
        (A::Approve | A::Reject, S::Processed | S::ExtensionRejected) => {
            "nothing in it awaits approval; add items and submit it first"
        }
        (A::Submit, S::Processed) => "add items to it first",
        _ => NO_HINT,
    }
}

fn item_hint(from: ItemStatus, action: ItemAction) -> &'static str {
    use ItemAction as A;
    use ItemStatus as S;
    let busy =
        matches!(from, S::ShareApproved | S::ShareInProgress | S::RevokeApproved | S::RevokeInProgress);
    match (action, from) {
        (_, S::Deleted) => "it is not in the share request; add it first",
        (A::Start, _) => "only an item in Share_Approved or Revoke_Approved can start processing",
        (A::Success, _) => "only an item in Share_In_Progress or Revoke_In_Progress can succeed",
        (A::Failure, _) => "only an item being shared or revoked can fail",
        (A::AddItem, _) => "it is already in the share request",
        _ if busy => "wait until the sharing or revoking in progress finishes, then try again",
        (_, S::PendingExtension) => {
            "an extension of its access is pending: approve, reject or cancel it first"
        }
        (A::Extension, S::PendingApproval) => {
            "it waits for approval: submit the share, or remove the item, before asking for an extension"
        }
        (A::RemoveItem, S::ShareSucceeded | S::RevokeFailed) => "revoke it first",
        (A::Delete, S::ShareSucceeded | S::RevokeFailed) => "revoke access to it before deleting the share",
        (A::Approve | A::Reject, S::ShareRejected | S::ShareFailed) => "submit the share again first",
        (A::RevokeItems, _) => "only an item in Share_Succeeded or Revoke_Failed can be revoked",
        _ => NO_HINT,
    }
}

/// One batch write for a share-wide action: the share's items in `from` (for `RevokeItems`, only
/// the chosen ones) go to `to`, and `to == Deleted` removes their rows. Apply it with
/// `WHERE status = from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemMove {
    pub from: ItemStatus,
    pub to: ItemStatus,
}

/// What a share-wide action does: the share's next state and the item moves (items that stay
/// where they are need no write and are not listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub share: ShareStatus,
    pub items: Vec<ItemMove>,
}

/// data.all's `_run_transitions` and its preconditions: runs `action` on the share and its item
/// counterpart ([`ShareAction::item_action`]) on each of `items`, refusing the whole if any part
/// is refused. `items` are the states of the share's items (for `RevokeItems`, of the chosen
/// ones); duplicates are fine; actions without an item counterpart ignore them.
///
/// - `Submit` needs an item in `PendingApproval` ("the request is empty of pending items").
/// - `RevokeItems` needs at least one item.
/// - `Delete` needs every item deletable, so no item may be shared (data.all's `ShareItemsFound`).
///   data.all's delete checks only that; Sluice also applies the share machine, which refuses to
///   delete a share the worker is about to process or is processing.
pub fn plan(share: ShareStatus, items: &[ItemStatus], action: ShareAction) -> Result<Plan, Transition> {
    let next = next_share(share, action)?;
    match action {
        ShareAction::Submit if !items.contains(&ItemStatus::PendingApproval) => {
            return Err(Transition::share(
                share,
                action,
                "it has no items pending approval: add items first",
            ));
        }
        ShareAction::RevokeItems if items.is_empty() => {
            return Err(Transition::share(share, action, "choose at least one item to revoke"));
        }
        _ => {}
    }
    let mut moves: Vec<ItemMove> = Vec::new();
    if let Some(item_action) = action.item_action() {
        for (i, &from) in items.iter().enumerate() {
            if items[..i].contains(&from) {
                continue;
            }
            let to = next_item(from, item_action)?;
            if to != from {
                moves.push(ItemMove { from, to });
            }
        }
    }
    Ok(Plan { share: next, items: moves })
}

/// The action that ends a share's processing, as data.all's worker picks it: a revoke that leaves
/// items waiting for approval sends the share back to `Draft` (`FinishPending`); anything else
/// finishes (`Finish`), even when items failed (their states tell).
pub fn finish_action(share: ShareStatus, items: &[ItemStatus]) -> ShareAction {
    if share == ShareStatus::RevokeInProgress && items.contains(&ItemStatus::PendingApproval) {
        ShareAction::FinishPending
    } else {
        ShareAction::Finish
    }
}

/// The share's state once the worker is done with it, from the states of all its items.
pub fn share_state_after_processing(
    share: ShareStatus,
    items: &[ItemStatus],
) -> Result<ShareStatus, Transition> {
    next_share(share, finish_action(share, items))
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
