// An environment's consumption roles: IAM roles of its account that its teams bring to receive
// shares. Listed for the teams allowed to see them; added by a member of a team that may add
// them (the team picker offers only those), removed after a confirmation that says what stops.
import { Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Paper, Stack, TextField, Typography } from "@mui/material";
import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { useAuth } from "../../auth/AuthProvider";
import { graphql } from "../../gql";
import type { PolicyManagementOptions } from "../../gql/graphql";
import { Empty, Errors, Loading } from "../common";
import { ConfirmDialog, FormAlerts, useFieldErrors } from "../form";
import { notify } from "../Notices";
import { PagedTable } from "../PagedTable";
import { RelativeTime } from "../RelativeTime";

const PAGE = 20;
const ADD = "ADD_ENVIRONMENT_CONSUMPTION_ROLES";

const ConsumptionRoles = graphql(`
  query EnvironmentConsumptionRoles($uri: String!, $page: Int!, $pageSize: Int!, $me: String!) {
    listAllEnvironmentConsumptionPrincipals(environmentUri: $uri, filter: { page: $page, pageSize: $pageSize }) {
      count
      nodes {
        consumptionPrincipalUri
        consumptionPrincipalName
        groupUri
        IAMPrincipalArn
        dataallManaged
        created
      }
    }
    getGroupsForUser(userid: $me)
    listEnvironmentGroups(environmentUri: $uri, filter: { pageSize: 100 }) {
      nodes {
        groupUri
        environmentPermissions(environmentUri: $uri) {
          name
        }
      }
    }
  }
`);

const AddRole = graphql(`
  mutation AddConsumptionRole($input: AddConsumptionPrincipalToEnvironmentInput!) {
    addConsumptionPrincipalToEnvironment(input: $input) {
      consumptionPrincipalUri
    }
  }
`);

const RemoveRole = graphql(`
  mutation RemoveConsumptionRole($env: String!, $uri: String!) {
    removeConsumptionPrincipalFromEnvironment(environmentUri: $env, consumptionPrincipalUri: $uri)
  }
`);

const UpdateRole = graphql(`
  mutation UpdateConsumptionRole($env: String!, $uri: String!, $input: UpdateConsumptionPrincipalInput) {
    updateConsumptionPrincipal(environmentUri: $env, consumptionPrincipalUri: $uri, input: $input) {
      consumptionPrincipalUri
    }
  }
`);

const MANAGEMENT: { value: PolicyManagementOptions; label: string }[] = [
  { value: "FULLY_MANAGED", label: "Sluice attaches the share policies to the role" },
  { value: "PARTIALLY_MANAGED", label: "Sluice writes the share policies; the team attaches them" },
  { value: "EXTERNALLY_MANAGED", label: "The team maintains the role's policies itself" },
];
const managementWords = (m: string) => MANAGEMENT.find((o) => o.value === m)?.label ?? m;

function AddRoleForm({ envUri, account, teams, onAdded }: { envUri: string; account: string; teams: string[]; onAdded: () => void }) {
  const [name, setName] = useState("");
  // One team to choose from: it is chosen.
  const [team, setTeam] = useState(teams.length === 1 ? teams[0] : "");
  const [arn, setArn] = useState("");
  const [management, setManagement] = useState<PolicyManagementOptions>("FULLY_MANAGED");
  const [added, add] = useMutation(AddRole);
  const f = useFieldErrors(added.error, ["consumptionPrincipalName", "groupUri", "IAMPrincipalArn", "dataallManaged"]);
  const prefix = `arn:aws:iam::${account}:role/`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      consumptionPrincipalName: !name.trim() ? "Give the role a name people will recognise." : [...name.trim()].length > 255 && "At most 255 characters.",
      groupUri: !team && "Pick the team that owns the role.",
      IAMPrincipalArn: !arn.trim().startsWith(prefix) && `A role of this environment's account: ${prefix}<name>.`,
    });
    if (!ok) return;
    const input = { environmentUri: envUri, consumptionPrincipalName: name.trim(), groupUri: team, IAMPrincipalArn: arn.trim(), dataallManaged: management };
    const r = await add({ input });
    if (r.error) return;
    notify(`${input.consumptionPrincipalName} is added for ${team}: shares can now be requested for it.`);
    setName("");
    setArn("");
    onAdded();
  };
  return (
    <Paper component="form" variant="outlined" onSubmit={submit} noValidate sx={{ p: 2, mt: 2 }} aria-label="Add consumption role">
      <Typography variant="h6" component="h2">Add a consumption role</Typography>
      <Stack spacing={2} sx={{ mt: 1, maxWidth: 560 }}>
        <TextField size="small" label="Name" value={name} onChange={(e) => setName(e.target.value)} {...f.field("consumptionPrincipalName")} />
        <TextField select size="small" label="Team" value={team} onChange={(e) => setTeam(e.target.value)} slotProps={{ select: { native: true } }}
          {...f.field("groupUri", "Your teams here that may add roles.")}>
          {teams.length !== 1 && <option value="" />}
          {teams.map((t) => <option key={t} value={t}>{t}</option>)}
        </TextField>
        <TextField size="small" label="IAM role ARN" value={arn} onChange={(e) => setArn(e.target.value)} placeholder={`${prefix}analysts`} autoComplete="off"
          {...f.field("IAMPrincipalArn", "The role must already exist in the account.")} />
        <TextField select size="small" label="Policies" value={management} onChange={(e) => setManagement(e.target.value as PolicyManagementOptions)}
          slotProps={{ select: { native: true } }} {...f.field("dataallManaged")}>
          {MANAGEMENT.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}
        </TextField>
        <FormAlerts errors={f.rest} />
        <Box><Button type="submit" variant="contained" disabled={added.fetching}>Add role</Button></Box>
      </Stack>
    </Paper>
  );
}

type Role = { consumptionPrincipalUri: string; consumptionPrincipalName: string; groupUri: string; dataallManaged: PolicyManagementOptions };

// Renaming a role, moving it to another of the caller's teams, or changing who keeps its
// policies. A role that shares go to stays with its team: the server says so, here.
function EditRoleDialog({ envUri, role, teams, onSaved, onClose }: {
  envUri: string; role: Role; teams: string[]; onSaved: () => void; onClose: () => void;
}) {
  const id = useId();
  const [name, setName] = useState(role.consumptionPrincipalName);
  const [team, setTeam] = useState(role.groupUri);
  const [management, setManagement] = useState<PolicyManagementOptions>(role.dataallManaged);
  const [saved, save] = useMutation(UpdateRole);
  const f = useFieldErrors(saved.error, ["consumptionPrincipalName", "groupUri", "dataallManaged"]);
  const choices = teams.includes(role.groupUri) ? teams : [role.groupUri, ...teams];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!f.check({ consumptionPrincipalName: !name.trim() ? "Give the role a name people will recognise." : [...name.trim()].length > 255 && "At most 255 characters." })) return;
    const input = {
      consumptionPrincipalName: name.trim(),
      groupUri: team === role.groupUri ? null : team,
      dataallManaged: management,
    };
    const r = await save({ env: envUri, uri: role.consumptionPrincipalUri, input });
    if (r.error) return;
    notify(`${input.consumptionPrincipalName} is saved.`);
    onSaved();
    onClose();
  };
  return (
    <Dialog open onClose={onClose} fullWidth aria-labelledby={`${id}-title`}>
      <Box component="form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <DialogTitle id={`${id}-title`}>Edit {role.consumptionPrincipalName}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} {...f.field("consumptionPrincipalName")} />
            <TextField select label="Team" value={team} onChange={(e) => setTeam(e.target.value)} slotProps={{ select: { native: true } }}
              {...f.field("groupUri", "A role that shares go to stays with the team that asked for them.")}>
              {choices.map((t) => <option key={t} value={t}>{t}</option>)}
            </TextField>
            <TextField select label="Policies" value={management} onChange={(e) => setManagement(e.target.value as PolicyManagementOptions)}
              slotProps={{ select: { native: true } }} {...f.field("dataallManaged")}>
              {MANAGEMENT.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}
            </TextField>
            <FormAlerts errors={f.rest} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={saved.fetching}>Save</Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}

export function ConsumptionRolesTab({ env }: { env: { environmentUri: string; label: string; AwsAccountId?: string | null } }) {
  const { user } = useAuth();
  const uri = env.environmentUri;
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ConsumptionRoles,
    variables: { uri, page, pageSize: PAGE, me: user?.username ?? "" },
  });
  const [removed, remove] = useMutation(RemoveRole);
  const [removing, setRemoving] = useState<{ uri: string; name: string; team: string } | null>(null);
  const [editing, setEditing] = useState<Role | null>(null);
  if (fetching && !data) return <Loading />;
  if (!data) return <Errors error={error} />;
  const reload = () => refetch({ requestPolicy: "network-only" });
  const mine = new Set(data.getGroupsForUser);
  // The caller's teams here whose permissions let them add (and so remove) roles.
  const adders = data.listEnvironmentGroups.nodes
    .filter((g) => mine.has(g.groupUri) && g.environmentPermissions.some((p) => p.name === ADD))
    .map((g) => g.groupUri);
  const list = data.listAllEnvironmentConsumptionPrincipals;
  return (
    <>
      <Typography sx={{ mb: 2 }}>
        A team can ask for shares into one of its own IAM roles in account {env.AwsAccountId ?? "—"} instead of the role Sluice made for it.
      </Typography>
      {list.count === 0 && <Empty>No consumption role yet.</Empty>}
      {list.count > 0 && (
        <PagedTable label="Consumption roles" rows={list.nodes} count={list.count} page={page} pageSize={PAGE} onPage={setPage}
          rowKey={(r) => r.consumptionPrincipalUri}
          columns={[
            { label: "Name", render: (r) => r.consumptionPrincipalName },
            { label: "Team", render: (r) => r.groupUri },
            { label: "IAM role", render: (r) => <Box component="code" sx={{ display: "inline-block", minWidth: { sm: "14rem" }, overflowWrap: "anywhere" }}>{r.IAMPrincipalArn}</Box> },
            { label: "Policies", render: (r) => <Box sx={{ minWidth: { sm: "10rem" } }}>{managementWords(r.dataallManaged)}</Box> },
            { label: "Added", render: (r) => <RelativeTime iso={r.created} /> },
            { label: "Actions", render: (r) => adders.includes(r.groupUri) && (
              <Box sx={{ display: "flex", flexWrap: "wrap", gap: 1 }}>
                <Button size="small" aria-label={`Edit ${r.consumptionPrincipalName}`} onClick={() => setEditing(r)}>Edit</Button>
                <Button size="small" color="error" aria-label={`Remove ${r.consumptionPrincipalName}`}
                  onClick={() => setRemoving({ uri: r.consumptionPrincipalUri, name: r.consumptionPrincipalName, team: r.groupUri })}>Remove</Button>
              </Box>
            ) },
          ]} />
      )}
      {editing && <EditRoleDialog envUri={uri} role={editing} teams={adders} onSaved={reload} onClose={() => setEditing(null)} />}
      {adders.length > 0 && <AddRoleForm envUri={uri} account={env.AwsAccountId ?? ""} teams={adders} onAdded={reload} />}
      <ConfirmDialog open={!!removing} title={`Remove ${removing?.name ?? ""} from ${env.label}?`} confirm="Remove" busy={removed.fetching}
        error={removed.error} onClose={() => setRemoving(null)}
        onConfirm={async () => {
          if (!removing) return;
          const r = await remove({ env: uri, uri: removing.uri });
          if (!r.error) (notify(`${removing.name} is removed from ${env.label}.`), setRemoving(null), reload());
        }}>
        {removing?.team} can no longer ask for shares into this role. The role itself stays in AWS. A role that
        shares go to can't be removed: revoke and delete those shares first.
      </ConfirmDialog>
    </>
  );
}
