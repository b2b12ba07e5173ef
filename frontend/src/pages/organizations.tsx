// Organizations: list and create; an organization's page with its teams, invite and remove.
import { Box, Button, Link, Paper, Stack, TextField, Typography } from "@mui/material";
import { useState, type FormEvent } from "react";
import { Link as RouterLink, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { apiErrors, fieldError, formErrors, type ApiError } from "../client";
import { Empty, Errors, Loading, PageTitle } from "../components/common";
import { PagedTable } from "../components/PagedTable";
import { graphql } from "../gql";

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
  const [creating, setCreating] = useState(false);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ListOrganizations,
    variables: { filter: { page, pageSize: PAGE } },
  });
  const list = data?.listOrganizations;
  return (
    <>
      <PageTitle actions={<Button variant="contained" onClick={() => setCreating(true)}>Create organization</Button>}>
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
            { label: "Name", render: (o) => <Link component={RouterLink} to={`/organizations/${o.organizationUri}`}>{o.label}</Link> },
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

function CreateOrganizationForm({ onDone }: { onDone: () => void }) {
  const { user } = useAuth();
  const [label, setLabel] = useState("");
  const [team, setTeam] = useState(user?.groups[0] ?? "");
  const [description, setDescription] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const [result, create] = useMutation(CreateOrganization);
  const errors: ApiError[] = apiErrors(result.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const v: Record<string, string> = {};
    if (!label.trim()) v.label = "Give the organization a name.";
    if (!team) v.SamlGroupName = "Pick the team that will administer it.";
    setLocal(v);
    if (Object.keys(v).length) return;
    const r = await create({ input: { label: label.trim(), SamlGroupName: team, description } });
    if (!r.error) onDone();
  };
  return (
    <Paper component="form" onSubmit={submit} noValidate sx={{ p: 2, mb: 2 }} aria-label="Create organization">
      <Stack spacing={2}>
        <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} required
          error={!!(local.label || fieldError(errors, "label"))} helperText={local.label || fieldError(errors, "label")} />
        <TextField select label="Admin team" value={team} onChange={(e) => setTeam(e.target.value)}
          slotProps={{ select: { native: true } }} error={!!(local.SamlGroupName || fieldError(errors, "SamlGroupName"))}
          helperText={local.SamlGroupName || fieldError(errors, "SamlGroupName") || "One of your teams; it gets every right on the organization."}>
          {(user?.groups ?? []).map((g) => <option key={g} value={g}>{g}</option>)}
        </TextField>
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline />
        {formErrors(errors, ["label", "SamlGroupName"]).map((e, i) => <Typography key={i} color="error">{e.message}</Typography>)}
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
    listOrganizationGroups(organizationUri: $uri) {
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

export function OrganizationPage() {
  const { uri = "" } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: GetOrganization, variables: { uri } });
  const [invited, invite] = useMutation(Invite);
  const [removed, remove] = useMutation(Remove);
  const [team, setTeam] = useState("");
  const [teamError, setTeamError] = useState("");
  const org = data?.getOrganization;
  if (fetching && !org) return <Loading />;
  if (!org) return <Errors error={error} />;
  const manages = org.userRoleInOrganization === "Owner" || org.userRoleInOrganization === "Admin";
  const reload = () => refetch({ requestPolicy: "network-only" });
  const submitInvite = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^[\w.@+-]+$/.test(team.trim())) return setTeamError("Enter a team (IdP group) name.");
    setTeamError("");
    const r = await invite({ input: { organizationUri: uri, groupUri: team.trim() } });
    if (!r.error) (setTeam(""), reload());
  };
  return (
    <>
      <PageTitle actions={manages && <Button component={RouterLink} to={`/environments/new?organization=${uri}`} variant="contained">Link environment</Button>}>
        {org.label}
      </PageTitle>
      <Typography color="text.secondary">{org.description}</Typography>
      <Typography>Admin team: {org.SamlGroupName} · your role: {org.userRoleInOrganization}</Typography>
      <Typography variant="h6" sx={{ mt: 3 }}>Environments</Typography>
      {org.environments.count === 0 ? (
        <Empty>No AWS account is linked yet. {manages ? "Link one with “Link environment”." : "An organization admin can link one."}</Empty>
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
      <PagedTable label="Teams" rows={data.listOrganizationGroups.nodes} count={data.listOrganizationGroups.count} page={1} pageSize={100} onPage={() => undefined}
        rowKey={(g) => g.groupUri}
        columns={[
          { label: "Team", render: (g) => g.groupUri },
          { label: "Invited by", render: (g) => g.invitedBy ?? "—" },
          { label: "", render: (g) => manages && g.groupUri !== org.SamlGroupName && (
            <Button size="small" color="error" onClick={async () => { const r = await remove({ uri, group: g.groupUri }); if (!r.error) reload(); }}>Remove</Button>) },
        ]} />
      {manages && (
        <Stack component="form" direction="row" spacing={1} sx={{ mt: 2 }} onSubmit={submitInvite} noValidate aria-label="Invite team">
          <TextField size="small" label="Team to invite" value={team} onChange={(e) => setTeam(e.target.value)}
            error={!!(teamError || fieldError(apiErrors(invited.error), "groupUri"))}
            helperText={teamError || fieldError(apiErrors(invited.error), "groupUri")} />
          <Button type="submit" variant="outlined" disabled={invited.fetching}>Invite</Button>
        </Stack>
      )}
      <Errors error={invited.error && !fieldError(apiErrors(invited.error), "groupUri") ? invited.error : undefined} />
    </>
  );
}
