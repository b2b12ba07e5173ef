// Expiry on datasets that want it: when access ends, the extension the requesters ask for
// (a dialog: how long and why), and the approvers' answer.
import { Alert, Box, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, FormControlLabel, Stack, TextField, Typography } from "@mui/material";
import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { ConfirmDialog, FormAlerts, useFieldErrors } from "../form";
import { notify } from "../Notices";
import { RelativeTime } from "../RelativeTime";
import { Errors } from "../common";
import { ApproveExtension, CancelExtension, ExpiryBounds, SubmitExtension } from "./queries";
import { periodWords } from "./words";
import { PeriodField, periodProblem } from "./period";
import { PeriodDialog } from "./PeriodDialog";

export interface ExpiryShare {
  shareUri: string;
  status?: string | null;
  expiryDate?: string | null;
  requestedExpiryDate?: string | null;
  submittedForExtension: boolean;
  extensionReason?: string | null;
  nonExpirable: boolean;
  shareExpirationPeriod?: number | null;
  dataset?: { datasetUri: string; enableExpiration: boolean; expirySetting?: string | null } | null;
}

function ExtensionDialog({ share, open, onClose, onDone }: { share: ExpiryShare; open: boolean; onClose: () => void; onDone: () => void }) {
  const id = useId();
  const [{ data }] = useQuery({ query: ExpiryBounds, variables: { uri: share.dataset?.datasetUri ?? "" }, pause: !open || !share.dataset });
  const b = data?.getDataset;
  const setting = share.dataset?.expirySetting;
  const [period, setPeriod] = useState("");
  const [forever, setForever] = useState(false);
  const [reason, setReason] = useState("");
  const [result, submit] = useMutation(SubmitExtension);
  const f = useFieldErrors(result.error, ["expiration", "extensionReason"]);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      expiration: !forever && periodProblem(period, b?.expiryMinDuration, b?.expiryMaxDuration, setting),
      extensionReason: !reason.trim() ? "Say why the team needs the data for longer." : reason.length > 2000 && "At most 2,000 characters.",
    });
    if (!ok) return;
    const r = await submit({ uri: share.shareUri, expiration: forever ? null : Number(period), reason: reason.trim(), nonExpirable: forever });
    if (r.error) return;
    notify("Extension asked: the dataset's owners decide.");
    onDone();
  };
  return (
    <Dialog open={open} onClose={onClose} fullWidth aria-labelledby={`${id}-title`}>
      <Box component="form" onSubmit={send} noValidate aria-labelledby={`${id}-title`}>
        <DialogTitle id={`${id}-title`}>Ask for an extension</DialogTitle>
        <DialogContent>
          <DialogContentText>
            Access stays as it is while the owners decide{share.expiryDate && <>; without an extension it ends <RelativeTime iso={share.expiryDate} /></>}.
          </DialogContentText>
          <Stack spacing={2} sx={{ mt: 2 }}>
            {!forever && <PeriodField value={period} onChange={setPeriod} setting={setting} min={b?.expiryMinDuration} max={b?.expiryMaxDuration}
              error={f.err("expiration")} onInput={f.field("expiration").onInput} />}
            <FormControlLabel control={<Checkbox checked={forever} onChange={(e) => setForever(e.target.checked)} />} label="Ask for access that doesn't expire" />
            <TextField required multiline minRows={2} label="Why" value={reason} onChange={(e) => setReason(e.target.value)} {...f.field("extensionReason")} />
            <FormAlerts errors={f.rest} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={result.fetching}>Ask</Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}

export function ShareExpiry({ share, requester, approver, onReject, onChanged }: {
  share: ExpiryShare; requester: boolean; approver: boolean; onReject: () => void; onChanged: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const [changing, setChanging] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [approved, approve] = useMutation(ApproveExtension);
  const [cancelled, cancel] = useMutation(CancelExtension);
  if (!share.dataset?.enableExpiration) return null;
  const setting = share.dataset.expirySetting;
  const shared = share.status === "Processed" || share.status === "Extension_Rejected";
  return (
    <Box sx={{ mt: 1 }} aria-label="Expiry">
      <Typography>
        {share.expiryDate ? <>Access ends <RelativeTime iso={share.expiryDate} /> unless extended.</>
          : share.nonExpirable ? "Access doesn't expire."
          : share.shareExpirationPeriod ? `Access is asked for ${periodWords(share.shareExpirationPeriod, setting)}; it counts from the approval.`
          : "This dataset's shares expire: the request says for how long."}
      </Typography>
      {share.submittedForExtension && (
        <Alert severity="info" sx={{ mt: 1 }} aria-label="Extension">
          An extension is asked{share.nonExpirable ? " for access that doesn't expire" : share.shareExpirationPeriod ? ` for ${periodWords(share.shareExpirationPeriod, setting)}` : ""}
          {share.requestedExpiryDate && <> (until <RelativeTime iso={share.requestedExpiryDate} /> if approved today)</>}
          {share.extensionReason && <>: “{share.extensionReason}”</>}.
        </Alert>
      )}
      {share.submittedForExtension && (approver || requester) && (
          <Stack direction="row" spacing={1} sx={{ mt: 1 }} useFlexGap flexWrap="wrap" aria-label="Extension actions">
            {approver && <Button variant="contained" color="success" size="small" disabled={approved.fetching}
              onClick={async () => { const r = await approve({ uri: share.shareUri }); if (!r.error) (notify("Extension approved: the new expiry counts from today."), onChanged()); }}>
              Approve extension</Button>}
            {approver && <Button variant="outlined" color="error" size="small" onClick={onReject}>Reject extension</Button>}
            {requester && <Button variant="outlined" size="small" onClick={() => setCancelling(true)}>Withdraw extension</Button>}
          </Stack>
      )}
      {((requester && (share.status === "Draft" || share.status === "Submitted")) || (approver && share.status === "Submitted")) && (
        <Button variant="outlined" size="small" sx={{ mt: 1 }} onClick={() => setChanging(true)}>Change the period</Button>
      )}
      {changing && share.dataset && (
        <PeriodDialog shareUri={share.shareUri} datasetUri={share.dataset.datasetUri} setting={setting} current={share.shareExpirationPeriod}
          onClose={() => setChanging(false)} onDone={() => (setChanging(false), onChanged())} />
      )}
      {requester && shared && !share.submittedForExtension && !!share.expiryDate && (
        <Button variant="outlined" sx={{ mt: 1 }} onClick={() => setAsking(true)}>Ask for an extension</Button>
      )}
      <Errors error={approved.error} />
      {asking && <ExtensionDialog share={share} open={asking} onClose={() => setAsking(false)} onDone={() => (setAsking(false), onChanged())} />}
      <ConfirmDialog open={cancelling} title="Withdraw the extension?" confirm="Withdraw" color="warning" busy={cancelled.fetching} error={cancelled.error}
        onClose={() => setCancelling(false)}
        onConfirm={async () => { const r = await cancel({ uri: share.shareUri }); if (!r.error) (setCancelling(false), notify("Extension withdrawn."), onChanged()); }}>
        The owners no longer see it. {share.expiryDate ? "Access still ends on the current expiry date." : ""}
      </ConfirmDialog>
    </Box>
  );
}
