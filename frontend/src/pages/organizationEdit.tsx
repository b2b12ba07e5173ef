// What the user's teams may do on an organization, and the dialog that edits one.
import { Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField } from "@mui/material";
import { useEffect, useId, useState, type FormEvent } from "react";
import { useClient, useMutation } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { FormAlerts, useFieldErrors } from "../components/form";
import { graphql } from "../gql";
import { notify } from "../components/Notices";

const GroupPermissions = graphql(`
  query OrganizationGroupPermissions($uri: String!, $group: String!) {
    listOrganizationGroupPermissions(organizationUri: $uri, groupUri: $group) {
      name
    }
  }
`);

/** The permissions the user's teams (`groups`, those in the organization) hold on it, from the
 * API's own answer: an invited team may have been given invite or remove rights, and an admin
 * team holds all of them. Null until known. */
export function useOrganizationPermissions(uri: string, groups: string[]): Set<string> | null {
  const client = useClient();
  const [held, setHeld] = useState<Set<string> | null>(null);
  const key = groups.join("\n");
  useEffect(() => {
    let live = true;
    const names = key ? key.split("\n") : [];
    Promise.all(
      names.map((group) => client.query(GroupPermissions, { uri, group }, { requestPolicy: "network-only" }).toPromise()),
    ).then((answers) => {
      if (live) setHeld(new Set(answers.flatMap((a) => a.data?.listOrganizationGroupPermissions.map((p) => p.name) ?? [])));
    });
    return () => {
      live = false;
    };
  }, [client, uri, key]);
  return held;
}

const Update = graphql(`
  mutation UpdateOrganization($uri: String!, $input: ModifyOrganizationInput!) {
    updateOrganization(organizationUri: $uri, input: $input) {
      organizationUri
      label
      description
      SamlGroupName
    }
  }
`);

const FIELDS = ["label", "description", "SamlGroupName"];

export function EditOrganization({ org, onClose }: {
  org: { organizationUri: string; label: string; description?: string | null; SamlGroupName: string };
  onClose: (saved: boolean) => void;
}) {
  const { user } = useAuth();
  const id = useId();
  const [label, setLabel] = useState(org.label);
  const [description, setDescription] = useState(org.description ?? "");
  const [team, setTeam] = useState(org.SamlGroupName);
  const [result, update] = useMutation(Update);
  const f = useFieldErrors(result.error, FIELDS);
  const teams = [org.SamlGroupName, ...(user?.groups ?? []).filter((g) => g !== org.SamlGroupName)];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      label: !label.trim() ? "Give the organization a name." : [...label.trim()].length > 255 && "At most 255 characters.",
      description: [...description].length > 5000 && "At most 5,000 characters.",
    });
    if (!ok) return;
    const input = {
      label: label.trim(),
      description,
      // Only sent when it changes: a new admin team is a handover, not a detail.
      SamlGroupName: team !== org.SamlGroupName ? team : undefined,
    };
    const r = await update({ uri: org.organizationUri, input });
    if (!r.error) (notify(`${label.trim()} is saved.`), onClose(true));
  };
  return (
    <Dialog open onClose={() => onClose(false)} fullWidth aria-labelledby={`${id}-title`}>
      <Box component="form" onSubmit={submit} noValidate>
        <DialogTitle id={`${id}-title`}>Edit organization</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} required {...f.field("label")} />
            <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline {...f.field("description")} />
            <TextField select label="Admin team" value={team} onChange={(e) => setTeam(e.target.value)} slotProps={{ select: { native: true } }}
              {...f.field("SamlGroupName", team === org.SamlGroupName
                ? "Handing the organization to another of your teams keeps this one in with read access."
                : `${org.SamlGroupName} keeps read access until it is removed.`)}>
              {teams.map((g) => <option key={g} value={g}>{g}</option>)}
            </TextField>
            <FormAlerts errors={f.rest} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => onClose(false)}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={result.fetching}>Save</Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}
