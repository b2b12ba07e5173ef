// The pivot-role template the account's owner deploys before linking, with their choice of the
// key-value tag keys Sluice's stacks may put on the roles and keys they make (`stackTagKeys`):
// none (the default, and then Sluice refuses key-value tags in the account), keys with a prefix,
// or any key. A choice changed after the template was fetched asks for it again, so the file
// saved is always the one chosen.
import {
  Box, Button, FormControl, FormControlLabel, FormHelperText, FormLabel, Radio, RadioGroup, Stack, TextField,
} from "@mui/material";
import { useEffect, useId, useMemo, useState } from "react";
import { useClient, type CombinedError } from "urql";
import { apiErrors, fieldError, formErrors } from "../client";
import { graphql } from "../gql";
import { FormAlerts } from "./form";

const Template = graphql(`
  query PivotRoleTemplate($org: String!, $prefix: String, $tagKeys: String) {
    getPivotRoleTemplate(organizationUri: $org, resourcePrefix: $prefix, stackTagKeys: $tagKeys)
  }
`);

type TagKeys = "none" | "prefix" | "any";

/** The `stackTagKeys` argument for a choice: a prefix is sent with its `*`, typed or not. */
export function stackTagKeys(choice: TagKeys, prefix: string): string | undefined {
  if (choice === "any") return "*";
  if (choice === "prefix") return `${prefix.trim().replace(/\*$/, "")}*`;
  return undefined;
}

export function PivotRoleTemplate({ org }: { org: string }) {
  const id = useId();
  const client = useClient();
  const [choice, setChoice] = useState<TagKeys>("none");
  const [prefix, setPrefix] = useState("");
  const [local, setLocal] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [got, setGot] = useState<{ key: string; body?: string; error?: CombinedError }>();
  const tagKeys = stackTagKeys(choice, prefix);
  const key = JSON.stringify([org, tagKeys ?? null]);
  const current = got?.key === key ? got : undefined;
  const body = current?.body;
  const href = useMemo(() => (body ? URL.createObjectURL(new Blob([body], { type: "application/json" })) : undefined), [body]);
  useEffect(() => () => void (href && URL.revokeObjectURL(href)), [href]);

  const errors = apiErrors(current?.error);
  const problem = local ?? fieldError(errors, "stackTagKeys");
  const choose = (c: TagKeys) => (setChoice(c), setLocal(undefined));
  const get = async () => {
    if (choice === "prefix" && tagKeys === "*") return setLocal("Enter the start the keys share, such as acme-, or choose “Any key”.");
    setLocal(undefined);
    setBusy(true);
    const r = await client.query(Template, { org, tagKeys }, { requestPolicy: "network-only" }).toPromise();
    setBusy(false);
    setGot({ key, body: r.data?.getPivotRoleTemplate, error: r.error });
  };

  return (
    <Stack spacing={1}>
      <FormControl component="fieldset" error={!!problem && choice !== "prefix"}>
        <FormLabel component="legend" id={`${id}-label`}>Key-value tags on stacks</FormLabel>
        <FormHelperText id={`${id}-help`} error={false} sx={{ mx: 0 }}>
          A tag on a role or key can grant access where this account's policies read tags: open only keys that no policy reads.
        </FormHelperText>
        <RadioGroup value={choice} onChange={(e) => choose(e.target.value as TagKeys)} aria-labelledby={`${id}-label`} aria-describedby={`${id}-help`}>
          <FormControlLabel value="none" control={<Radio size="small" />} label="None: stacks carry Sluice's own tags only" />
          <Box sx={{ display: "flex", alignItems: "flex-start", flexWrap: "wrap", columnGap: 1 }}>
            <FormControlLabel value="prefix" control={<Radio size="small" />} label="Keys starting with" sx={{ mt: 0.25 }} />
            <TextField size="small" label="Key prefix" placeholder="acme-" value={prefix} sx={{ flex: "1 1 10rem", minWidth: 0 }}
              onChange={(e) => (setPrefix(e.target.value), choose("prefix"))}
              error={!!problem && choice === "prefix"} helperText={choice === "prefix" ? problem : undefined} />
          </Box>
          <FormControlLabel value="any" control={<Radio size="small" />} label="Any key" />
        </RadioGroup>
        {problem && choice !== "prefix" && <FormHelperText sx={{ mx: 0 }}>{problem}</FormHelperText>}
      </FormControl>
      <Box>
        {href ? (
          <Button variant="outlined" href={href} download="sluice-pivot-role.json">Save sluice-pivot-role.json</Button>
        ) : (
          <Button variant="outlined" onClick={get} disabled={busy}>Get the pivot-role template</Button>
        )}
      </Box>
      <FormAlerts errors={formErrors(errors, ["stackTagKeys"])} />
    </Stack>
  );
}
