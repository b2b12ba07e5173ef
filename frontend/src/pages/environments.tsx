// Environments: list; the link form with onboarding help (the pivot-role template, with the tag
// keys the account opens to stacks); an environment's page with its stack status (polled until
// it settles), resources and events, its teams (invite and remove for those whose teams hold the
// right), and its stack's tags.
import { Alert, Autocomplete, Box, Button, Link, Paper, Stack, TextField, Typography } from "@mui/material";
import { useCallback, useState, type FormEvent } from "react";
import { Link as RouterLink, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { Empty, Errors, LogBox, Loading, PageTitle, StatusChip, isTerminal, usePolling } from "../components/common";
import { PagedTable } from "../components/PagedTable";
import { PivotRoleTemplate } from "../components/PivotRoleTemplate";
import { StackResources } from "../components/StackResources";
import { StackTags } from "../components/StackTags";
import { ConfirmDialog, FormAlerts, groupProblem, useFieldErrors } from "../components/form";
import { graphql } from "../gql";
import { notify } from "../components/Notices";
import { RelativeTime } from "../components/RelativeTime";
import { RegionPicker } from "../components/environment/RegionPicker";
import { EnvironmentTabs } from "../components/environment/EnvironmentTabs";
import { EnvironmentActions } from "./environmentEdit";

const PAGE = 10;

const ListEnvironments = graphql(`
  query ListEnvironments($filter: EnvironmentFilter) {
    listEnvironments(filter: $filter) {
      count
      nodes {
        environmentUri
        label
        AwsAccountId
        region
        SamlGroupName
        organization {
          organizationUri
          label
        }
        stack {
          status
        }
      }
    }
  }
`);

export function EnvironmentsPage() {
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }] = useQuery({ query: ListEnvironments, variables: { filter: { page, pageSize: PAGE } } });
  const list = data?.listEnvironments;
  return (
    <>
      <PageTitle actions={<Button variant="contained" component={RouterLink} to="/environments/new">Link environment</Button>}>Environments</PageTitle>
      <Errors error={error} />
      {fetching && !list && <Loading />}
      {list?.count === 0 && <Empty>No environment yet. Link your team's AWS account to an organization with “Link environment”.</Empty>}
      {list && list.count > 0 && (
        <PagedTable label="Environments" rows={list.nodes} count={list.count} page={page} pageSize={PAGE} onPage={setPage} rowKey={(e) => e.environmentUri}
          columns={[
            { label: "Name", render: (e) => <Link component={RouterLink} to={`/environments/${e.environmentUri}`}>{e.label}</Link> },
            { label: "Organization", render: (e) => e.organization.label },
            { label: "Account", render: (e) => `${e.AwsAccountId} / ${e.region}` },
            { label: "Team", render: (e) => e.SamlGroupName },
            { label: "Stack", render: (e) => <StatusChip status={e.stack?.status} /> },
          ]} />
      )}
    </>
  );
}

const Orgs = graphql(`
  query LinkableOrganizations {
    listOrganizations(filter: { pageSize: 100 }) {
      nodes {
        organizationUri
        label
      }
    }
  }
`);

const Onboarding = graphql(`
  query Onboarding($org: String!) {
    getTrustAccount(organizationUri: $org)
    getPivotRoleName(organizationUri: $org)
    getPivotRoleExternalId(organizationUri: $org)
  }
`);

const CreateEnvironment = graphql(`
  mutation CreateEnvironment($input: NewEnvironmentInput!) {
    createEnvironment(input: $input) {
      environmentUri
    }
  }
`);

export function LinkEnvironmentPage() {
  const { user } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [org, setOrg] = useState(params.get("organization") ?? "");
  const [label, setLabel] = useState("");
  const [team, setTeam] = useState(user?.groups[0] ?? "");
  const [account, setAccount] = useState("");
  const [region, setRegion] = useState("eu-west-1");
  const [orgs] = useQuery({ query: Orgs });
  const [onboarding] = useQuery({ query: Onboarding, variables: { org }, pause: !org });
  const [result, create] = useMutation(CreateEnvironment);
  const f = useFieldErrors(result.error, ["label", "organizationUri", "SamlGroupName", "AwsAccountId", "region"]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      organizationUri: !org && "Pick the organization to link to.",
      label: !label.trim() ? "Give the environment a name." : [...label.trim()].length > 255 && "At most 255 characters.",
      SamlGroupName: !team && "Pick the team that owns the account.",
      AwsAccountId: !/^\d{12}$/.test(account) && "An AWS account id is 12 digits.",
    });
    if (!ok) return;
    const r = await create({ input: { organizationUri: org, label: label.trim(), SamlGroupName: team, AwsAccountId: account, region } });
    if (r.data) navigate(`/environments/${r.data.createEnvironment.environmentUri}`);
  };
  const o = onboarding.data;
  return (
    <>
      <PageTitle>Link an environment</PageTitle>
      <Stack direction={{ xs: "column", md: "row" }} spacing={2} alignItems={{ xs: "stretch", md: "flex-start" }}>
        <Paper component="form" onSubmit={submit} noValidate sx={{ p: 2, flex: 1 }} aria-label="Link environment">
          <Stack spacing={2}>
            <TextField select label="Organization" value={org} onChange={(e) => setOrg(e.target.value)} slotProps={{ select: { native: true } }}
              {...f.field("organizationUri")}>
              <option value="" />
              {orgs.data?.listOrganizations.nodes.map((n) => <option key={n.organizationUri} value={n.organizationUri}>{n.label}</option>)}
            </TextField>
            <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} {...f.field("label")} />
            <TextField select label="Team" value={team} onChange={(e) => setTeam(e.target.value)} slotProps={{ select: { native: true } }}
              {...f.field("SamlGroupName", "The team that owns this account.")}>
              {(user?.groups ?? []).map((g) => <option key={g} value={g}>{g}</option>)}
            </TextField>
            <TextField label="AWS account id" value={account} onChange={(e) => setAccount(e.target.value.trim())} inputMode="numeric"
              {...f.field("AwsAccountId", "12 digits")} />
            <RegionPicker value={region} onChange={setRegion} {...f.field("region", "Where the account's data lives.")} />
            <FormAlerts errors={f.rest} />
            <Box><Button type="submit" variant="contained" disabled={result.fetching}>Link</Button></Box>
          </Stack>
        </Paper>
        <Paper sx={{ p: 2, flex: 1 }} aria-label="Onboarding">
          <Typography variant="h6">Before you link</Typography>
          {!org && <Typography>Pick an organization to see what the account needs.</Typography>}
          <Errors error={onboarding.error} />
          {o && (
            <Stack spacing={1}>
              <Typography>
                Sluice reaches the account through a role named <b>{o.getPivotRoleName}</b>, which trusts Sluice's account{" "}
                <b>{o.getTrustAccount}</b> under the ExternalId below. Deploy the template in the account (CloudFormation, with
                CAPABILITY_NAMED_IAM), then link.
              </Typography>
              <TextField label="ExternalId" value={o.getPivotRoleExternalId} slotProps={{ input: { readOnly: true } }} size="small" />
              <PivotRoleTemplate org={org} />
            </Stack>
          )}
        </Paper>
      </Stack>
    </>
  );
}

const GetEnvironment = graphql(`
  query GetEnvironment($uri: String!) {
    getEnvironment(environmentUri: $uri) {
      environmentUri
      label
      description
      AwsAccountId
      region
      SamlGroupName
      userRoleInEnvironment
      organization {
        organizationUri
        label
      }
      stack {
        stackUri
        status
        error
        updated
      }
    }
  }
`);

const EnvironmentTeams = graphql(`
  query EnvironmentTeams($uri: String!) {
    listEnvironmentGroups(environmentUri: $uri, filter: { pageSize: 100 }) {
      count
      nodes {
        groupUri
        environmentIAMRoleName
        environmentPermissions(environmentUri: $uri) {
          name
        }
      }
    }
  }
`);

const StackLogs = graphql(`
  query StackLogs($uri: String!) {
    getStackLogs(targetUri: $uri, targetType: "environment") {
      timestamp
      message
    }
  }
`);

const InviteOnEnvironment = graphql(`
  mutation InviteGroupOnEnvironment($input: InviteGroupOnEnvironmentInput!) {
    inviteGroupOnEnvironment(input: $input) {
      environmentUri
    }
  }
`);

const RemoveFromEnvironment = graphql(`
  mutation RemoveGroupFromEnvironment($uri: String!, $group: String!) {
    removeGroupFromEnvironment(environmentUri: $uri, groupUri: $group) {
      environmentUri
    }
  }
`);

const OrganizationTeams = graphql(`
  query InvitableTeams($org: String!) {
    listOrganizationGroups(organizationUri: $org, filter: { pageSize: 100 }) {
      nodes {
        groupUri
      }
    }
  }
`);

/** The organization's teams not in the environment yet are offered; the API can't list the
 * identity provider's other groups, so another team's name can still be typed. */
function InviteTeam({ uri, org, present, onInvited }: { uri: string; org: string; present: string[]; onInvited: () => void }) {
  const [team, setTeam] = useState("");
  const [orgTeams] = useQuery({ query: OrganizationTeams, variables: { org } });
  const offered = (orgTeams.data?.listOrganizationGroups.nodes ?? []).map((g) => g.groupUri).filter((g) => !present.includes(g));
  const [invited, invite] = useMutation(InviteOnEnvironment);
  const f = useFieldErrors(invited.error, ["groupUri"]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!f.check({ groupUri: groupProblem(team) })) return;
    const r = await invite({ input: { environmentUri: uri, groupUri: team.trim() } });
    if (!r.error) (notify(`${team.trim()} is invited; its role comes with the stack deploy that starts now.`), setTeam(""), onInvited());
  };
  return (
    <Box component="form" onSubmit={submit} noValidate aria-label="Invite team to environment" sx={{ mt: 2 }}>
      <Stack direction="row" spacing={1} alignItems="flex-start">
        <Autocomplete freeSolo options={offered} inputValue={team} onInputChange={(_, v) => setTeam(v)} sx={{ minWidth: 200, flex: "0 1 320px" }}
          renderInput={(params) => (
            <TextField {...params} size="small" label="Team to invite"
              {...f.field("groupUri", "It gets its own IAM role in the account with the next stack deploy.")} />
          )} />
        <Button type="submit" variant="outlined" disabled={invited.fetching}>Invite</Button>
      </Stack>
      <FormAlerts errors={f.rest} />
    </Box>
  );
}

export function EnvironmentPage() {
  const { uri = "" } = useParams();
  const { user } = useAuth();
  const [{ data, fetching, error }, refetch] = useQuery({ query: GetEnvironment, variables: { uri } });
  const env = data?.getEnvironment;
  const manages = env?.userRoleInEnvironment === "Owner" || env?.userRoleInEnvironment === "Admin";
  // Every team of an environment may list its teams; what each holds says what the user may do.
  const [teams, refetchTeams] = useQuery({ query: EnvironmentTeams, variables: { uri }, pause: !env });
  const [logs, refetchLogs] = useQuery({ query: StackLogs, variables: { uri }, pause: !manages });
  const [removed, remove] = useMutation(RemoveFromEnvironment);
  const [removing, setRemoving] = useState<string | null>(null);
  const settled = isTerminal(env?.stack?.status);
  const reload = useCallback(() => {
    refetch({ requestPolicy: "network-only" });
    if (manages) refetchLogs({ requestPolicy: "network-only" });
  }, [refetch, refetchLogs, manages]);
  usePolling(!!env && !settled, reload);
  if (fetching && !env) return <Loading />;
  if (!env) return <Errors error={error} />;
  const groups = teams.data?.listEnvironmentGroups.nodes ?? [];
  const held = new Set(groups.filter((g) => user?.groups.includes(g.groupUri)).flatMap((g) => g.environmentPermissions.map((p) => p.name)));
  const reloadTeams = () => {
    refetchTeams({ requestPolicy: "network-only" });
    reload(); // inviting and removing redeploy the stack
  };
  return (
    <>
      <PageTitle actions={(manages || held.has("UPDATE_ENVIRONMENT")) && (
        <EnvironmentActions env={env} canDelete={manages || held.has("DELETE_ENVIRONMENT")} onChanged={reload} />)}>
        {env.label}
      </PageTitle>
      {env.description && <Typography color="text.secondary">{env.description}</Typography>}
      <Typography>
        Account {env.AwsAccountId} / {env.region} · team {env.SamlGroupName} · organization{" "}
        <Link component={RouterLink} to={`/organizations/${env.organization.organizationUri}`}>{env.organization.label}</Link>
      </Typography>
      <EnvironmentTabs showRoles={manages || held.has("LIST_ENVIRONMENT_CONSUMPTION_ROLES")}
        showNetworks={manages || held.has("LIST_ENVIRONMENT_NETWORKS")} env={env}>
      <Box sx={{ my: 2, display: "flex", flexWrap: "wrap", gap: 1, alignItems: "center" }} aria-label="Stack status">
        <Typography>Stack:</Typography>
        <StatusChip status={env.stack?.status} />
        {!settled && <Typography color="text.secondary">deploying; this page updates by itself</Typography>}
      </Box>
      {env.stack?.error && <Alert severity="error">{env.stack.error}</Alert>}
      {env.stack && <StackResources stack={env.stack} targetUri={uri} targetType="environment" />}
      {teams.data && (
        <>
          <Typography variant="h6" sx={{ mt: 2 }}>Teams</Typography>
          <Errors error={removed.error} />
          <PagedTable label="Environment teams" rows={groups} count={teams.data.listEnvironmentGroups.count} page={1} pageSize={100}
            onPage={() => undefined} rowKey={(g) => g.groupUri}
            columns={[
              { label: "Team", render: (g) => g.groupUri + (g.groupUri === env.SamlGroupName ? " (owner)" : "") },
              { label: "IAM role", render: (g) => g.environmentIAMRoleName ?? "—" },
              { label: "", render: (g) => held.has("REMOVE_ENVIRONMENT_GROUP") && g.groupUri !== env.SamlGroupName && (
                <Button size="small" color="error" aria-label={`Remove ${g.groupUri}`} onClick={() => setRemoving(g.groupUri)}>Remove</Button>) },
            ]} />
          {held.has("INVITE_ENVIRONMENT_GROUP") && <InviteTeam uri={uri} org={env.organization.organizationUri} present={groups.map((g) => g.groupUri)} onInvited={reloadTeams} />}
          <ConfirmDialog open={!!removing} title={`Remove ${removing ?? ""} from ${env.label}?`} confirm="Remove" busy={removed.fetching} error={removed.error}
            onClose={() => setRemoving(null)}
            onConfirm={async () => {
              const r = await remove({ uri, group: removing ?? "" });
              if (!r.error) (notify(`${removing} is removed from ${env.label}.`), setRemoving(null), reloadTeams());
            }}>
            The team loses its rights here, and its IAM role in the account goes with the stack deploy that starts now. A team
            that still administers datasets here cannot be removed: delete them or hand them to another team first.
          </ConfirmDialog>
        </>
      )}
      <StackTags targetUri={uri} targetType="environment" editable={manages || held.has("UPDATE_ENVIRONMENT")} />
      {manages && (
        <>
          <Typography variant="h6" sx={{ mt: 3 }}>Stack events</Typography>
          {logs.data?.getStackLogs.length ? (
            <LogBox label="Stack events">
              {logs.data.getStackLogs.map((l, i) => <div key={i}><RelativeTime iso={l.timestamp} />: {l.message}</div>)}
            </LogBox>
          ) : (
            <Empty>No stack events yet.</Empty>
          )}
        </>
      )}
      </EnvironmentTabs>
    </>
  );
}
