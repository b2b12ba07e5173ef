// Organizations: list (archived ones on request) and create; an organization's page with its
// environments and teams, and the actions the user's teams hold there: link, invite, remove,
// edit, archive, and (for its admins) its webhooks.
import { Autocomplete, Box, Button, Chip, FormControlLabel, Link, Paper, Stack, Switch, TextField, Typography } from "@mui/material";
import { useState, type FormEvent } from "react";
import { Link as RouterLink, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { PagedTable } from "../components/PagedTable";
import { Empty, Errors, Loading, PageTitle } from "../components/common";
import { ConfirmDialog, FormAlerts, groupProblem, useFieldErrors } from "../components/form";
import { graphql } from "../gql";
import { EditOrganization, useOrganizationPermissions } from "./organizationEdit";
import { notify } from "../components/Notices";
import { EventSubscriptions } from "../components/EventSubscriptions";

const PAGE = 10;

const ListOrganizations = graphql(`
  query ListOrganizations($filter: OrganizationFilter) {
    listOrganizations(filter: $filter) {
      count
      page
      nodes {
        organizationUri
        label
        SamlGroupName
        userRoleInOrganization
        archived
        stats {
          environments
          groups
        }
      }
    }
  }
`);

const CreateOrganization = graphql(`
  mutation CreateOrganization($input: NewOrganizationInput) {
    createOrganization(input: $input) {
      organizationUri
    }
  }
`);

export function OrganizationsPage() {
  const [page, setPage] = useState(1);
  const [archived, setArchived] = useState(false);
  const [creating, setCreating] = useState(false);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ListOrganizations,
    variables: { filter: { page, pageSize: PAGE, displayArchived: archived } },
  });
  const list = data?.listOrganizations;
  return (
    <>
      <PageTitle actions={
        <>
          <FormControlLabel control={<Switch checked={archived} onChange={(e) => (setArchived(e.target.checked), setPage(1))} />} label="Show archived" />
          <Button variant="contained" onClick={() => setCreating(true)}>Create organization</Button>
        </>}>
        Organizations
      </PageTitle>
      {creating && <CreateOrganizationForm onDone={() => (setCreating(false), refetch({ requestPolicy: "network-only" }))} />}
      <Errors error={error} />
      {fetching && !list && <Loading />}
      {list && list.count === 0 && (
        <Empty>You are in no organization yet. Create one for your team, or ask an organization's admins to invite your team.</Empty>
      )}
      {list && list.count > 0 && (
        <PagedTable
          label="Organizations"
          rows={list.nodes}
          count={list.count}
          page={page}
          pageSize={PAGE}
          onPage={setPage}
          rowKey={(o) => o.organizationUri}
          columns={[
            {
              label: "Name",
              render: (o) => (
                <>
                  <Link component={RouterLink} to={`/organizations/${o.organizationUri}`}>{o.label}</Link>
                  {o.archived && <Chip size="small" label="archived" sx={{ ml: 1 }} />}
                </>
              ),
            },
            { label: "Admin team", render: (o) => o.SamlGroupName },
            { label: "Your role", render: (o) => o.userRoleInOrganization },
            { label: "Environments", render: (o) => o.stats.environments },
            { label: "Teams", render: (o) => o.stats.groups },
          ]}
        />
      )}
    </>
  );
}

const CREATE_FIELDS = ["label", "SamlGroupName", "description"];

function CreateOrganizationForm({ onDone }: { onDone: () => void }) {
  const { user } = useAuth();
  const [label, setLabel] = useState("");
  const [team, setTeam] = useState(user?.groups[0] ?? "");
  const [description, setDescription] = useState("");
  const [result, create] = useMutation(CreateOrganization);
  const f = useFieldErrors(result.error, CREATE_FIELDS);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      label: !label.trim() ? "Give the organization a name." : [...label.trim()].length > 255 && "At most 255 characters.",
      SamlGroupName: !team && "Pick the team that will administer it.",
    });
    if (!ok) return;
    const r = await create({ input: { label: label.trim(), SamlGroupName: team, description } });
    if (!r.error) (notify(`${label.trim()} is created: open it to link an environment.`), onDone());
  };
  return (
    <Paper component="form" onSubmit={submit} noValidate sx={{ p: 2, mb: 2 }} aria-label="Create organization">
      <Stack spacing={2}>
        <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} required {...f.field("label")} />
        <TextField select label="Admin team" value={team} onChange={(e) => setTeam(e.target.value)} slotProps={{ select: { native: true } }}
          {...f.field("SamlGroupName", "One of your teams; it gets every right on the organization.")}>
          {(user?.groups ?? []).map((g) => <option key={g} value={g}>{g}</option>)}
        </TextField>
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline {...f.field("description")} />
        <FormAlerts errors={f.rest} />
        <Box><Button type="submit" variant="contained" disabled={result.fetching}>Create</Button></Box>
      </Stack>
    </Paper>
  );
}

const GetOrganization = graphql(`
  query GetOrganization($uri: String!) {
    getOrganization(organizationUri: $uri) {
      organizationUri
      label
      description
      SamlGroupName
      userRoleInOrganization
      archived
      environments {
        count
        nodes {
          environmentUri
          label
          AwsAccountId
          region
          SamlGroupName
        }
      }
    }
    listOrganizationGroups(organizationUri: $uri, filter: { pageSize: 100 }) {
      count
      nodes {
        groupUri
        invitedBy
      }
    }
  }
`);

const Invite = graphql(`
  mutation InviteGroupToOrganization($input: InviteGroupToOrganizationInput!) {
    inviteGroupToOrganization(input: $input) {
      organizationUri
    }
  }
`);

const Remove = graphql(`
  mutation RemoveGroupFromOrganization($uri: String!, $group: String!) {
    removeGroupFromOrganization(organizationUri: $uri, groupUri: $group) {
      organizationUri
    }
  }
`);

const Archive = graphql(`
  mutation ArchiveOrganization($uri: String!) {
    archiveOrganization(organizationUri: $uri)
  }
`);

const TenantTeams = graphql(`
  query TenantTeamsToInvite {
    listTenantGroups(filter: { pageSize: 100 }) {
      nodes {
        groupUri
      }
    }
  }
`);

/** Offers the teams the user knows of that aren't in the organization yet: their own, and for
 * platform admins every team that has signed in (the API lists those to admins only). A team of
 * the identity provider that has never signed in can still be typed. */
function InviteTeam({ uri, present, onInvited }: { uri: string; present: string[]; onInvited: () => void }) {
  const { user, isAdmin } = useAuth();
  const [team, setTeam] = useState("");
  const [tenant] = useQuery({ query: TenantTeams, pause: !isAdmin });
  const known = [...(user?.groups ?? []), ...(tenant.data?.listTenantGroups.nodes ?? []).map((g) => g.groupUri)];
  const offered = [...new Set(known)].filter((g) => !present.includes(g)).sort();
  const [invited, invite] = useMutation(Invite);
  const f = useFieldErrors(invited.error, ["groupUri"]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!f.check({ groupUri: groupProblem(team) })) return;
    const r = await invite({ input: { organizationUri: uri, groupUri: team.trim() } });
    if (!r.error) (notify(`${team.trim()} is invited.`), setTeam(""), onInvited());
  };
  return (
    <Box component="form" onSubmit={submit} noValidate aria-label="Invite team" sx={{ mt: 2 }}>
      <Stack direction="row" spacing={1} alignItems="flex-start">
        <Autocomplete freeSolo options={offered} inputValue={team} onInputChange={(_, v) => setTeam(v)} sx={{ minWidth: 200, flex: "0 1 320px" }}
          renderInput={(params) => (
            <TextField {...params} size="small" label="Team to invite"
              {...f.field("groupUri", "An identity-provider group; it can then see the organization and link environments to it.")} />
          )} />
        <Button type="submit" variant="outlined" disabled={invited.fetching}>Invite</Button>
      </Stack>
      <FormAlerts errors={f.rest} />
    </Box>
  );
}

export function OrganizationPage() {
  const { uri = "" } = useParams();
  const { user } = useAuth();
  const navigate = useNavigate();
  const [{ data, fetching, error }, refetch] = useQuery({ query: GetOrganization, variables: { uri } });
  const [removed, remove] = useMutation(Remove);
  const [archived, archive] = useMutation(Archive);
  const [editing, setEditing] = useState(false);
  const [archiving, setArchiving] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);
  const org = data?.getOrganization;
  const teams = data?.listOrganizationGroups.nodes ?? [];
  const mine = teams.map((g) => g.groupUri).filter((g) => user?.groups.includes(g));
  const held = useOrganizationPermissions(uri, mine);
  if (fetching && !org) return <Loading />;
  if (!org || !data) return <Errors error={error} />;
  // What the user's teams hold here; nothing while it loads, and nothing on an archived one.
  const may = (p: string) => !org.archived && !!held?.has(p);
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <>
      <PageTitle actions={
        <Stack direction="row" spacing={1}>
          {may("LINK_ENVIRONMENT") && <Button component={RouterLink} to={`/environments/new?organization=${uri}`} variant="contained">Link environment</Button>}
          {may("UPDATE_ORGANIZATION") && <Button variant="outlined" onClick={() => setEditing(true)}>Edit</Button>}
          {may("DELETE_ORGANIZATION") && <Button variant="outlined" color="error" onClick={() => setArchiving(true)}>Archive</Button>}
        </Stack>}>
        {org.label}
        {org.archived && <Chip label="archived" sx={{ ml: 1, verticalAlign: "middle" }} />}
      </PageTitle>
      {editing && (
        <EditOrganization org={org} onClose={(saved) => (setEditing(false), saved && reload())} />
      )}
      <ConfirmDialog open={archiving} title={`Archive ${org.label}?`} confirm="Archive" busy={archived.fetching} error={archived.error}
        onClose={() => setArchiving(false)}
        onConfirm={async () => { const r = await archive({ uri }); if (!r.error) (notify(`${org.label} is archived.`), navigate("/organizations")); }}>
        An archived organization leaves the lists and can no longer change: no new environments, teams or edits. Its environments and
        datasets stay as they are. Archiving cannot be undone here.
      </ConfirmDialog>
      <Typography color="text.secondary">{org.description}</Typography>
      <Typography>Admin team: {org.SamlGroupName} · your role: {org.userRoleInOrganization}</Typography>
      <Typography variant="h6" sx={{ mt: 3 }}>Environments</Typography>
      {org.environments.count === 0 ? (
        <Empty>No AWS account is linked yet. {may("LINK_ENVIRONMENT") ? "Link one with “Link environment”." : "An organization admin can link one."}</Empty>
      ) : (
        <PagedTable label="Environments" rows={org.environments.nodes} count={org.environments.count} page={1} pageSize={100} onPage={() => undefined}
          rowKey={(e) => e.environmentUri}
          columns={[
            { label: "Name", render: (e) => <Link component={RouterLink} to={`/environments/${e.environmentUri}`}>{e.label}</Link> },
            { label: "Account", render: (e) => `${e.AwsAccountId} / ${e.region}` },
            { label: "Team", render: (e) => e.SamlGroupName },
          ]} />
      )}
      <Typography variant="h6" sx={{ mt: 3 }}>Teams</Typography>
      <Errors error={removed.error} />
      <PagedTable label="Teams" rows={teams} count={data.listOrganizationGroups.count} page={1} pageSize={100} onPage={() => undefined}
        rowKey={(g) => g.groupUri}
        columns={[
          { label: "Team", render: (g) => g.groupUri },
          { label: "Invited by", render: (g) => g.invitedBy ?? "—" },
          { label: "", render: (g) => may("REMOVE_ORGANIZATION_GROUP") && g.groupUri !== org.SamlGroupName && (
            <Button size="small" color="error" aria-label={`Remove ${g.groupUri}`}
              onClick={() => setRemoving(g.groupUri)}>Remove</Button>) },
        ]} />
      <ConfirmDialog open={!!removing} title={`Remove ${removing ?? ""} from ${org.label}?`} confirm="Remove" busy={removed.fetching} error={removed.error}
        onClose={() => setRemoving(null)}
        onConfirm={async () => {
          const r = await remove({ uri, group: removing ?? "" });
          if (!r.error) (notify(`${removing} is removed from ${org.label}.`), setRemoving(null), reload());
        }}>
        The team loses its rights on the organization: it can no longer see it or link environments to it. Its environments stay.
      </ConfirmDialog>
      {may("INVITE_ORGANIZATION_GROUP") && <InviteTeam uri={uri} present={teams.map((g) => g.groupUri)} onInvited={reload} />}
      {may("UPDATE_ORGANIZATION") && <EventSubscriptions organizationUri={uri} />}
    </>
  );
}
