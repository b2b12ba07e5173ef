// "Request access" to a table, from its page and from its catalog hit: a dialog that creates the
// share request (a draft the requester then submits) and opens it.
import { Alert, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, Stack, TextField } from "@mui/material";
import { useId, useState } from "react";
import { useNavigate } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { graphql } from "../gql";
import type { DatasetRole } from "../gql/graphql";
import { FormAlerts, useFieldErrors } from "./form";
import { ExpiryBounds } from "./share/queries";
import { PeriodField, periodProblem } from "./share/period";
import { useTeamsThatMay } from "./environment/teams";

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
      alreadyExisted
      requestPurpose
    }
  }
`);

const UpdatePurpose = graphql(`
  mutation KeepRequestPurpose($uri: String!, $purpose: String) {
    updateShareRequestReason(shareUri: $uri, requestPurpose: $purpose)
  }
`);

const FIELDS = ["environmentUri", "groupUri", "principalId", "requestPurpose", "shareExpirationPeriod"];

export function RequestAccess({ datasetUri, itemUri, itemType, itemName }: { datasetUri: string; itemUri: string; itemType: string; itemName?: string }) {
  const { user } = useAuth();
  const navigate = useNavigate();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [envs] = useQuery({ query: RequestEnvironments, pause: !open });
  const [chosenEnv, setEnv] = useState("");
  const [bounds] = useQuery({ query: ExpiryBounds, variables: { uri: datasetUri }, pause: !open });
  const expiry = bounds.data?.getDataset;
  const [period, setPeriod] = useState("");
  const [forever, setForever] = useState(false);
  const [, keepPurpose] = useMutation(UpdatePurpose);
  const [chosenTeam, setTeam] = useState("");
  const [purpose, setPurpose] = useState("");
  const [result, create] = useMutation(CreateShare);
  const f = useFieldErrors(result.error, FIELDS);
  // The only environment is preselected.
  const nodes = envs.data?.listEnvironments.nodes ?? [];
  const env = chosenEnv || (nodes.length === 1 ? nodes[0].environmentUri : "");
  // Only the caller's teams that may request shares into that environment; the only one is
  // preselected. Until the environment's teams are known, the caller's teams are offered.
  const allowed = useTeamsThatMay(open ? env : "", "CREATE_SHARE_OBJECT");
  const teams = allowed ?? user?.groups ?? [];
  const team = teams.includes(chosenTeam) ? chosenTeam : teams.length === 1 ? teams[0] : "";
  const submit = async () => {
    const ok = f.check({
      environmentUri: !env && "Pick the environment the data is shared into.",
      groupUri: !team && "Pick the team the data is for.",
      requestPurpose: purpose.trim().length > 2000 && "At most 2,000 characters.",
      shareExpirationPeriod: !!expiry?.enableExpiration && !forever
        && periodProblem(period, expiry.expiryMinDuration, expiry.expiryMaxDuration, expiry.expirySetting),
    });
    if (!ok) return;
    const r = await create({
      datasetUri, itemUri, itemType,
      input: { environmentUri: env, groupUri: team, principalId: team, principalType: "Group", permissions: ["Read"], requestPurpose: purpose,
        ...(expiry?.enableExpiration ? (forever ? { nonExpirable: true } : { shareExpirationPeriod: Number(period) }) : {}) },
    });
    if (!r.data) return;
    const share = r.data.createShareObject;
    // The team's request for this dataset existed already: the new purpose replaces the old one,
    // which the request's history keeps.
    if (share.alreadyExisted && purpose.trim() && purpose.trim() !== share.requestPurpose) {
      await keepPurpose({ uri: share.shareUri, purpose: purpose.trim() });
    }
    navigate(`/shares/${share.shareUri}`, { state: share.alreadyExisted ? { existing: true, added: itemName } : undefined });
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
              error={!!(f.err("groupUri") || f.err("principalId"))}
              helperText={f.err("groupUri") || f.err("principalId") || (allowed?.length === 0 && "None of your teams may request shares into this environment.")}>
              {teams.length !== 1 && <option value="" />}
              {teams.map((g) => <option key={g} value={g}>{g}</option>)}
            </TextField>
            {expiry?.enableExpiration && (
              <>
                {!forever && <PeriodField value={period} onChange={setPeriod} setting={expiry.expirySetting} min={expiry.expiryMinDuration}
                  max={expiry.expiryMaxDuration} error={f.err("shareExpirationPeriod")} onInput={f.field("shareExpirationPeriod").onInput} />}
                <FormControlLabel control={<Checkbox checked={forever} onChange={(e) => setForever(e.target.checked)} />}
                  label="Ask for access that doesn't expire (the owners decide)" />
              </>
            )}
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
