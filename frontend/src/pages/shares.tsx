// Shares: the inbox and outbox with a status filter; a share's page with items, status,
// health, the plan, the actions the user may take (rejecting asks why, in a dialog), and its log.
import {
  Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Link, MenuItem, Paper, Stack, Tab, Tabs, TextField,
  Typography,
} from "@mui/material";
import { useCallback, useId, useState, type FormEvent } from "react";
import { Link as RouterLink, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { Empty, Errors, LogBox, Loading, PageTitle, StatusChip, usePolling } from "../components/common";
import { PagedTable } from "../components/PagedTable";
import { FormAlerts, useFieldErrors } from "../components/form";
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
    }
  }
`);

const STATUSES = ["", "Draft", "Submitted", "Approved", "Share_In_Progress", "Processed", "Rejected", "Revoked", "Revoke_In_Progress"];

export function SharesPage() {
  const [tab, setTab] = useState(0);
  const [status, setStatus] = useState("");
  const [page, setPage] = useState(1);
  const filter = { page, pageSize: PAGE, status: status ? [status] : undefined };
  const [inbox] = useQuery({ query: Inbox, variables: { filter }, pause: tab !== 0 });
  const [outbox] = useQuery({ query: Outbox, variables: { filter }, pause: tab !== 1 });
  const result = tab === 0 ? inbox.data?.getShareRequestsToMe : outbox.data?.getShareRequestsFromMe;
  const error = tab === 0 ? inbox.error : outbox.error;
  return (
    <>
      <PageTitle>Shares</PageTitle>
      <Box sx={{ display: "flex", alignItems: "center", gap: 2 }}>
        <Tabs value={tab} onChange={(_, v: number) => (setTab(v), setPage(1))} sx={{ flexGrow: 1 }}>
          <Tab label="Received (inbox)" />
          <Tab label="Sent (outbox)" />
        </Tabs>
        <TextField select size="small" label="Status" value={status} onChange={(e) => (setStatus(e.target.value), setPage(1))} sx={{ minWidth: 200 }}>
          {STATUSES.map((s) => <MenuItem key={s} value={s}>{s || "Any"}</MenuItem>)}
        </TextField>
      </Box>
      <Errors error={error} />
      {!result && !error && <Loading />}
      {result?.count === 0 && (
        <Empty>{tab === 0 ? "No requests for your teams' datasets." : "Your teams have requested nothing. Find a table in the Catalog and press “Request access”."}</Empty>
      )}
      {result && result.count > 0 && (
        <PagedTable label={tab === 0 ? "Received shares" : "Sent shares"} rows={result.nodes} count={result.count} page={page} pageSize={PAGE} onPage={setPage}
          rowKey={(s) => s.shareUri}
          columns={[
            { label: "Dataset", render: (s) => <Link component={RouterLink} to={`/shares/${s.shareUri}`}>{s.dataset?.datasetName ?? s.shareUri}</Link> },
            { label: "Owner team", render: (s) => s.dataset?.SamlAdminGroupName },
            { label: "Requested by", render: (s) => `${s.principal.SamlGroupName} (${s.principal.environmentName ?? ""})` },
            { label: "Status", render: (s) => <StatusChip status={s.status} /> },
            { label: "Items", render: (s) => `${s.statistics.sharedItems} shared, ${s.statistics.pendingItems} pending, ${s.statistics.failedItems} failed` },
          ]} />
      )}
    </>
  );
}

const GetShare = graphql(`
  query GetShareObject($uri: String!) {
    getShareObject(shareUri: $uri) {
      shareUri
      status
      owner
      requestPurpose
      rejectPurpose
      userRoleForShareObject
      canViewLogs
      permissions
      dataset {
        datasetUri
        datasetName
        SamlAdminGroupName
        AwsAccountId
        region
      }
      principal {
        SamlGroupName
        environmentName
      }
      environment {
        AwsAccountId
        region
      }
      items {
        count
        nodes {
          shareItemUri
          itemUri
          itemName
          itemType
          status
          healthStatus
          healthMessage
        }
      }
      plan {
        action
        refused
        items {
          item
          sharedDatabase
          grantsInSource {
            account
            principal
            database
            table
            permissions
          }
          grantsInTarget {
            account
            principal
            database
            table
            permissions
          }
          link {
            account
            database
            name
          }
        }
      }
    }
  }
`);

const Logs = graphql(`
  query ShareLogs($uri: String!) {
    getShareLogs(shareUri: $uri) {
      timestamp
      message
    }
  }
`);

const Submit = graphql(`
  mutation SubmitShare($uri: String!) {
    submitShareObject(shareUri: $uri) {
      shareUri
      status
    }
  }
`);
const Approve = graphql(`
  mutation ApproveShare($uri: String!) {
    approveShareObject(shareUri: $uri) {
      shareUri
      status
    }
  }
`);
const Reject = graphql(`
  mutation RejectShare($uri: String!, $why: String) {
    rejectShareObject(shareUri: $uri, rejectPurpose: $why) {
      shareUri
      status
    }
  }
`);
const Revoke = graphql(`
  mutation RevokeShareItems($input: ShareItemSelectorInput) {
    revokeItemsShareObject(input: $input) {
      shareUri
      status
    }
  }
`);

const BUSY = /In_Progress|^Approved$|Share_Approved|Revoke_Approved/;

/** Asks the approver why, so the requesting team learns what to change before asking again. */
function RejectDialog({ uri, open, onClose, onRejected }: { uri: string; open: boolean; onClose: () => void; onRejected: () => void }) {
  const id = useId();
  const [reason, setReason] = useState("");
  const [result, reject] = useMutation(Reject);
  const f = useFieldErrors(result.error, ["rejectPurpose"]);
  const close = () => (f.clear(), onClose());
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const why = reason.trim();
    const ok = f.check({
      rejectPurpose: !why ? "Say why, so the requesting team knows what to change." : [...why].length > 2000 && "At most 2,000 characters.",
    });
    if (!ok) return;
    const r = await reject({ uri, why });
    if (!r.error) (setReason(""), onRejected());
  };
  return (
    <Dialog open={open} onClose={close} fullWidth aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`}>
      <Box component="form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <DialogTitle id={`${id}-title`}>Reject the request</DialogTitle>
        <DialogContent>
          <DialogContentText id={`${id}-text`}>
            Nothing is shared. The requesting team sees your reason and can submit the request again.
          </DialogContentText>
          <TextField autoFocus required fullWidth multiline minRows={2} sx={{ mt: 2 }} label="Reason" value={reason}
            onChange={(e) => setReason(e.target.value)} {...f.field("rejectPurpose", `${[...reason.trim()].length} / 2,000`)} />
          <FormAlerts errors={f.rest} />
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="contained" color="error" disabled={result.fetching}>Reject</Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}

export function SharePage() {
  const { uri = "" } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: GetShare, variables: { uri } });
  const share = data?.getShareObject;
  const [logs, refetchLogs] = useQuery({ query: Logs, variables: { uri }, pause: !share?.canViewLogs });
  const [submitted, submit] = useMutation(Submit);
  const [approved, approve] = useMutation(Approve);
  const [rejecting, setRejecting] = useState(false);
  const [revoked, revoke] = useMutation(Revoke);
  const busy = !!share && (BUSY.test(share.status ?? "") || share.items.nodes.some((i) => BUSY.test(i.status ?? "")));
  const reload = useCallback(() => {
    refetch({ requestPolicy: "network-only" });
    if (share?.canViewLogs) refetchLogs({ requestPolicy: "network-only" });
  }, [refetch, refetchLogs, share?.canViewLogs]);
  usePolling(busy, reload);
  if (fetching && !share) return <Loading />;
  if (!share) return <Errors error={error} />;
  const role = share.userRoleForShareObject;
  const approver = role === "Approvers" || role === "ApproversAndRequesters";
  const requester = role === "Requesters" || role === "ApproversAndRequesters";
  const s = share.status;
  const act = (p: Promise<{ error?: unknown }>) => p.then((r) => { if (!r.error) reload(); });
  const succeededItems = share.items.nodes.filter((i) => i.status === "Share_Succeeded").map((i) => i.shareItemUri);
  return (
    <>
      <PageTitle actions={
        <Stack direction="row" spacing={1}>
          {requester && (s === "Draft" || s === "Rejected") && (
            <Button variant="contained" onClick={() => act(submit({ uri }))}>{s === "Rejected" ? "Submit again" : "Submit"}</Button>
          )}
          {approver && s === "Submitted" && <Button variant="contained" color="success" onClick={() => act(approve({ uri }))}>Approve</Button>}
          {approver && s === "Submitted" && <Button variant="outlined" color="error" onClick={() => setRejecting(true)}>Reject</Button>}
          {(approver || requester) && succeededItems.length > 0 && !busy && (
            <Button variant="outlined" color="warning" onClick={() => act(revoke({ input: { shareUri: uri, itemUris: succeededItems } }))}>Revoke</Button>
          )}
        </Stack>}>
        Share of {share.dataset?.datasetName}
      </PageTitle>
      <RejectDialog uri={uri} open={rejecting} onClose={() => setRejecting(false)} onRejected={() => (setRejecting(false), reload())} />
      {[submitted.error, approved.error, revoked.error].map((e, i) => <Errors key={i} error={e} />)}
      <Box sx={{ display: "flex", flexWrap: "wrap", gap: 1, alignItems: "center" }} aria-label="Share status">
        <Typography>Status:</Typography> <StatusChip status={s} />
        {busy && <Typography color="text.secondary">processing; this page updates by itself</Typography>}
      </Box>
      <Typography sx={{ mt: 1 }}>
        From {share.dataset?.SamlAdminGroupName} ({share.dataset?.AwsAccountId} / {share.dataset?.region}) to {share.principal.SamlGroupName} in{" "}
        {share.principal.environmentName} ({share.environment?.AwsAccountId} / {share.environment?.region}) · {share.permissions.join(", ")} · requested by {share.owner}
      </Typography>
      {share.requestPurpose && <Typography>Purpose: {share.requestPurpose}</Typography>}
      {share.rejectPurpose && s === "Rejected" && (
        <Alert severity="warning" sx={{ mt: 1 }} aria-label="Rejection">
          Rejected: {share.rejectPurpose}
          {requester && " Change what was asked for, then “Submit again”."}
        </Alert>
      )}
      {requester && s === "Draft" && <Alert severity="info" sx={{ mt: 1 }}>This request is a draft: press “Submit” to send it to the dataset's owners.</Alert>}
      <Typography variant="h6" sx={{ mt: 2 }}>Items</Typography>
      {share.items.count === 0 ? <Empty>No items. Add tables from their pages with “Request access”.</Empty> : (
        <PagedTable label="Share items" rows={share.items.nodes} count={share.items.count} page={1} pageSize={1000} onPage={() => undefined} rowKey={(i) => i.shareItemUri}
          columns={[
            { label: "Item", render: (i) => i.itemType === "Table" ? <Link component={RouterLink} to={`/tables/${i.itemUri}`}>{i.itemName}</Link> : i.itemName },
            { label: "Type", render: (i) => i.itemType },
            { label: "Status", render: (i) => <StatusChip status={i.status} /> },
            { label: "Health", render: (i) => i.healthStatus ? `${i.healthStatus}${i.healthMessage ? `: ${i.healthMessage}` : ""}` : "—" },
          ]} />
      )}
      <Typography variant="h6" sx={{ mt: 2 }}>Plan ({share.plan.action})</Typography>
      {share.plan.refused.map((r, i) => <Alert key={i} severity="warning">{r}</Alert>)}
      {share.plan.items.length === 0 ? <Empty>Nothing to grant.</Empty> : (
        <Paper variant="outlined" sx={{ p: 1, fontFamily: "monospace", fontSize: 13 }} aria-label="Share plan">
          {share.plan.items.map((p) => (
            <div key={p.item}>
              <b>{p.item}</b>
              {p.grantsInSource.map((g, i) => <div key={`s${i}`}>grant {g.permissions.join(",")} on {g.database}.{g.table ?? "*"} to {g.principal} (in {g.account})</div>)}
              {p.sharedDatabase && <div>shared database {p.sharedDatabase}</div>}
              {p.link && <div>resource link {p.link.database}.{p.link.name} (in {p.link.account})</div>}
              {p.grantsInTarget.map((g, i) => <div key={`t${i}`}>grant {g.permissions.join(",")} on {g.database}.{g.table ?? "*"} to {g.principal} (in {g.account})</div>)}
            </div>
          ))}
        </Paper>
      )}
      {share.canViewLogs && (
        <>
          <Typography variant="h6" sx={{ mt: 2 }}>Processing log</Typography>
          {logs.data?.getShareLogs.length ? (
            <LogBox label="Processing log">
              {logs.data.getShareLogs.map((l, i) => <div key={i}>{l.timestamp} {l.message}</div>)}
            </LogBox>
          ) : <Empty>Nothing processed yet.</Empty>}
        </>
      )}
    </>
  );
}
