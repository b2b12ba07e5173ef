// Changing the period a pending request (or extension) asks for: the requesters while they
// write it, the approvers before they decide. The current expiry date moves only on approval.
import { Box, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, FormControlLabel, Stack } from "@mui/material";
import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { FormAlerts, useFieldErrors } from "../form";
import { notify } from "../Notices";
import { ExpiryBounds, UpdatePeriod } from "./queries";
import { PeriodField, periodProblem } from "./period";
import { periodWords } from "./words";

export function PeriodDialog({ shareUri, datasetUri, setting, current, onClose, onDone }: {
  shareUri: string; datasetUri: string; setting?: string | null; current?: number | null; onClose: () => void; onDone: () => void;
}) {
  const id = useId();
  const [{ data }] = useQuery({ query: ExpiryBounds, variables: { uri: datasetUri } });
  const b = data?.getDataset;
  const [period, setPeriod] = useState(current ? String(current) : "");
  const [forever, setForever] = useState(false);
  const [result, update] = useMutation(UpdatePeriod);
  const f = useFieldErrors(result.error, ["expiration"]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!f.check({ expiration: !forever && periodProblem(period, b?.expiryMinDuration, b?.expiryMaxDuration, setting) })) return;
    const r = await update({ uri: shareUri, expiration: forever ? null : Number(period), nonExpirable: forever });
    if (r.error) return;
    notify(forever ? "The request now asks for access that doesn't expire." : `The request now asks for ${periodWords(Number(period), setting)}.`);
    onDone();
  };
  return (
    <Dialog open onClose={onClose} fullWidth aria-labelledby={`${id}-title`}>
      <Box component="form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <DialogTitle id={`${id}-title`}>Change the period</DialogTitle>
        <DialogContent>
          <DialogContentText>The period counts from the approval.</DialogContentText>
          <Stack spacing={2} sx={{ mt: 2 }}>
            {!forever && <PeriodField value={period} onChange={setPeriod} setting={setting} min={b?.expiryMinDuration} max={b?.expiryMaxDuration}
              error={f.err("expiration")} onInput={f.field("expiration").onInput} />}
            <FormControlLabel control={<Checkbox checked={forever} onChange={(e) => setForever(e.target.checked)} />} label="Access that doesn't expire" />
            <FormAlerts errors={f.rest} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={result.fetching}>Save</Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}
