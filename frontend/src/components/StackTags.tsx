// An environment's or a dataset's key-value tags: the AWS tags its CloudFormation stack carries,
// and CloudFormation copies to the resources it makes; an environment's tags marked "cascade" go
// on its datasets' stacks too. Those who may change the target edit the whole set at once; the
// stack carries it from its next deploy. The form checks keys are there and unique; the server
// checks the rest (length, characters, reserved prefixes) and its answer shows by the row.
import { Alert, Box, Button, Checkbox, FormControlLabel, Paper, Stack, TextField, Typography } from "@mui/material";
import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { apiErrors, type ApiError } from "../client";
import { graphql } from "../gql";
import { Empty, Errors, Loading } from "./common";
import { PagedTable } from "./PagedTable";
import { FormAlerts } from "./form";

const ListTags = graphql(`
  query ListKeyValueTags($uri: String!, $type: String!) {
    listKeyValueTags(targetUri: $uri, targetType: $type) {
      tagUri
      key
      value
      cascade
    }
  }
`);

const UpdateTags = graphql(`
  mutation UpdateKeyValueTags($input: UpdateKeyValueTagsInput!) {
    updateKeyValueTags(input: $input) {
      tagUri
      key
      value
      cascade
    }
  }
`);

/** The API's `targetType`s that have a stack, spelled as it spells them. */
export type TagTarget = "environment" | "dataset";

/** The server's limit: AWS allows 50 tags on a stack, and Sluice's own take 3. */
const MAX_TAGS = 47;

interface Row {
  /** Stays with the row when rows above it go, so its messages do too. */
  id: number;
  key: string;
  value: string;
  cascade: boolean;
}

type Problems = Record<number, { key?: string; value?: string }>;

/** Empty keys, and keys given twice (without case, as IAM compares them), by row id. */
export function tagProblems(rows: Row[]): Problems {
  const problems: Problems = {};
  const seen = new Map<string, string>();
  for (const row of rows) {
    const key = row.key.trim();
    const first = seen.get(key.toLowerCase());
    if (!key) problems[row.id] = { key: "Give the tag a key, or remove the row." };
    else if (first === key) problems[row.id] = { key: `“${key}” is already a key above: each key once.` };
    else if (first !== undefined) problems[row.id] = { key: `Same key as “${first}” above: keys are compared without case.` };
    else seen.set(key.toLowerCase(), key);
  }
  return problems;
}

/** `tags[2].key` from the server: the row sent third, whatever has moved since. */
const ROW_FIELD = /^(?:input\.)?tags\[(\d+)\]\.(key|value)$/;

/** The message without the `field: ` the server leads it with. */
function bare(e: ApiError): string {
  return e.field && e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
}

export function StackTags({ targetUri, targetType, editable }: { targetUri: string; targetType: TagTarget; editable: boolean }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: ListTags, variables: { uri: targetUri, type: targetType } });
  const [editing, setEditing] = useState<Row[] | null>(null);
  const [saved, setSaved] = useState(false);
  const tags = data?.listKeyValueTags;
  const cascades = targetType === "environment";
  const edit = () => {
    setSaved(false);
    setEditing((tags ?? []).map((t, i) => ({ id: i, key: t.key, value: t.value, cascade: t.cascade })));
  };
  return (
    <Box component="section" aria-label="Tags" sx={{ mt: 3 }}>
      <Box sx={{ display: "flex", alignItems: "center", gap: 2, flexWrap: "wrap" }}>
        <Typography variant="h6" sx={{ flexGrow: 1 }}>Tags</Typography>
        {editable && tags && !editing && <Button variant="outlined" onClick={edit}>Edit tags</Button>}
      </Box>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        AWS tags on the {targetType}'s stack, which CloudFormation puts on every resource of it that takes tags.
        {cascades && " Tags that cascade go on the stacks of the environment's datasets too."}
      </Typography>
      <Errors error={error} />
      {fetching && !tags && <Loading />}
      {saved && (
        <Alert severity="success" role="status" onClose={() => setSaved(false)} sx={{ mb: 1 }}>
          Saved. The tags apply from the stack's next deploy{cascades && ", and reach the datasets' stacks at theirs"}.
        </Alert>
      )}
      {editing ? (
        <TagEditor targetUri={targetUri} targetType={targetType} initial={editing}
          onDone={(done) => {
            setEditing(null);
            if (done) (setSaved(true), refetch({ requestPolicy: "network-only" }));
          }} />
      ) : tags && (tags.length === 0 ? (
        <Empty>No tags.{editable && " “Edit tags” adds some."}</Empty>
      ) : (
        <PagedTable label="Tags" rows={tags} count={tags.length} page={1} pageSize={MAX_TAGS} onPage={() => undefined} rowKey={(t) => t.tagUri}
          columns={[
            { label: "Key", render: (t) => <Box component="span" sx={{ overflowWrap: "break-word" }}>{t.key}</Box> },
            { label: "Value", render: (t) => t.value ? <Box component="span" sx={{ overflowWrap: "break-word" }}>{t.value}</Box>
              : <Typography component="span" variant="body2" color="text.secondary">(empty)</Typography> },
            ...(cascades ? [{ label: "Cascades to datasets", render: (t: { cascade: boolean }) => (t.cascade ? "Yes" : "No") }] : []),
          ]} />
      ))}
    </Box>
  );
}

function TagEditor({ targetUri, targetType, initial, onDone }: {
  targetUri: string;
  targetType: TagTarget;
  initial: Row[];
  onDone: (saved: boolean) => void;
}) {
  const cascades = targetType === "environment";
  const nextId = useRef(initial.length);
  const blank = (): Row => ({ id: nextId.current++, key: "", value: "", cascade: false });
  const [rows, setRows] = useState(() => (initial.length ? initial : [blank()]));
  const [problems, setProblems] = useState<Problems>({});
  const [others, setOthers] = useState<ApiError[]>([]);
  const [result, update] = useMutation(UpdateTags);

  const change = (id: number, patch: Partial<Row>) => {
    setRows(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));
    // What the user changes no longer matches the message about it.
    const p = problems[id];
    if (p) {
      const left = { ...p };
      if ("key" in patch) delete left.key;
      if ("value" in patch) delete left.value;
      setProblems({ ...problems, [id]: left });
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local = tagProblems(rows);
    setProblems(local);
    setOthers([]);
    if (Object.keys(local).length) return;
    const sent = rows;
    const r = await update({
      input: { targetUri, targetType, tags: sent.map((t) => ({ key: t.key.trim(), value: t.value.trim(), cascade: cascades && t.cascade })) },
    });
    if (!r.error) return onDone(true);
    const byRow: Problems = {};
    const rest: ApiError[] = [];
    for (const err of apiErrors(r.error)) {
      const m = ROW_FIELD.exec(err.field ?? "");
      const row = m ? sent[Number(m[1])] : undefined;
      if (m && row) byRow[row.id] = { ...byRow[row.id], [m[2]]: bare(err) };
      else if (err.code === "FORBIDDEN") rest.push({ ...err, message: `You may not change these tags: ${err.message}` });
      else rest.push({ ...err, message: bare(err) });
    }
    setProblems(byRow);
    setOthers(rest);
  };
  return (
    <Paper component="form" variant="outlined" onSubmit={submit} noValidate sx={{ p: 2 }} aria-label="Edit tags">
      {rows.length === 0 && (
        <Typography color="text.secondary" sx={{ mb: 1 }}>No tags: saving now removes them all from the stack at its next deploy.</Typography>
      )}
      {rows.map((row, i) => (
        <Stack key={row.id} role="group" aria-label={`Tag ${i + 1}`} direction={{ xs: "column", sm: "row" }} spacing={1}
          alignItems={{ xs: "stretch", sm: "flex-start" }}
          sx={(t) => ({ py: 1, [t.breakpoints.down("sm")]: { borderBottom: 1, borderColor: "divider" } })}>
          <TextField size="small" label="Key" value={row.key} sx={{ flex: 2, minWidth: 0 }}
            onChange={(e) => change(row.id, { key: e.target.value })}
            error={!!problems[row.id]?.key} helperText={problems[row.id]?.key} />
          <TextField size="small" label="Value" value={row.value} sx={{ flex: 3, minWidth: 0 }}
            onChange={(e) => change(row.id, { value: e.target.value })}
            error={!!problems[row.id]?.value} helperText={problems[row.id]?.value} />
          <Box sx={{ display: "flex", alignItems: "center", justifyContent: "space-between", gap: 1 }}>
            {cascades && (
              <FormControlLabel label="Cascade to datasets" sx={{ mr: 0, whiteSpace: "nowrap" }}
                control={<Checkbox checked={row.cascade} onChange={(e) => change(row.id, { cascade: e.target.checked })} />} />
            )}
            <Button color="error" onClick={() => setRows(rows.filter((r) => r.id !== row.id))}>Remove</Button>
          </Box>
        </Stack>
      ))}
      <Typography variant="body2" color="text.secondary" sx={{ my: 1 }}>
        Keys of up to 128 characters, values of up to 256: letters, digits, spaces and _ . : / = + - @. Keys may not start
        with aws: or sluice:. At most {MAX_TAGS} tags.
      </Typography>
      <FormAlerts errors={others} />
      <Box sx={{ display: "flex", gap: 1, mt: 1, flexWrap: "wrap" }}>
        <Button onClick={() => setRows([...rows, blank()])} disabled={rows.length >= MAX_TAGS}>
          Add tag
        </Button>
        <Box sx={{ flexGrow: 1 }} />
        <Button onClick={() => onDone(false)}>Cancel</Button>
        <Button type="submit" variant="contained" disabled={result.fetching}>Save tags</Button>
      </Box>
    </Paper>
  );
}
