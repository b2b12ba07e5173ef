// Editing a dataset (name, description, topics, tags, confidentiality, stewards, expiry) and
// deleting it, with the choice the API offers: keep its AWS resources, or delete its stack too.
import { Box, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, Stack, TextField } from "@mui/material";
import { useId, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { useMutation } from "urql";
import { DETAIL_FIELDS, useDatasetDetails, type DetailsInitial } from "../components/DatasetDetails";
import { ConfirmDialog, FormAlerts, useFieldErrors } from "../components/form";
import { notify } from "../components/Notices";
import { EditDialog } from "../components/EditDialog";
import { graphql } from "../gql";

const UpdateDataset = graphql(`
  mutation UpdateDataset($uri: String, $input: ModifyDatasetInput) {
    updateDataset(datasetUri: $uri, input: $input) {
      datasetUri
      label
    }
  }
`);

const DeleteDataset = graphql(`
  mutation DeleteDataset($uri: String!, $deleteFromAWS: Boolean) {
    deleteDataset(datasetUri: $uri, deleteFromAWS: $deleteFromAWS)
  }
`);

export interface EditableDataset extends DetailsInitial {
  datasetUri: string;
  label: string;
  description?: string | null;
  imported: boolean;
  environment?: { environmentUri: string } | null;
}

function EditDatasetDialog({ ds, onClose, onSaved }: { ds: EditableDataset; onClose: () => void; onSaved: () => void }) {
  const id = useId();
  const [label, setLabel] = useState(ds.label);
  const [description, setDescription] = useState(ds.description ?? "");
  const details = useDatasetDetails(ds, ds.environment?.environmentUri ?? "");
  const [result, update] = useMutation(UpdateDataset);
  const f = useFieldErrors(result.error, ["label", "description", ...DETAIL_FIELDS]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      label: !label.trim() ? "Give the dataset a name." : [...label.trim()].length > 255 && "At most 255 characters.",
      ...details.checks,
    });
    if (!ok) return;
    const r = await update({ uri: ds.datasetUri, input: { label: label.trim(), description, ...details.values } });
    if (r.error) return;
    notify(`${label.trim()} is saved.`);
    onSaved();
  };
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="md" aria-labelledby={`${id}-title`}>
      <Box component="form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <DialogTitle id={`${id}-title`}>Edit dataset</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} {...f.field("label")} />
            <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline {...f.field("description")} />
            {details.render(f)}
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

export function DatasetActions({ ds, onSaved }: { ds: EditableDataset; onSaved: () => void }) {
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [fromAws, setFromAws] = useState(false);
  const [deleted, del] = useMutation(DeleteDataset);
  return (
    <>
      <Button variant="outlined" onClick={() => setEditing(true)}>Edit</Button>
      <Button variant="outlined" color="error" onClick={() => setDeleting(true)}>Delete</Button>
      {editing && <EditDatasetDialog ds={ds} onClose={() => setEditing(false)} onSaved={() => (setEditing(false), onSaved())} />}
      <ConfirmDialog open={deleting} title={`Delete ${ds.label}?`} confirm="Delete" busy={deleted.fetching} error={deleted.error}
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          const r = await del({ uri: ds.datasetUri, deleteFromAWS: !ds.imported && fromAws });
          if (r.error) return;
          notify(!ds.imported && fromAws ? `${ds.label} is deleted; its stack is being deleted in AWS.` : `${ds.label} is deleted from Sluice; its data stays in AWS.`);
          navigate("/datasets");
        }}>
        {ds.label}, its tables, folders and terms leave Sluice and the catalog. Shares with something shared must be revoked first.
        {ds.imported ? (
          <> It was imported: its bucket, Glue database and key stay in AWS as they are.</>
        ) : (
          <FormControlLabel sx={{ display: "flex", mt: 1 }} label="Also delete its stack in AWS: the bucket, the key and the Glue database, with the data in them"
            control={<Checkbox checked={fromAws} onChange={(e) => setFromAws(e.target.checked)} />} />
        )}
        {!ds.imported && !fromAws && <> Without that, the bucket, key and Glue database stay in AWS.</>}
      </ConfirmDialog>
    </>
  );
}

const UpdateTable = graphql(`
  mutation UpdateDatasetTable($uri: String, $input: ModifyDatasetTableInput) {
    updateDatasetTable(tableUri: $uri, input: $input) {
      tableUri
    }
  }
`);

const DeleteTable = graphql(`
  mutation DeleteDatasetTable($uri: String!) {
    deleteDatasetTable(tableUri: $uri)
  }
`);

/** A table's name and description; removing it from Sluice (Glue keeps it). */
export function TableActions({ table, onSaved }: {
  table: { tableUri: string; label: string; name: string; description?: string | null; datasetUri: string };
  onSaved: () => void;
}) {
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [updated, update] = useMutation(UpdateTable);
  const [deleted, del] = useMutation(DeleteTable);
  return (
    <>
      <Button variant="outlined" onClick={() => setEditing(true)}>Edit</Button>
      <Button variant="outlined" color="error" onClick={() => setDeleting(true)}>Delete</Button>
      {editing && (
        <EditDialog title="Edit table" initial={table} busy={updated.fetching} error={updated.error} onClose={() => setEditing(false)}
          onSave={async (v) => {
            const r = await update({ uri: table.tableUri, input: v });
            if (r.error) return false;
            notify(`${v.label} is saved.`);
            onSaved();
            return true;
          }} />
      )}
      <ConfirmDialog open={deleting} title={`Remove ${table.label} from Sluice?`} confirm="Remove" busy={deleted.fetching} error={deleted.error}
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          const r = await del({ uri: table.tableUri });
          if (r.error) return;
          notify(`${table.label} is removed from Sluice; Glue keeps ${table.name}.`);
          navigate(`/datasets/${table.datasetUri}`);
        }}>
        {table.label} leaves Sluice and the catalog, with its column descriptions and terms. The Glue table {table.name} and its data stay;
        the dataset's next table sync brings it back.
      </ConfirmDialog>
    </>
  );
}
