// A folder has no page of its own: its readers open in a dialog from its row.
import { Button, Dialog, DialogActions, DialogContent, DialogTitle } from "@mui/material";
import { useState } from "react";
import { EffectiveAccess } from "./EffectiveAccess";

export function FolderAccess({ locationUri, label }: { locationUri: string; label: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" aria-label={`Access to ${label}`} onClick={() => setOpen(true)}>Access</Button>
      <Dialog open={open} onClose={() => setOpen(false)} maxWidth="lg" fullWidth aria-labelledby={`access-${locationUri}`}>
        <DialogTitle id={`access-${locationUri}`}>Who reads folder {label}</DialogTitle>
        <DialogContent>{open && <EffectiveAccess targetUri={locationUri} targetType="DatasetStorageLocation" />}</DialogContent>
        <DialogActions><Button onClick={() => setOpen(false)}>Close</Button></DialogActions>
      </Dialog>
    </>
  );
}
