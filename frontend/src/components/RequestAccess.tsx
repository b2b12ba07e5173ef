// "Request access" to a table, from its page and from its catalog hit: a dialog that creates the
// share request (a draft the requester then submits) and opens it.
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField } from "@mui/material";
import { useId, useState } from "react";
import { useNavigate } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { graphql } from "../gql";
import type { DatasetRole } from "../gql/graphql";
import { FormAlerts, useFieldErrors } from "./form";

/** Roles whose teams hold the dataset already: they have nothing to request. */
export function ownsDataset(role?: DatasetRole | null): boolean {
  return role === "Admin" || role === "Creator" || role === "DataSteward" || role === "BusinessOwner";
}

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

const FIELDS = ["environmentUri", "groupUri", "principalId", "requestPurpose"];

export function RequestAccess({ datasetUri, itemUri, itemType }: { datasetUri: string; itemUri: string; itemType: string }) {
  const { user } = useAuth();
  const navigate = useNavigate();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [envs] = useQuery({ query: RequestEnvironments, pause: !open });
  const [env, setEnv] = useState("");
  const [team, setTeam] = useState(user?.groups[0] ?? "");
  const [purpose, setPurpose] = useState("");
  const [result, create] = useMutation(CreateShare);
  const f = useFieldErrors(result.error, FIELDS);
  const nodes = envs.data?.listEnvironments.nodes ?? [];
  const submit = async () => {
    const ok = f.check({
      environmentUri: !env && "Pick the environment the data is shared into.",
      groupUri: !team && "Pick the team the data is for.",
      requestPurpose: purpose.trim().length > 2000 && "At most 2,000 characters.",
    });
    if (!ok) return;
    const r = await create({
      datasetUri, itemUri, itemType,
      input: { environmentUri: env, groupUri: team, principalId: team, principalType: "Group", permissions: ["Read"], requestPurpose: purpose },
    });
    if (r.data) navigate(`/shares/${r.data.createShareObject.shareUri}`);
  };
  return (
    <>
      <Button variant="contained" onClick={() => setOpen(true)}>Request access</Button>
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth aria-labelledby={`${id}-title`}>
        <DialogTitle id={`${id}-title`}>Request access</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            {envs.data && nodes.length === 0 && <Alert severity="info">Your team needs an environment to receive data: link one under Environments first.</Alert>}
            <TextField select label="Into environment" value={env} onChange={(e) => setEnv(e.target.value)} slotProps={{ select: { native: true } }} {...f.field("environmentUri")}>
              <option value="" />
              {nodes.map((n) => <option key={n.environmentUri} value={n.environmentUri}>{`${n.label} (${n.AwsAccountId} / ${n.region}, ${n.SamlGroupName})`}</option>)}
            </TextField>
            <TextField select label="For team" value={team} onChange={(e) => setTeam(e.target.value)} slotProps={{ select: { native: true } }}
              error={!!(f.err("groupUri") || f.err("principalId"))} helperText={f.err("groupUri") || f.err("principalId")}>
              {(user?.groups ?? []).map((g) => <option key={g} value={g}>{g}</option>)}
            </TextField>
            <TextField label="Purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} multiline {...f.field("requestPurpose")} />
            <FormAlerts errors={f.rest} />
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
