// Admin: tenant permissions per group. Platform admins only (the API says FORBIDDEN otherwise).
import { Button, Checkbox, Table, TableBody, TableCell, TableHead, TableRow, Paper, TableContainer, TextField, Stack } from "@mui/material";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { Empty, Errors, Loading, PageTitle } from "../components/common";
import { graphql } from "../gql";

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

export function AdminPage() {
  const { isAdmin, config } = useAuth();
  const [{ data, fetching, error }, refetch] = useQuery({ query: TenantPermissions, pause: !isAdmin });
  const [updated, update] = useMutation(Update);
  const [group, setGroup] = useState("");
  if (!isAdmin) return <Empty>Only members of {config.adminGroup} manage tenant permissions.</Empty>;
  if (fetching && !data) return <Loading />;
  if (!data) return <Errors error={error} />;
  const perms = data.listTenantPermissions;
  const groups = [...data.listTenantGroups.nodes];
  if (group && !groups.some((g) => g.groupUri === group)) groups.push({ groupUri: group, tenantPermissions: [] });
  const toggle = async (groupUri: string, held: string[], name: string) => {
    const next = held.includes(name) ? held.filter((p) => p !== name) : [...held, name];
    const r = await update({ input: { groupUri, permissions: next } });
    if (!r.error) refetch({ requestPolicy: "network-only" });
  };
  return (
    <>
      <PageTitle>Tenant permissions</PageTitle>
      <Errors error={updated.error} />
      <TableContainer component={Paper} variant="outlined">
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
      <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
        <TextField size="small" label="Another group" value={group} onChange={(e) => setGroup(e.target.value.trim())} />
        <Button disabled>{group ? "Tick its permissions above" : "Type a group name"}</Button>
      </Stack>
    </>
  );
}
