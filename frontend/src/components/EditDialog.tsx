// Renaming and describing something (a folder, a table): a small dialog with a name and a
// description, checked before sending, the server's field errors by their fields.
import { Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField } from "@mui/material";
import { useId, useState, type FormEvent } from "react";
import type { CombinedError } from "urql";
import { FormAlerts, useFieldErrors } from "./form";

export function EditDialog({ title, initial, busy, error, onSave, onClose }: {
  title: string;
  initial: { label: string; description?: string | null };
  busy: boolean;
  error?: CombinedError;
  /** Resolves true when saved. */
  onSave: (values: { label: string; description: string }) => Promise<boolean>;
  onClose: () => void;
}) {
  const id = useId();
  const [label, setLabel] = useState(initial.label);
  const [description, setDescription] = useState(initial.description ?? "");
  const f = useFieldErrors(error, ["label", "description"]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!f.check({ label: !label.trim() ? "Give it a name." : [...label.trim()].length > 255 && "At most 255 characters." })) return;
    if (await onSave({ label: label.trim(), description })) onClose();
  };
  return (
    <Dialog open onClose={onClose} fullWidth aria-labelledby={`${id}-title`}>
      <Box component="form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <DialogTitle id={`${id}-title`}>{title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} {...f.field("label")} />
            <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline {...f.field("description")} />
            <FormAlerts errors={f.rest} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy}>Save</Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}
