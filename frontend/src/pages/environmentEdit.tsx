// Editing an environment's name and description, redeploying its stack, and deleting it (with
// or without its stack in AWS).
import { Box, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, Stack, TextField } from "@mui/material";
import { useId, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { useMutation } from "urql";
import { ConfirmDialog, FormAlerts, useFieldErrors } from "../components/form";
import { notify } from "../components/Notices";
import { Errors } from "../components/common";
import { graphql } from "../gql";

const UpdateEnvironment = graphql(`
  mutation UpdateEnvironment($uri: String!, $input: ModifyEnvironmentInput!) {
    updateEnvironment(environmentUri: $uri, input: $input) {
      environmentUri
      label
    }
  }
`);

const DeleteEnvironment = graphql(`
  mutation DeleteEnvironment($uri: String!, $deleteFromAWS: Boolean) {
    deleteEnvironment(environmentUri: $uri, deleteFromAWS: $deleteFromAWS)
  }
`);

const UpdateStack = graphql(`
  mutation RedeployEnvironmentStack($uri: String!) {
    updateStack(targetUri: $uri, targetType: "environment") {
      stackUri
      status
    }
  }
`);

interface Env { environmentUri: string; label: string; description?: string | null; AwsAccountId?: string | null; region: string }

function EditDialog({ env, onClose, onSaved }: { env: Env; onClose: () => void; onSaved: () => void }) {
  const id = useId();
  const [label, setLabel] = useState(env.label);
  const [description, setDescription] = useState(env.description ?? "");
  const [result, update] = useMutation(UpdateEnvironment);
  const f = useFieldErrors(result.error, ["label", "description"]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!f.check({ label: !label.trim() ? "Give the environment a name." : [...label.trim()].length > 255 && "At most 255 characters." })) return;
    const r = await update({ uri: env.environmentUri, input: { label: label.trim(), description } });
    if (r.error) return;
    notify(`${label.trim()} is saved.`);
    onSaved();
  };
  return (
    <Dialog open onClose={onClose} fullWidth aria-labelledby={`${id}-title`}>
      <Box component="form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <DialogTitle id={`${id}-title`}>Edit environment</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} {...f.field("label")} />
            <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline {...f.field("description")} />
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

export function EnvironmentActions({ env, canDelete, onChanged }: { env: Env; canDelete: boolean; onChanged: () => void }) {
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [fromAws, setFromAws] = useState(false);
  const [deleted, del] = useMutation(DeleteEnvironment);
  const [redeployed, redeploy] = useMutation(UpdateStack);
  return (
    <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap">
      <Button variant="outlined" onClick={() => setEditing(true)}>Edit</Button>
      <Button variant="outlined" disabled={redeployed.fetching}
        onClick={async () => { const r = await redeploy({ uri: env.environmentUri }); if (!r.error) (notify("The stack is being deployed again."), onChanged()); }}>
        Update stack
      </Button>
      {canDelete && <Button variant="outlined" color="error" onClick={() => setDeleting(true)}>Delete</Button>}
      {editing && <EditDialog env={env} onClose={() => setEditing(false)} onSaved={() => (setEditing(false), onChanged())} />}
      <Errors error={redeployed.error} />
      <ConfirmDialog open={deleting} title={`Delete ${env.label}?`} confirm="Delete" busy={deleted.fetching} error={deleted.error}
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          const r = await del({ uri: env.environmentUri, deleteFromAWS: fromAws });
          if (r.error) return;
          notify(fromAws ? `${env.label} is deleted; its stack is being deleted in AWS.` : `${env.label} is deleted from Sluice; its stack stays in AWS.`);
          navigate("/environments");
        }}>
        Sluice forgets the account {env.AwsAccountId} / {env.region} and its teams' rights there. An environment that still holds datasets
        can't be deleted: delete them first.
        <FormControlLabel sx={{ display: "flex", mt: 1 }} label="Also delete its stack in AWS (the teams' IAM roles go with it)"
          control={<Checkbox checked={fromAws} onChange={(e) => setFromAws(e.target.checked)} />} />
      </ConfirmDialog>
    </Stack>
  );
}
