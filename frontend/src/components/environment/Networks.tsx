// An environment's networks: VPCs of its account that its teams register for tools running
// there to find. Sluice provisions nothing for them. Every team of the environment sees them;
// a member of a team holding CREATE_NETWORK registers one for that team, and removes its own
// team's (the environment's admin team removes any) after a confirmation.
import { Box, Button, Paper, Stack, TextField, Typography } from "@mui/material";
import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { Empty, Errors, Loading } from "../common";
import { ConfirmDialog, FormAlerts, useFieldErrors } from "../form";
import { notify } from "../Notices";
import { PagedTable } from "../PagedTable";
import { useTeamsThatMay } from "./teams";

const PAGE = 20;
const CREATE = "CREATE_NETWORK";
const AWS_ID = (prefix: string) => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);

const Networks = graphql(`
  query EnvironmentNetworks($uri: String!, $page: Int!, $pageSize: Int!) {
    listEnvironmentNetworks(environmentUri: $uri, filter: { page: $page, pageSize: $pageSize }) {
      count
      nodes {
        vpcUri
        VpcId
        label
        description
        SamlGroupName
        privateSubnetIds
        publicSubnetIds
        owner
      }
    }
  }
`);

const CreateNetwork = graphql(`
  mutation CreateNetwork($input: NewVpcInput!) {
    createNetwork(input: $input) {
      vpcUri
    }
  }
`);

const DeleteNetwork = graphql(`
  mutation DeleteNetwork($uri: String!) {
    deleteNetwork(vpcUri: $uri)
  }
`);

// "subnet-1, subnet-2" or one per line, to a list.
const idList = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

function subnetProblem(text: string): string | false {
  const bad = idList(text).find((id) => !AWS_ID("subnet").test(id));
  return bad ? `${bad} is not a subnet id (subnet- and 8 or 17 lowercase hex digits).` : false;
}

function AddNetworkForm({ envUri, teams, onAdded }: { envUri: string; teams: string[]; onAdded: () => void }) {
  const [label, setLabel] = useState("");
  const [team, setTeam] = useState(teams.length === 1 ? teams[0] : "");
  const [vpcId, setVpcId] = useState("");
  const [privateSubnets, setPrivate] = useState("");
  const [publicSubnets, setPublic] = useState("");
  const [description, setDescription] = useState("");
  const [created, create] = useMutation(CreateNetwork);
  const f = useFieldErrors(created.error, ["label", "SamlGroupName", "vpcId", "privateSubnetIds", "publicSubnetIds", "description"]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      label: !label.trim() ? "Give the network a name people will recognise." : [...label.trim()].length > 255 && "At most 255 characters.",
      SamlGroupName: !team && "Pick the team that registers it.",
      vpcId: !AWS_ID("vpc").test(vpcId.trim()) && "A VPC id: vpc- and 8 or 17 lowercase hex digits, as vpc-0a1b2c3d.",
      privateSubnetIds: subnetProblem(privateSubnets),
      publicSubnetIds: subnetProblem(publicSubnets),
    });
    if (!ok) return;
    const input = {
      environmentUri: envUri, label: label.trim(), SamlGroupName: team, vpcId: vpcId.trim(),
      privateSubnetIds: idList(privateSubnets), publicSubnetIds: idList(publicSubnets), description: description.trim() || null,
    };
    const r = await create({ input });
    if (r.error) return;
    notify(`${input.label} (${input.vpcId}) is registered for ${team}.`);
    setLabel("");
    setVpcId("");
    setPrivate("");
    setPublic("");
    setDescription("");
    onAdded();
  };
  return (
    <Paper component="form" variant="outlined" onSubmit={submit} noValidate sx={{ p: 2, mt: 2 }} aria-label="Register a network">
      <Typography variant="h6" component="h2">Register a network</Typography>
      <Stack spacing={2} sx={{ mt: 1, maxWidth: 560 }}>
        <TextField size="small" label="Name" value={label} onChange={(e) => setLabel(e.target.value)} {...f.field("label")} />
        <TextField select size="small" label="Team" value={team} onChange={(e) => setTeam(e.target.value)} slotProps={{ select: { native: true } }}
          {...f.field("SamlGroupName", "Your teams here that may register networks.")}>
          {teams.length !== 1 && <option value="" />}
          {teams.map((t) => <option key={t} value={t}>{t}</option>)}
        </TextField>
        <TextField size="small" label="VPC id" value={vpcId} onChange={(e) => setVpcId(e.target.value)} placeholder="vpc-0a1b2c3d" autoComplete="off"
          {...f.field("vpcId", "Sluice records the id; it does not create or change the VPC.")} />
        <TextField size="small" label="Private subnets" value={privateSubnets} onChange={(e) => setPrivate(e.target.value)} placeholder="subnet-0a1b2c3d, subnet-1a2b3c4d"
          autoComplete="off" {...f.field("privateSubnetIds", "Optional; separate ids with commas or spaces.")} />
        <TextField size="small" label="Public subnets" value={publicSubnets} onChange={(e) => setPublic(e.target.value)} autoComplete="off"
          {...f.field("publicSubnetIds", "Optional.")} />
        <TextField size="small" label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline minRows={2} {...f.field("description")} />
        <FormAlerts errors={f.rest} />
        <Box><Button type="submit" variant="contained" disabled={created.fetching}>Register network</Button></Box>
      </Stack>
    </Paper>
  );
}

export function NetworksTab({ env }: { env: { environmentUri: string; label: string; SamlGroupName: string } }) {
  const uri = env.environmentUri;
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }, refetch] = useQuery({ query: Networks, variables: { uri, page, pageSize: PAGE } });
  const creators = useTeamsThatMay(uri, CREATE) ?? [];
  const [removed, remove] = useMutation(DeleteNetwork);
  const [removing, setRemoving] = useState<{ uri: string; label: string; vpcId: string } | null>(null);
  if (fetching && !data) return <Loading />;
  if (!data) return <Errors error={error} />;
  const reload = () => refetch({ requestPolicy: "network-only" });
  // The registering team removes its own; the environment's admin team removes any.
  const mayRemove = (team: string) => creators.includes(team) || creators.includes(env.SamlGroupName);
  const list = data.listEnvironmentNetworks;
  return (
    <>
      <Typography sx={{ mb: 2 }}>
        VPCs of this environment's account that its teams have registered, for the tools they run there. Sluice records them and provisions nothing.
      </Typography>
      {list.count === 0 && <Empty>No network registered yet.</Empty>}
      {list.count > 0 && (
        <PagedTable label="Networks" rows={list.nodes} count={list.count} page={page} pageSize={PAGE} onPage={setPage}
          rowKey={(n) => n.vpcUri}
          columns={[
            { label: "Name", render: (n) => <>{n.label}{n.description && <Typography variant="body2" color="text.secondary">{n.description}</Typography>}</> },
            { label: "VPC", render: (n) => <Box component="code">{n.VpcId}</Box> },
            { label: "Subnets", render: (n) => {
              const all = [...n.privateSubnetIds.map((s) => `${s} (private)`), ...n.publicSubnetIds.map((s) => `${s} (public)`)];
              return all.length ? <Box sx={{ overflowWrap: "anywhere" }}>{all.join(", ")}</Box> : "—";
            } },
            { label: "Team", render: (n) => n.SamlGroupName },
            { label: "Registered by", render: (n) => n.owner },
            { label: "Actions", render: (n) => mayRemove(n.SamlGroupName) && (
              <Button size="small" color="error" aria-label={`Remove ${n.label}`}
                onClick={() => setRemoving({ uri: n.vpcUri, label: n.label, vpcId: n.VpcId })}>Remove</Button>
            ) },
          ]} />
      )}
      {creators.length > 0 && <AddNetworkForm envUri={uri} teams={creators} onAdded={reload} />}
      <ConfirmDialog open={!!removing} title={`Remove ${removing?.label ?? ""} from ${env.label}?`} confirm="Remove" busy={removed.fetching}
        error={removed.error} onClose={() => setRemoving(null)}
        onConfirm={async () => {
          if (!removing) return;
          const r = await remove({ uri: removing.uri });
          if (!r.error) (notify(`${removing.label} is removed from ${env.label}.`), setRemoving(null), reload());
        }}>
        Sluice forgets {removing?.vpcId}. The VPC itself stays in AWS, untouched.
      </ConfirmDialog>
    </>
  );
}
