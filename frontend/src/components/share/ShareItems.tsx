// A share's items: each with its own status in words, its health, and who last changed it
// when; a table's filters; per item, revoke (after a dialog naming it), while it holds nothing,
// remove, and where the API allows, choose its filters.
import { Box, Button, Chip, Link, Stack, Typography } from "@mui/material";
import { useState } from "react";
import { Link as RouterLink } from "react-router-dom";
import { useMutation } from "urql";
import { ConfirmDialog } from "../form";
import { notify } from "../Notices";
import { PagedTable } from "../PagedTable";
import { RelativeTime } from "../RelativeTime";
import { Empty } from "../common";
import { REMOVABLE, REVOKABLE, activityWords, itemStatusWords } from "./words";
import { RemoveItem, Revoke } from "./queries";
import { ItemFilterNames, ItemFiltersDialog, mayChangeFilters } from "./ItemFilters";

export interface Item {
  shareItemUri: string;
  itemUri: string;
  itemName: string;
  itemType: string;
  status?: string | null;
  healthStatus?: string | null;
  healthMessage?: string | null;
  lastVerificationTime?: string | null;
  attachedDataFilterUri?: string | null;
}
export interface Activity {
  activityUri: string;
  created: string;
  actor: string;
  actorKind: string;
  action: string;
  summary: string;
}

const TYPE: Record<string, string> = { Table: "Table", StorageLocation: "Folder", S3Bucket: "Bucket" };

function ItemStatus({ status }: { status?: string | null }) {
  const words = itemStatusWords(status);
  const color = /failed|rejected/i.test(words) ? "error" : /^shared|^revoked$/i.test(words) ? (words === "Revoked" ? "default" : "success") : "info";
  return <Chip size="small" variant="outlined" color={color} label={words} data-testid="item-status" data-status={status ?? ""} />;
}

/** The newest activity that concerns the item: a revoke naming it, or the share's own steps. */
function lastChange(item: Item, activity: Activity[]): Activity | undefined {
  return activity.find((a) =>
    (a.action === "revokeItemsShareObject" && a.summary.split(", ").includes(item.itemName))
    || ["approveShareObject", "rejectShareObject", "submitShareObject", "createShareObject", "approveShareExtension", "expireShare"].includes(a.action));
}

function health(i: Item): string {
  if (!i.healthStatus) return "—";
  const words: Record<string, string> = { Healthy: "Healthy", Unhealthy: "Unhealthy", PendingVerify: "Being verified", PendingReApply: "Being re-applied" };
  return `${words[i.healthStatus] ?? i.healthStatus}${i.healthMessage ? `: ${i.healthMessage}` : ""}`;
}

export function ShareItems({
  shareUri, shareStatus, approver, requester, items, activity, canRevoke, canRemove, busy, onChanged,
}: {
  shareUri: string;
  shareStatus: string;
  approver: boolean;
  requester: boolean;
  items: Item[];
  activity: Activity[];
  canRevoke: boolean;
  canRemove: boolean;
  busy: boolean;
  onChanged: () => void;
}) {
  const [revoking, setRevoking] = useState<Item[] | null>(null);
  const [removing, setRemoving] = useState<Item | null>(null);
  const [filtering, setFiltering] = useState<Item | null>(null);
  const filters = (i: Item) => !busy && mayChangeFilters(i, shareStatus, approver, requester);
  const anyTable = items.some((i) => i.itemType === "Table");
  const [revoked, revoke] = useMutation(Revoke);
  const [removed, remove] = useMutation(RemoveItem);
  const revokable = items.filter((i) => REVOKABLE.has(i.status ?? ""));
  const names = (list: Item[]) => list.map((i) => i.itemName).join(", ");
  const doRevoke = async () => {
    if (!revoking) return;
    const r = await revoke({ input: { shareUri, itemUris: revoking.map((i) => i.shareItemUri) } });
    if (r.error) return;
    notify(`Revoking ${names(revoking)}: access ends once processing finishes.`);
    setRevoking(null);
    onChanged();
  };
  const doRemove = async () => {
    if (!removing) return;
    const r = await remove({ uri: removing.shareItemUri });
    if (r.error) return;
    notify(`${removing.itemName} is no longer in the request.`);
    setRemoving(null);
    onChanged();
  };
  return (
    <>
      <Box sx={{ display: "flex", alignItems: "center", gap: 1, mt: 2, flexWrap: "wrap" }}>
        <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>Items</Typography>
        {canRevoke && revokable.length > 1 && !busy && (
          <Button variant="outlined" color="warning" onClick={() => setRevoking(revokable)}>Revoke all</Button>
        )}
      </Box>
      {items.length === 0 ? <Empty>No items yet. Add tables or folders to the request below, or from a table's page with “Request access”.</Empty> : (
        <PagedTable label="Share items" rows={items} count={items.length} page={1} pageSize={1000} onPage={() => undefined} rowKey={(i) => i.shareItemUri}
          columns={[
            { label: "Item", render: (i) => i.itemType === "Table" ? <Link component={RouterLink} to={`/tables/${i.itemUri}`}>{i.itemName}</Link> : i.itemName },
            { label: "Type", render: (i) => TYPE[i.itemType] ?? i.itemType },
            { label: "Status", render: (i) => <ItemStatus status={i.status} /> },
            // Beside the status, so a phone shows it before the table scrolls sideways.
            ...(anyTable ? [{ label: "Filters", render: (i: Item) => i.itemType === "Table" ? <ItemFilterNames item={i} /> : "—" }] : []),
            {
              label: "Last change",
              render: (i) => {
                const a = lastChange(i, activity);
                return a ? <>{activityWords(a)}, <RelativeTime iso={a.created} /></> : "—";
              },
            },
            { label: "Health", render: (i) => <>{health(i)}{i.lastVerificationTime && <> (checked <RelativeTime iso={i.lastVerificationTime} />)</>}</> },
            {
              label: "Actions",
              render: (i) => (
                <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap">
                  {filters(i) && (
                    <Button size="small" variant="outlined" onClick={() => setFiltering(i)} aria-label={`Filters of ${i.itemName}`}>Filters</Button>
                  )}
                  {canRevoke && !busy && REVOKABLE.has(i.status ?? "") && (
                    <Button size="small" color="warning" variant="outlined" onClick={() => setRevoking([i])} aria-label={`Revoke ${i.itemName}`}>Revoke</Button>
                  )}
                  {canRemove && REMOVABLE.has(i.status ?? "") && (
                    <Button size="small" variant="outlined" onClick={() => setRemoving(i)} aria-label={`Remove ${i.itemName}`}>Remove</Button>
                  )}
                </Stack>
              ),
            },
          ]} />
      )}
      {filtering && (
        <ItemFiltersDialog item={filtering} onClose={() => setFiltering(null)} onChanged={() => (setFiltering(null), onChanged())} />
      )}
      <ConfirmDialog open={!!revoking} title={revoking?.length === 1 ? `Revoke ${revoking[0].itemName}?` : `Revoke ${revoking?.length ?? 0} items?`}
        confirm="Revoke" color="warning" busy={revoked.fetching} error={revoked.error} onConfirm={doRevoke} onClose={() => setRevoking(null)}>
        The grants on {revoking && names(revoking)} are removed from Lake Formation and S3, and the requesting team loses access to{" "}
        {revoking?.length === 1 ? "it" : "them"}. {items.length > (revoking?.length ?? 0) && "The other items stay as they are."} To get access again, the
        team asks again and the owners approve again.
      </ConfirmDialog>
      <ConfirmDialog open={!!removing} title={`Remove ${removing?.itemName ?? ""} from the request?`} confirm="Remove" busy={removed.fetching}
        error={removed.error} onConfirm={doRemove} onClose={() => setRemoving(null)}>
        {removing?.itemName} leaves the request; nothing is shared with it. It can be added again later.
      </ConfirmDialog>
    </>
  );
}
