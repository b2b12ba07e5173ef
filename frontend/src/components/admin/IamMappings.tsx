// IAM principal mappings: which AWS roles and users sign in to the API as which user, in which
// teams. Listed, made and changed in one dialog; removal asks first, since the principals it
// maps can no longer call Sluice.
import {
  Autocomplete, Box, Button, Checkbox, Chip, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, Stack, TextField,
  Typography,
} from "@mui/material";
import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { Empty, Errors, Loading } from "../common";
import { ConfirmDialog, FormAlerts, groupProblem, useFieldErrors } from "../form";
import { notify } from "../Notices";
import { PagedTable } from "../PagedTable";
import { RelativeTime } from "../RelativeTime";

const Mappings = graphql(`
  query IamPrincipalMappings {
    listIamPrincipalMappings {
      mappingUri
      arnPattern
      username
      groups
      allowSessionName
      createdBy
      updated
    }
    listTenantGroups(filter: { pageSize: 100 }) {
      nodes {
        groupUri
      }
    }
  }
`);

const Create = graphql(`
  mutation CreateIamPrincipalMapping($input: IamPrincipalMappingInput!) {
    createIamPrincipalMapping(input: $input) {
      mappingUri
    }
  }
`);

const Update = graphql(`
  mutation UpdateIamPrincipalMapping($uri: String!, $input: IamPrincipalMappingInput!) {
    updateIamPrincipalMapping(mappingUri: $uri, input: $input) {
      mappingUri
    }
  }
`);

const Delete = graphql(`
  mutation DeleteIamPrincipalMapping($uri: String!) {
    deleteIamPrincipalMapping(mappingUri: $uri)
  }
`);

interface Mapping {
  mappingUri: string;
  arnPattern: string;
  username: string;
  groups: string[];
  allowSessionName: boolean;
}

/** Make (no `mapping`) or change one mapping. The teams come from those Sluice knows (signed in
 * or given tenant permissions); a team that has not signed in yet can be typed. */
function MappingDialog({ mapping, knownTeams, onClose, onSaved }: {
  mapping?: Mapping;
  knownTeams: string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const id = useId();
  const [arn, setArn] = useState(mapping?.arnPattern ?? "");
  const [username, setUsername] = useState(mapping?.username ?? "");
  const [chosen, setGroups] = useState<string[]>(mapping?.groups ?? []);
  // A team typed but not yet entered counts too: the Save button is what the user pressed.
  const [typed, setTyped] = useState("");
  const groups = typed.trim() && !chosen.includes(typed.trim()) ? [...chosen, typed.trim()] : chosen;
  const [session, setSession] = useState(mapping?.allowSessionName ?? false);
  const [created, create] = useMutation(Create);
  const [updated, update] = useMutation(Update);
  const result = mapping ? updated : created;
  const f = useFieldErrors(result.error, ["arnPattern", "username", "groups", "allowSessionName"]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      // The API says what else is wrong with one (one named account, where `*` may go).
      arnPattern: !arn.trim().startsWith("arn:") && "An IAM or STS ARN in one account, like arn:aws:iam::123456789012:role/analysts.",
      username: !username.trim() && "Name the user these principals act as.",
      groups: groups.length === 0 ? "Pick at least one team." : groups.map(groupProblem).find(Boolean),
    });
    if (!ok) return;
    const input = { arnPattern: arn.trim(), username: username.trim(), groups, allowSessionName: session };
    const r = mapping ? await update({ uri: mapping.mappingUri, input }) : await create({ input });
    if (r.error) return;
    notify(mapping ? `Saved: ${input.arnPattern} now acts as ${input.username}.` : `${input.arnPattern} now signs in as ${input.username}.`);
    onSaved();
    onClose();
  };
  return (
    <Dialog open onClose={onClose} fullWidth aria-labelledby={`${id}-title`}>
      <Box component="form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <DialogTitle id={`${id}-title`}>{mapping ? "Change IAM mapping" : "Map an IAM principal"}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            <TextField label="IAM ARN" value={arn} onChange={(e) => setArn(e.target.value)} autoComplete="off"
              {...f.field("arnPattern", "A role's ARN also matches its sessions; * matches any run of characters.")} />
            <TextField label="Acts as user" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off"
              {...f.field("username", "May hold {{AccountID}}, filled from the caller's ARN.")} />
            <Autocomplete multiple freeSolo options={knownTeams} value={chosen} onChange={(_, v) => setGroups(v.map((g) => g.trim()).filter(Boolean))}
              inputValue={typed} onInputChange={(_, v) => setTyped(v)}
              renderValue={(value, getItemProps) => value.map((g, i) => {
                const { key, ...rest } = getItemProps({ index: i });
                return <Chip key={key} size="small" label={g} {...rest} />;
              })}
              renderInput={(params) => (
                <TextField {...params} label="In teams" {...f.field("groups", "Pick from the teams Sluice knows, or type one and press Enter.")} />
              )} />
            <FormControlLabel label="Let the role session name fill {{SessionName}} (the caller chooses it: for audit trails, not trust)"
              control={<Checkbox checked={session} onChange={(e) => setSession(e.target.checked)} />} />
            <FormAlerts errors={f.rest} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={result.fetching}>{mapping ? "Save" : "Map"}</Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}

export function IamMappingsTab() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: Mappings });
  const [editing, setEditing] = useState<Mapping | "new" | null>(null);
  const [removing, setRemoving] = useState<Mapping | null>(null);
  const [deleted, remove] = useMutation(Delete);
  if (fetching && !data) return <Loading />;
  if (!data) return <Errors error={error} />;
  const reload = () => refetch({ requestPolicy: "network-only" });
  const mappings = data.listIamPrincipalMappings;
  const knownTeams = data.listTenantGroups.nodes.map((g) => g.groupUri);
  return (
    <>
      <Box sx={{ display: "flex", flexWrap: "wrap", gap: 2, alignItems: "center", mb: 2 }}>
        <Typography sx={{ flex: "1 1 20rem" }}>
          Scripts and services in AWS call Sluice with their IAM credentials (SigV4). A mapping says which of them may, and as
          which user in which teams.
        </Typography>
        <Button variant="contained" onClick={() => setEditing("new")}>Map an IAM principal</Button>
      </Box>
      {mappings.length === 0 ? (
        <Empty>No IAM principal may call Sluice yet.</Empty>
      ) : (
        <PagedTable label="IAM mappings" rows={mappings} count={mappings.length} page={1} pageSize={mappings.length} onPage={() => undefined}
          rowKey={(m) => m.mappingUri}
          columns={[
            { label: "IAM ARN", render: (m) => <Box component="code" sx={{ display: "inline-block", minWidth: { sm: "14rem" }, overflowWrap: "anywhere" }}>{m.arnPattern}</Box> },
            { label: "Acts as", render: (m) => m.username + (m.allowSessionName ? " (session name allowed)" : "") },
            { label: "In teams", render: (m) => m.groups.join(", ") },
            { label: "Changed", render: (m) => <>by {m.createdBy}, <RelativeTime iso={m.updated} /></> },
            { label: "Actions", render: (m) => (
              <Stack direction="row" spacing={1}>
                <Button size="small" onClick={() => setEditing(m)} aria-label={`Change ${m.arnPattern}`}>Change</Button>
                <Button size="small" color="error" onClick={() => setRemoving(m)} aria-label={`Remove ${m.arnPattern}`}>Remove</Button>
              </Stack>
            ) },
          ]} />
      )}
      {editing && (
        <MappingDialog mapping={editing === "new" ? undefined : editing} knownTeams={knownTeams} onClose={() => setEditing(null)} onSaved={reload} />
      )}
      <ConfirmDialog open={!!removing} title={`Remove the mapping of ${removing?.arnPattern ?? ""}?`} confirm="Remove" busy={deleted.fetching}
        error={deleted.error} onClose={() => setRemoving(null)}
        onConfirm={async () => {
          if (!removing) return;
          const r = await remove({ uri: removing.mappingUri });
          if (!r.error) (notify(`${removing.arnPattern} can no longer call Sluice.`), setRemoving(null), reload());
        }}>
        Principals matching it can no longer call Sluice as {removing?.username}, from their next request on. What they made stays.
      </ConfirmDialog>
    </>
  );
}
