// Shares: what my teams' datasets received and what my teams sent, with the tab, the status
// filter and the page in the URL (so a link, a reload and Back keep them). The share's own page
// is share.tsx.
import { Box, Link, MenuItem, Tab, Tabs, TextField } from "@mui/material";
import { Link as RouterLink, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { Empty, Errors, Loading, PageTitle, StatusChip } from "../components/common";
import { PagedTable } from "../components/PagedTable";
import { RelativeTime } from "../components/RelativeTime";
import { graphql } from "../gql";

const PAGE = 10;

const Inbox = graphql(`
  query ShareInbox($filter: ShareObjectFilter) {
    getShareRequestsToMe(filter: $filter) {
      count
      nodes {
        ...ShareRow
      }
    }
  }
`);

const Outbox = graphql(`
  query ShareOutbox($filter: ShareObjectFilter) {
    getShareRequestsFromMe(filter: $filter) {
      count
      nodes {
        ...ShareRow
      }
    }
  }
`);

graphql(`
  fragment ShareRow on ShareObject {
    shareUri
    status
    created
    owner
    expiryDate
    dataset {
      datasetName
      SamlAdminGroupName
    }
    principal {
      SamlGroupName
      environmentName
    }
    statistics {
      sharedItems
      pendingItems
      failedItems
      revokedItems
    }
  }
`);

/** Every share state, as the API spells it; "all" is the unfiltered list. */
export const STATUSES = [
  "Draft", "Submitted", "Approved", "Share_In_Progress", "Processed", "Rejected", "Revoke_In_Progress", "Revoked",
  "Submitted_For_Extension", "Extension_Rejected",
];
export type ShareTab = "received" | "sent";

function items(s: { sharedItems: number; pendingItems: number; failedItems: number; revokedItems: number }): string {
  const parts = [
    s.sharedItems && `${s.sharedItems} shared`,
    s.pendingItems && `${s.pendingItems} pending`,
    s.failedItems && `${s.failedItems} failed`,
    s.revokedItems && `${s.revokedItems} revoked`,
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "none yet";
}

export function SharesPage() {
  const [params, setParams] = useSearchParams();
  const status = STATUSES.includes(params.get("status") ?? "") ? params.get("status")! : "all";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const filter = { page, pageSize: PAGE, status: status === "all" ? undefined : [status] };
  const asked = params.get("tab");
  // With no tab in the URL, a team that only sends requests starts on what it sent.
  const [inbox] = useQuery({ query: Inbox, variables: { filter }, pause: asked === "sent" });
  const [outbox] = useQuery({ query: Outbox, variables: { filter }, pause: asked === "received" });
  const tab: ShareTab | undefined = asked === "sent" || asked === "received" ? asked
    : inbox.data && outbox.data ? (inbox.data.getShareRequestsToMe.count === 0 && outbox.data.getShareRequestsFromMe.count > 0 ? "sent" : "received")
    : undefined;
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    if (tab && !next.has("tab")) next.set("tab", tab);
    for (const [k, v] of Object.entries(changes)) if (v === undefined) next.delete(k); else next.set(k, v);
    setParams(next, { replace: false });
  };
  const result = tab === "received" ? inbox.data?.getShareRequestsToMe : tab === "sent" ? outbox.data?.getShareRequestsFromMe : undefined;
  const error = tab === "received" ? inbox.error : tab === "sent" ? outbox.error : inbox.error ?? outbox.error;
  return (
    <>
      <PageTitle>Shares</PageTitle>
      <Box sx={{ display: "flex", alignItems: "center", gap: 2, flexWrap: "wrap" }}>
        <Tabs value={tab ?? false} onChange={(_, v: ShareTab) => set({ tab: v, page: undefined })} sx={{ flexGrow: 1 }} aria-label="Shares">
          <Tab value="received" label="Received" />
          <Tab value="sent" label="Sent" />
        </Tabs>
        <TextField select size="small" label="Status" value={status} onChange={(e) => set({ status: e.target.value === "all" ? undefined : e.target.value, page: undefined })}
          sx={{ minWidth: 200 }}>
          <MenuItem value="all">All statuses</MenuItem>
          {STATUSES.map((s) => <MenuItem key={s} value={s}>{s.replace(/_/g, " ")}</MenuItem>)}
        </TextField>
      </Box>
      <Errors error={error} />
      {!result && !error && <Loading />}
      {result?.count === 0 && (
        <Empty>
          {tab === "received"
            ? status === "all" ? "No requests for your teams' datasets yet." : "No received request has this status."
            : status === "all" ? "Your teams have requested nothing. Find a table in the Catalog and press “Request access”." : "No sent request has this status."}
        </Empty>
      )}
      {result && result.count > 0 && (
        <PagedTable label={tab === "received" ? "Received shares" : "Sent shares"} rows={result.nodes} count={result.count} page={page} pageSize={PAGE}
          onPage={(p) => set({ page: String(p) })} rowKey={(s) => s.shareUri}
          columns={[
            { label: "Dataset", render: (s) => <Link component={RouterLink} to={`/shares/${s.shareUri}`}>{s.dataset?.datasetName ?? "(deleted dataset)"}</Link> },
            { label: "Owner team", render: (s) => s.dataset?.SamlAdminGroupName },
            { label: "For", render: (s) => `${s.principal.SamlGroupName}${s.principal.environmentName ? ` in ${s.principal.environmentName}` : ""}` },
            { label: "Requested", render: (s) => <>by {s.owner}, <RelativeTime iso={s.created} /></> },
            { label: "Status", render: (s) => <StatusChip status={s.status} /> },
            { label: "Items", render: (s) => items(s.statistics) },
            { label: "Expires", render: (s) => s.expiryDate ? <RelativeTime iso={s.expiryDate} /> : "—" },
          ]} />
      )}
    </>
  );
}
