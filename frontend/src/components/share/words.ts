// Share states and audit actions in words. The API keeps data.all's spellings (`Share_Succeeded`,
// `revokeItemsShareObject`) for scripts; people read these.
const ITEM: Record<string, string> = {
  PendingApproval: "Waiting for approval",
  PendingExtension: "Shared; extension asked",
  Share_Approved: "Approved; being shared",
  Share_Rejected: "Rejected",
  Share_In_Progress: "Being shared",
  Share_Succeeded: "Shared",
  Share_Failed: "Sharing failed",
  Revoke_Approved: "Being revoked",
  Revoke_In_Progress: "Being revoked",
  Revoke_Failed: "Revoke failed",
  Revoke_Succeeded: "Revoked",
  Deleted: "Removed",
};

export function itemStatusWords(status?: string | null): string {
  return (status && ITEM[status]) ?? status ?? "unknown";
}

const SHARE: Record<string, string> = {
  Draft: "a draft: not sent yet",
  Submitted: "waiting for the dataset's owners to decide",
  Approved: "approved; processing starts in a moment",
  Share_In_Progress: "being shared",
  Processed: "processed: every approved item is done",
  Rejected: "rejected",
  Revoke_In_Progress: "being revoked",
  Revoked: "revoked: nothing is shared any more",
  Submitted_For_Extension: "shared; an extension waits for the owners",
  Extension_Rejected: "shared; the extension was rejected",
};

export function shareStatusWords(status?: string | null): string {
  return (status && SHARE[status]) ?? "";
}

/** Items in these states hold grants (or are getting them). */
export const HOLDS_GRANTS = new Set(["Share_Succeeded", "PendingExtension", "Share_In_Progress", "Share_Approved", "Revoke_Failed", "Revoke_Approved", "Revoke_In_Progress"]);
/** Items in these states can be revoked now. */
export const REVOKABLE = new Set(["Share_Succeeded", "Revoke_Failed", "PendingExtension"]);
/** Items in these states hold nothing and can leave the request. */
export const REMOVABLE = new Set(["PendingApproval", "Share_Rejected", "Share_Failed", "Revoke_Succeeded"]);

const ACTION: Record<string, string> = {
  createShareObject: "created the request",
  addSharedItem: "added an item",
  removeSharedItem: "removed an item",
  submitShareObject: "submitted the request",
  approveShareObject: "approved the request",
  rejectShareObject: "rejected the request",
  revokeItemsShareObject: "revoked",
  verifyItemsShareObject: "asked to verify the grants",
  reApplyItemsShareObject: "asked to re-apply the grants",
  deleteShareObject: "deleted the request",
  updateShareRequestReason: "changed the purpose",
  updateShareRejectReason: "changed the reason for rejecting",
  submitShareExtension: "asked for an extension",
  approveShareExtension: "approved the extension",
  cancelShareExtension: "withdrew the extension",
  updateShareExpirationPeriod: "changed the period asked for",
  updateShareExtensionReason: "changed the reason for the extension",
  expireShare: "ended the access: it expired",
};

/** "alice approved the request"; the platform's own tasks are "Sluice". */
export function activityWords(a: { actor: string; actorKind: string; action: string; summary: string }): string {
  const who = a.actorKind === "system" || a.actor.startsWith("system:") ? "Sluice" : a.actor;
  const what = ACTION[a.action] ?? a.action.replace(/([A-Z])/g, " $1").toLowerCase();
  // A revoke's summary names its items, which is what a reader wants to know.
  if (a.action === "revokeItemsShareObject") return `${who} revoked ${a.summary || "items"}`;
  // The platform's processing records the state it left the share in.
  if (a.action === "processShareObject") return `${who} finished processing${a.summary ? `: the share is ${a.summary.replace(/_/g, " ")}` : ""}`;
  return `${who} ${what}`;
}

/** The period unit of a dataset's `expirySetting`, for "3 months". */
export function periodWords(n: number, setting?: string | null): string {
  const unit = setting === "Quarterly" ? "quarter" : "month";
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}
