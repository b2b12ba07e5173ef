// A share's page, read like a conversation: who asked whom for what and why, what each item's
// state is and who last changed it when, the decision, how to use what is shared, the history;
// and the actions the user may take, destructive ones after a dialog naming what happens.
import { Alert, Box, Button, Link, Stack, Typography } from "@mui/material";
import { useCallback, useState } from "react";
import { Link as RouterLink, useLocation, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { Errors, LogBox, Loading, PageTitle, StatusChip, usePolling, Empty } from "../components/common";
import { ConfirmDialog } from "../components/form";
import { notify } from "../components/Notices";
import { RelativeTime } from "../components/RelativeTime";
import { AddItems } from "../components/share/AddItems";
import { ShareHistory } from "../components/share/ShareActivity";
import { ShareExpiry } from "../components/share/ShareExpiry";
import { ShareItems } from "../components/share/ShareItems";
import { SharePlan } from "../components/share/SharePlan";
import { ShareUse } from "../components/share/ShareUse";
import { RejectDialog } from "../components/share/RejectDialog";
import { Approve, DeleteShare, GetShare, Logs, ReApply, ShareActivity, Submit, Verify } from "../components/share/queries";
import { HOLDS_GRANTS, shareStatusWords } from "../components/share/words";

const BUSY = /In_Progress|^Approved$|Share_Approved|Revoke_Approved/;
/** What RequestAccess tells this page when the request found an existing share. */
export interface ShareArrival { existing?: boolean; added?: string }

export function SharePage() {
  const { uri = "" } = useParams();
  const navigate = useNavigate();
  const arrival = (useLocation().state ?? {}) as ShareArrival;
  const [{ data, fetching, error }, refetch] = useQuery({ query: GetShare, variables: { uri } });
  const share = data?.getShareObject;
  const [logs, refetchLogs] = useQuery({ query: Logs, variables: { uri }, pause: !share?.canViewLogs });
  const [activity, refetchActivity] = useQuery({ query: ShareActivity, variables: { uri } });
  const [submitted, submit] = useMutation(Submit);
  const [approved, approve] = useMutation(Approve);
  const [verified, verify] = useMutation(Verify);
  const [reapplied, reapply] = useMutation(ReApply);
  const [deleted, del] = useMutation(DeleteShare);
  const [rejecting, setRejecting] = useState<"request" | "extension" | null>(null);
  const [deleting, setDeleting] = useState(false);
  const busy = !!share && (BUSY.test(share.status ?? "") || share.items.nodes.some((i) => BUSY.test(i.status ?? "") || /^Pending(Verify|ReApply)$/.test(i.healthStatus ?? "")));
  const reload = useCallback(() => {
    refetch({ requestPolicy: "network-only" });
    refetchActivity({ requestPolicy: "network-only" });
    if (share?.canViewLogs) refetchLogs({ requestPolicy: "network-only" });
  }, [refetch, refetchActivity, refetchLogs, share?.canViewLogs]);
  usePolling(busy, reload);
  if (fetching && !share) return <Loading />;
  if (!share) return <Errors error={error} />;
  const role = share.userRoleForShareObject;
  const approver = role === "Approvers" || role === "ApproversAndRequesters";
  const requester = role === "Requesters" || role === "ApproversAndRequesters";
  const s = share.status ?? "";
  // Asked for with isShared, so every entry is in the share and has its item URI.
  const items = share.items.nodes.flatMap((i) => (i.shareItemUri ? [{ ...i, shareItemUri: i.shareItemUri }] : []));
  const shared = items.filter((i) => i.status === "Share_Succeeded" || i.status === "PendingExtension");
  const holdsGrants = items.some((i) => HOLDS_GRANTS.has(i.status ?? ""));
  const history = activity.data?.listActivity.nodes ?? [];
  const dataset = share.dataset?.datasetName ?? "a deleted dataset";
  const done = (message: string) => (r: { error?: unknown }) => { if (!r.error) (notify(message), reload()); };
  const selector = { shareUri: uri, itemUris: shared.map((i) => i.shareItemUri) };
  return (
    <>
      <Link component={RouterLink} to={`/shares?tab=${requester ? "sent" : "received"}`}>
        {requester ? "← Your teams' requests" : "← Requests for your teams' data"}
      </Link>
      <PageTitle actions={
        <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap">
          {requester && (s === "Draft" || s === "Rejected") && (
            <Button variant="contained" disabled={items.length === 0 || submitted.fetching}
              onClick={() => submit({ uri }).then(done(`Request sent: ${share.dataset?.SamlAdminGroupName ?? "the owners"} decide next.`))}>
              {s === "Rejected" ? "Submit again" : "Submit"}
            </Button>
          )}
          {approver && s === "Submitted" && (
            <Button variant="contained" color="success" disabled={approved.fetching}
              onClick={() => approve({ uri }).then(done("Approved: sharing starts now."))}>Approve</Button>
          )}
          {approver && s === "Submitted" && <Button variant="outlined" color="error" onClick={() => setRejecting("request")}>Reject</Button>}
          {(approver || requester) && shared.length > 0 && !busy && (
            <Button variant="outlined" disabled={verified.fetching}
              onClick={() => verify({ input: selector }).then(done("Verifying the grants: each item's health shows the result."))}>Verify</Button>
          )}
          {approver && shared.length > 0 && !busy && (
            <Button variant="outlined" disabled={reapplied.fetching}
              onClick={() => reapply({ input: selector }).then(done("Re-applying the grants: missing ones are made again."))}>Re-apply</Button>
          )}
          {requester && !holdsGrants && !busy && <Button variant="outlined" color="error" onClick={() => setDeleting(true)}>Delete request</Button>}
        </Stack>}>
        Share of {dataset}
      </PageTitle>
      {arrival.existing && (
        <Alert severity="info" sx={{ mb: 1 }} aria-label="Existing request">
          Your team already had a request for {dataset} in this environment, so this is it{arrival.added ? `: ${arrival.added} was added to it` : ""}.
        </Alert>
      )}
      {[submitted.error, approved.error, verified.error, reapplied.error].map((e, i) => <Errors key={i} error={e} />)}
      <Box sx={{ display: "flex", flexWrap: "wrap", gap: 1, alignItems: "center" }} aria-label="Share status">
        <Typography>Status:</Typography> <StatusChip status={s} />
        <Typography color="text.secondary">{shareStatusWords(s)}{busy && "; this page updates by itself"}</Typography>
      </Box>
      <Typography sx={{ mt: 1 }}>
        {share.owner} of {share.group} asked <RelativeTime iso={share.created} /> for {share.permissions.join(", ").toLowerCase()} access to{" "}
        {share.dataset ? <Link component={RouterLink} to={`/datasets/${share.dataset.datasetUri}`}>{dataset}</Link> : dataset} of{" "}
        {share.dataset?.SamlAdminGroupName}, for {share.principal.principalType === "Group" ? "the team" : "the role"} {share.principal.principalName}
        {share.principal.environmentName && <> in the environment {share.principal.environmentName}</>}
        {share.environment && <> ({share.environment.AwsAccountId} / {share.environment.region})</>}.
      </Typography>
      {share.requestPurpose ? <Typography>Purpose: “{share.requestPurpose}”</Typography> : <Typography color="text.secondary">No purpose given.</Typography>}
      {share.rejectPurpose && (s === "Rejected" || s === "Extension_Rejected") && (
        <Alert severity="warning" sx={{ mt: 1 }} aria-label="Rejection">
          Rejected: {share.rejectPurpose}
          {requester && s === "Rejected" && " Change what was asked for, then “Submit again”."}
        </Alert>
      )}
      {requester && s === "Draft" && <Alert severity="info" sx={{ mt: 1 }}>This request is a draft: add what you need, then press “Submit” to send it to {share.dataset?.SamlAdminGroupName ?? "the dataset's owners"}.</Alert>}
      <ShareExpiry share={share} requester={requester} approver={approver} onReject={() => setRejecting("extension")} onChanged={reload} />
      {shared.length > 0 && (requester || approver) && (
        <ShareUse shareUri={uri} region={share.environment?.region}
          tables={shared.filter((i) => i.itemType === "Table").map((i) => ({ uri: i.itemUri, name: i.itemName }))} />
      )}
      <ShareItems shareUri={uri} shareStatus={s} approver={approver} requester={requester} items={items} activity={history} canRevoke={approver || requester} canRemove={requester && (s === "Draft" || s === "Rejected")}
        busy={busy} onChanged={reload} />
      {requester && (s === "Draft" || s === "Rejected") && share.dataset && (
        <AddItems shareUri={uri} present={new Set(items.map((i) => i.itemUri))} onAdded={reload} />
      )}
      {(approver || s !== "Draft") && <SharePlan plan={share.plan} />}
      <ShareHistory activity={history} reject={share.rejectPurpose} />
      {share.canViewLogs && (
        <>
          <Typography variant="h6" component="h2" sx={{ mt: 2 }}>Processing log</Typography>
          {logs.data?.getShareLogs.length ? (
            <LogBox label="Processing log">
              {logs.data.getShareLogs.map((l, i) => <div key={i}><RelativeTime iso={l.timestamp} />: {l.message}</div>)}
            </LogBox>
          ) : <Empty>Nothing processed yet.</Empty>}
        </>
      )}
      <RejectDialog uri={uri} extension={rejecting === "extension"} open={!!rejecting} onClose={() => setRejecting(null)}
        onRejected={() => (setRejecting(null), reload())} />
      <ConfirmDialog open={deleting} title={`Delete the request for ${dataset}?`} confirm="Delete" busy={deleted.fetching} error={deleted.error}
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          const r = await del({ uri });
          if (r.error) return;
          notify(`The request for ${dataset} is deleted.`);
          navigate("/shares?tab=sent");
        }}>
        The request{items.length > 0 && <> and its {items.length === 1 ? "item" : `${items.length} items`} ({items.map((i) => i.itemName).join(", ")})</>} go away
        for both teams. Nothing is shared by it now, so nothing is revoked.
      </ConfirmDialog>
    </>
  );
}
