// Rejecting asks why, so the requesting team learns what to change before asking again. The
// same mutation rejects a pending extension (access then ends at the current expiry date).
import { Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from "@mui/material";
import { useId, useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { FormAlerts, useFieldErrors } from "../form";
import { notify } from "../Notices";
import { Reject } from "./queries";

export function RejectDialog({ uri, extension, open, onClose, onRejected }: {
  uri: string; extension?: boolean; open: boolean; onClose: () => void; onRejected: () => void;
}) {
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
    if (r.error) return;
    setReason("");
    notify(extension ? "Extension rejected: access ends on the current expiry date." : "Request rejected: the requesting team sees your reason.");
    onRejected();
  };
  return (
    <Dialog open={open} onClose={close} fullWidth aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`}>
      <Box component="form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <DialogTitle id={`${id}-title`}>{extension ? "Reject the extension" : "Reject the request"}</DialogTitle>
        <DialogContent>
          <DialogContentText id={`${id}-text`}>
            {extension
              ? "What is shared stays shared until the current expiry date, then ends. The requesting team sees your reason."
              : "Nothing is shared. The requesting team sees your reason and can submit the request again."}
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
