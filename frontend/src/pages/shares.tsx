// Shares: "Request access" from a table; the inbox and outbox with a status filter; a share's
// page with items, status, health, the plan, the actions the user may take, and its log.
import {
  Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Link, MenuItem, Paper, Stack, Tab, Tabs, TextField, Typography,
} from "@mui/material";
import { useCallback, useState } from "react";
import { Link as RouterLink, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { apiErrors, fieldError, formErrors } from "../client";
import { Empty, Errors, Loading, PageTitle, PagedTable, StatusChip, usePolling } from "../components/common";
import { graphql } from "../gql";

const PAGE = 10;

const RequestEnvironments = graphql(`
  query RequestEnvironments {
    listEnvironments(filter: { pageSize: 100 }) {
      nodes {
        environmentUri
        label
        SamlGroupName
        AwsAccountId
        region
      }
    }
  }
`);

const CreateShare = graphql(`
  mutation CreateShareObject($datasetUri: String!, $itemUri: String, $itemType: String, $input: NewShareObjectInput!) {
    createShareObject(datasetUri: $datasetUri, itemUri: $itemUri, itemType: $itemType, input: $input) {
      shareUri
    }
  }
`);

export function RequestAccess({ datasetUri, itemUri, itemType }: { datasetUri: string; itemUri: string; itemType: string }) {
  const { user } = useAuth();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [envs] = useQuery({ query: RequestEnvironments, pause: !open });
  const [env, setEnv] = useState("");
  const [team, setTeam] = useState(user?.groups[0] ?? "");
  const [purpose, setPurpose] = useState("");
  const [local, setLocal] = useState("");
  const [result, create] = useMutation(CreateShare);
  const errors = apiErrors(result.error);
  const nodes = envs.data?.listEnvironments.nodes ?? [];
  const submit = async () => {
    if (!env) return setLocal("Pick the environment the data is shared into.");
    setLocal("");
    const r = await create({
      datasetUri, itemUri, itemType,
      input: { environmentUri: env, groupUri: team, principalId: team, principalType: "Group", permissions: ["Read"], requestPurpose: purpose },
    });
    if (r.data) navigate(`/shares/${r.data.createShareObject.shareUri}`);
  };
  return (
    <>
      <Button variant="contained" onClick={() => setOpen(true)}>Request access</Button>
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth>
        <DialogTitle>Request access</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            {envs.data && nodes.length === 0 && <Alert severity="info">Your team needs an environment to receive data: link one under Environments first.</Alert>}
            <TextField select label="Into environment" value={env} onChange={(e) => setEnv(e.target.value)} slotProps={{ select: { native: true } }}
              error={!!(local || fieldError(errors, "environmentUri"))} helperText={local || fieldError(errors, "environmentUri")}>
              <option value="" />
              {nodes.map((n) => <option key={n.environmentUri} value={n.environmentUri}>{`${n.label} (${n.AwsAccountId} / ${n.region}, ${n.SamlGroupName})`}</option>)}
            </TextField>
            <TextField select label="For team" value={team} onChange={(e) => setTeam(e.target.value)} slotProps={{ select: { native: true } }} error={!!fieldError(errors, "groupUri")} helperText={fieldError(errors, "groupUri")}>
              {(user?.groups ?? []).map((g) => <option key={g} value={g}>{g}</option>)}
            </TextField>
            <TextField label="Purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} multiline />
            {formErrors(errors, ["environmentUri", "groupUri"]).map((e, i) => <Alert key={i} severity="error">{e.message}</Alert>)}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button variant="contained" onClick={submit} disabled={result.fetching}>Create request</Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

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

export function SharePage() {
  const { uri = "" } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: GetShare, variables: { uri } });
  const share = data?.getShareObject;
  const [logs, refetchLogs] = useQuery({ query: Logs, variables: { uri }, pause: !share?.canViewLogs });
  const [submitted, submit] = useMutation(Submit);
  const [approved, approve] = useMutation(Approve);
  const [rejected, reject] = useMutation(Reject);
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
          {requester && s === "Draft" && <Button variant="contained" onClick={() => act(submit({ uri }))}>Submit</Button>}
          {approver && s === "Submitted" && <Button variant="contained" color="success" onClick={() => act(approve({ uri }))}>Approve</Button>}
          {approver && s === "Submitted" && <Button variant="outlined" color="error" onClick={() => act(reject({ uri, why: window.prompt("Why is it rejected?") ?? undefined }))}>Reject</Button>}
          {(approver || requester) && succeededItems.length > 0 && !busy && (
            <Button variant="outlined" color="warning" onClick={() => act(revoke({ input: { shareUri: uri, itemUris: succeededItems } }))}>Revoke</Button>
          )}
        </Stack>}>
        Share of {share.dataset?.datasetName}
      </PageTitle>
      {[submitted.error, approved.error, rejected.error, revoked.error].map((e, i) => <Errors key={i} error={e} />)}
      <Box sx={{ display: "flex", gap: 1, alignItems: "center" }} aria-label="Share status">
        <Typography>Status:</Typography> <StatusChip status={s} />
        {busy && <Typography color="text.secondary">processing; this page updates by itself</Typography>}
      </Box>
      <Typography sx={{ mt: 1 }}>
        From {share.dataset?.SamlAdminGroupName} ({share.dataset?.AwsAccountId} / {share.dataset?.region}) to {share.principal.SamlGroupName} in{" "}
        {share.principal.environmentName} ({share.environment?.AwsAccountId} / {share.environment?.region}) · {share.permissions.join(", ")} · requested by {share.owner}
      </Typography>
      {share.requestPurpose && <Typography>Purpose: {share.requestPurpose}</Typography>}
      {share.rejectPurpose && <Alert severity="warning">Rejected: {share.rejectPurpose}</Alert>}
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
            <Paper variant="outlined" sx={{ p: 1, maxHeight: 300, overflow: "auto", fontFamily: "monospace", fontSize: 13 }} aria-label="Processing log">
              {logs.data.getShareLogs.map((l, i) => <div key={i}>{l.timestamp} {l.message}</div>)}
            </Paper>
          ) : <Empty>Nothing processed yet.</Empty>}
        </>
      )}
    </>
  );
}
