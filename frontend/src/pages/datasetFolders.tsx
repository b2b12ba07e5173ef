// A dataset's folders (S3 prefixes in its bucket), creating one for the admin team, and each
// folder's discussion thread, opened from its row.
import { Box, Button, Paper, Stack, TextField, Typography } from "@mui/material";
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { Empty } from "../components/common";
import { Discussion } from "../components/Discussion";
import { PagedTable } from "../components/PagedTable";
import { ConfirmDialog, FormAlerts, useFieldErrors } from "../components/form";
import { EditDialog } from "../components/EditDialog";
import { graphql } from "../gql";
import { notify } from "../components/Notices";
import { FolderAccess } from "../components/access/FolderAccess";

const CreateFolder = graphql(`
  mutation CreateDatasetStorageLocation($datasetUri: String!, $input: NewDatasetStorageLocationInput) {
    createDatasetStorageLocation(datasetUri: $datasetUri, input: $input) {
      locationUri
    }
  }
`);

const UpdateFolder = graphql(`
  mutation UpdateDatasetStorageLocation($uri: String, $input: ModifyDatasetStorageLocationInput) {
    updateDatasetStorageLocation(locationUri: $uri, input: $input) {
      locationUri
    }
  }
`);

const DeleteFolder = graphql(`
  mutation DeleteDatasetStorageLocation($uri: String!) {
    deleteDatasetStorageLocation(locationUri: $uri)
  }
`);

/** Edit and Delete on a folder's row, for the teams that may create folders. */
function FolderActions({ folder, onChanged }: { folder: Folder; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [updated, update] = useMutation(UpdateFolder);
  const [deleted, del] = useMutation(DeleteFolder);
  return (
    <>
      <Button size="small" aria-label={`Edit ${folder.label}`} onClick={() => setEditing(true)}>Edit</Button>
      <Button size="small" color="error" aria-label={`Delete ${folder.label}`} onClick={() => setDeleting(true)}>Delete</Button>
      {editing && (
        <EditDialog title={`Edit folder ${folder.label}`} initial={folder} busy={updated.fetching} error={updated.error} onClose={() => setEditing(false)}
          onSave={async (v) => {
            const r = await update({ uri: folder.locationUri, input: v });
            if (r.error) return false;
            notify(`Folder ${v.label} is saved.`);
            onChanged();
            return true;
          }} />
      )}
      <ConfirmDialog open={deleting} title={`Delete folder ${folder.label}?`} confirm="Delete" busy={deleted.fetching} error={deleted.error}
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          const r = await del({ uri: folder.locationUri });
          if (r.error) return;
          notify(`Folder ${folder.label} is deleted; the objects under ${folder.S3Prefix} stay in the bucket.`);
          setDeleting(false);
          onChanged();
        }}>
        The folder leaves Sluice and the catalog; the objects under {folder.S3Prefix} stay in the bucket.
      </ConfirmDialog>
    </>
  );
}

/** The server's rules for a prefix, said in the user's terms; undefined when it is fine. */
export function prefixProblem(value: string): string | undefined {
  const p = value.trim().replace(/^\/+|\/+$/g, "");
  if (!p) return "Give the folder's prefix in the bucket, e.g. raw/orders.";
  if (p.length > 1000) return "At most 1,000 characters.";
  if (p.split("/").some((s) => s === "" || s === "." || s === "..")) return "No empty, '.' or '..' parts between slashes.";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(p)) return "No control characters or backslashes.";
  return undefined;
}

interface Folder {
  locationUri: string;
  label: string;
  S3Prefix: string;
  description?: string | null;
}

function NewFolder({ datasetUri, onDone }: { datasetUri: string; onDone: (created: boolean) => void }) {
  const [label, setLabel] = useState("");
  const [prefix, setPrefix] = useState("");
  const [description, setDescription] = useState("");
  const [result, create] = useMutation(CreateFolder);
  const f = useFieldErrors(result.error, ["label", "prefix", "description"]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      label: !label.trim() ? "Give the folder a name." : [...label.trim()].length > 255 && "At most 255 characters.",
      prefix: prefixProblem(prefix),
    });
    if (!ok) return;
    const r = await create({ datasetUri, input: { label: label.trim(), prefix: prefix.trim().replace(/^\/+|\/+$/g, ""), description } });
    if (!r.error) (notify(`Folder ${label.trim()} is created at ${prefix.trim().replace(/^\/+|\/+$/g, "")}/.`), onDone(true));
  };
  return (
    <Paper component="form" variant="outlined" onSubmit={submit} noValidate sx={{ p: 2, my: 1 }} aria-label="New folder">
      <Stack spacing={2}>
        <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
          <TextField label="Folder name" value={label} onChange={(e) => setLabel(e.target.value)} sx={{ flex: 1 }} {...f.field("label")} />
          <TextField label="S3 prefix" value={prefix} onChange={(e) => setPrefix(e.target.value)} sx={{ flex: 1 }}
            {...f.field("prefix", "Where in the dataset's bucket, e.g. raw/orders. Sluice creates it.")} />
        </Stack>
        <TextField label="Folder description" value={description} onChange={(e) => setDescription(e.target.value)} multiline {...f.field("description")} />
        <FormAlerts errors={f.rest} />
        <Box sx={{ display: "flex", gap: 1 }}>
          <Button type="submit" variant="contained" disabled={result.fetching}>Create folder</Button>
          <Button onClick={() => onDone(false)}>Cancel</Button>
        </Box>
      </Stack>
    </Paper>
  );
}

export function Folders({ datasetUri, folders, count, canCreate, seesAccess, bucketReady, onCreated }: {
  datasetUri: string;
  folders: Folder[];
  count: number;
  canCreate: boolean;
  /** The dataset's admin team and platform admins: they may read who reads a folder. */
  seesAccess: boolean;
  /** False while the dataset's stack has not made the bucket yet. */
  bucketReady: boolean;
  onCreated: () => void;
}) {
  const [adding, setAdding] = useState(false);
  const [discussing, setDiscussing] = useState<string | null>(null);
  const discussed = folders.find((l) => l.locationUri === discussing);
  return (
    <>
      <Box sx={{ display: "flex", alignItems: "center", mt: 2, gap: 2 }}>
        <Typography variant="h6" sx={{ flexGrow: 1 }}>Folders</Typography>
        {canCreate && !adding && (
          <Button variant="outlined" onClick={() => setAdding(true)} disabled={!bucketReady}
            title={bucketReady ? undefined : "The bucket is still being deployed"}>
            New folder
          </Button>
        )}
      </Box>
      {adding && <NewFolder datasetUri={datasetUri} onDone={(created) => (setAdding(false), created && onCreated())} />}
      {count === 0 ? <Empty>No folders.{canCreate && " “New folder” shares a prefix of the bucket as a folder."}</Empty> : (
        <PagedTable label="Folders" rows={folders} count={count} page={1} pageSize={100} onPage={() => undefined} rowKey={(l) => l.locationUri}
          columns={[
            { label: "Folder", render: (l) => l.label },
            { label: "S3 prefix", render: (l) => <Box component="span" sx={{ overflowWrap: "break-word" }}>{l.S3Prefix}</Box> },
            {
              label: "",
              render: (l) => (
                <>
                {canCreate && <FolderActions folder={l} onChanged={onCreated} />}
                {seesAccess && <FolderAccess locationUri={l.locationUri} label={l.label} />}
                <Button size="small" aria-expanded={l.locationUri === discussing} aria-label={`Discussion of ${l.label}`}
                  onClick={() => setDiscussing(l.locationUri === discussing ? null : l.locationUri)}>
                  Discussion <span aria-hidden>&nbsp;{l.locationUri === discussing ? "▴" : "▾"}</span>
                </Button>
                </>
              ),
            },
          ]} />
      )}
      {discussed && (
        <Paper variant="outlined" sx={{ px: 2, pb: 2, mt: 1, "& > section": { mt: 1 } }}>
          <Discussion key={discussed.locationUri} targetUri={discussed.locationUri} targetType="DatasetStorageLocation"
            title={`Discussion of folder ${discussed.label}`} />
        </Paper>
      )}
    </>
  );
}
