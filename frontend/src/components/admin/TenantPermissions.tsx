// The admin page's first tab: tenant permissions per group, and granting them to a group not
// listed yet.
import {
  Box, Button, Checkbox, FormControlLabel, FormGroup, FormHelperText, Paper, Stack, Table, TableBody, TableCell, TableContainer, TableHead, TableRow,
  TextField, Typography,
} from "@mui/material";
import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { Errors, Loading } from "../common";
import { ConfirmDialog, FormAlerts, groupProblem, useFieldErrors } from "../form";
import { useScrollRegion } from "../scroll";
import { graphql } from "../../gql";
import { notify } from "../Notices";

const TenantPermissions = graphql(`
  query TenantPermissions {
    listTenantPermissions {
      name
      description
    }
    listTenantGroups(filter: { pageSize: 100 }) {
      nodes {
        groupUri
        tenantPermissions {
          name
        }
      }
    }
  }
`);

const Update = graphql(`
  mutation UpdateGroupTenantPermissions($input: UpdateGroupTenantPermissionsInput!) {
    updateGroupTenantPermissions(input: $input)
  }
`);

/** A group that has not signed in yet is not listed: name it and tick what it gets. */
function GrantToGroup({ perms, listed, onGranted }: {
  perms: { name: string; description: string }[];
  listed: string[];
  onGranted: () => void;
}) {
  const [group, setGroup] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [result, update] = useMutation(Update);
  const f = useFieldErrors(result.error, ["groupUri", "permissions"]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const g = group.trim();
    const ok = f.check({
      groupUri: groupProblem(g) || (listed.includes(g) && `${g} is listed above: tick its permissions there.`),
      permissions: chosen.length === 0 && "Tick at least one permission.",
    });
    if (!ok) return;
    const r = await update({ input: { groupUri: g, permissions: chosen } });
    if (!r.error) (notify(`${g} now holds ${chosen.join(", ")}.`), setGroup(""), setChosen([]), onGranted());
  };
  const toggle = (name: string) => setChosen((c) => (c.includes(name) ? c.filter((p) => p !== name) : [...c, name]));
  return (
    <Paper component="form" variant="outlined" onSubmit={submit} noValidate sx={{ p: 2, mt: 2 }} aria-label="Grant to another group">
      <Typography variant="h6">Another group</Typography>
      <Stack spacing={1}>
        <TextField size="small" label="Group" value={group} onChange={(e) => setGroup(e.target.value)} sx={{ maxWidth: 400 }}
          {...f.field("groupUri", "The IdP group's name, as it comes in the token.")} />
        <Box role="group" aria-label="Permissions to grant">
          <FormGroup row>
            {perms.map((p) => (
              <FormControlLabel key={p.name} label={p.name} title={p.description}
                control={<Checkbox size="small" checked={chosen.includes(p.name)} onChange={() => toggle(p.name)} />} />
            ))}
          </FormGroup>
          {f.err("permissions") && <FormHelperText error>{f.err("permissions")}</FormHelperText>}
        </Box>
        <FormAlerts errors={f.rest} />
        <Box><Button type="submit" variant="contained" disabled={result.fetching}>Grant</Button></Box>
      </Stack>
    </Paper>
  );
}

export function TenantPermissionsTab() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: TenantPermissions });
  const [updated, update] = useMutation(Update);
  const [taking, setTaking] = useState<{ groupUri: string; held: string[]; name: string } | null>(null);
  const region = useScrollRegion<HTMLDivElement>("Tenant permissions");
  if (fetching && !data) return <Loading />;
  if (!data) return <Errors error={error} />;
  const perms = data.listTenantPermissions;
  const groups = data.listTenantGroups.nodes;
  const reload = () => refetch({ requestPolicy: "network-only" });
  const apply = async (groupUri: string, held: string[], name: string) => {
    const taken = held.includes(name);
    const next = taken ? held.filter((p) => p !== name) : [...held, name];
    const r = await update({ input: { groupUri, permissions: next } });
    if (r.error) return;
    notify(taken ? `${groupUri} no longer holds ${name}.` : `${groupUri} now holds ${name}.`);
    setTaking(null);
    reload();
  };
  // Granting acts at once; taking a right away asks first, since the group's users lose it.
  const toggle = (groupUri: string, held: string[], name: string) =>
    held.includes(name) ? setTaking({ groupUri, held, name }) : void apply(groupUri, held, name);
  return (
    <>
      <ConfirmDialog open={!!taking} title={`Take ${taking?.name ?? ""} from ${taking?.groupUri ?? ""}?`} confirm="Take away" color="warning"
        busy={updated.fetching} error={updated.error} onClose={() => setTaking(null)}
        onConfirm={() => taking && void apply(taking.groupUri, taking.held, taking.name)}>
        Members of {taking?.groupUri} can no longer do what {taking?.name} allows, from their next request on. What they made stays.
      </ConfirmDialog>
      <Errors error={updated.error} />
      <TableContainer component={Paper} variant="outlined" {...region}>
        <Table size="small" aria-label="Tenant permissions">
          <TableHead>
            <TableRow>
              <TableCell>Group</TableCell>
              {perms.map((p) => <TableCell key={p.name} title={p.description}>{p.name}</TableCell>)}
            </TableRow>
          </TableHead>
          <TableBody>
            {groups.map((g) => {
              const held = (g.tenantPermissions ?? []).map((p) => p.name);
              return (
                <TableRow key={g.groupUri}>
                  <TableCell>{g.groupUri}</TableCell>
                  {perms.map((p) => (
                    <TableCell key={p.name}>
                      <Checkbox checked={held.includes(p.name)} disabled={updated.fetching} onChange={() => toggle(g.groupUri, held, p.name)}
                        slotProps={{ input: { "aria-label": `${p.name} for ${g.groupUri}` } }} />
                    </TableCell>
                  ))}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
      <GrantToGroup perms={perms} listed={groups.map((g) => g.groupUri)} onGranted={reload} />
    </>
  );
}
