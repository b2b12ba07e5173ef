// Adding a table or folder of the dataset to a request the requesters are still writing.
import { Box, Button, TextField } from "@mui/material";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { FormAlerts } from "../form";
import { notify } from "../Notices";
import { apiErrors } from "../../client";
import { AddItem, DatasetItems } from "./queries";

export function AddItems({ shareUri, datasetUri, present, onAdded }: {
  shareUri: string;
  datasetUri: string;
  /** The items already in the request (table or folder URIs). */
  present: Set<string>;
  onAdded: () => void;
}) {
  const [{ data, error }] = useQuery({ query: DatasetItems, variables: { uri: datasetUri } });
  const [choice, setChoice] = useState("");
  const [added, add] = useMutation(AddItem);
  // Teams that can't read the dataset's contents add items from the tables' own pages.
  if (error || !data) return null;
  const options = [
    ...data.getDataset.tables.nodes.map((t) => ({ uri: t.tableUri, type: "Table" as const, label: `Table ${t.label}` })),
    ...data.getDataset.locations.nodes.map((l) => ({ uri: l.locationUri, type: "StorageLocation" as const, label: `Folder ${l.label} (${l.S3Prefix})` })),
  ].filter((o) => !present.has(o.uri));
  if (options.length === 0) return null;
  const submit = async () => {
    const o = options.find((x) => x.uri === choice);
    if (!o) return;
    const r = await add({ uri: shareUri, input: { itemUri: o.uri, itemType: o.type } });
    if (r.error) return;
    notify(`${o.label} is in the request now.`);
    setChoice("");
    onAdded();
  };
  return (
    <Box component="form" aria-label="Add an item" sx={{ display: "flex", gap: 1, mt: 1, flexWrap: "wrap", alignItems: "center" }}
      onSubmit={(e) => (e.preventDefault(), void submit())}>
      <TextField select size="small" label="Add a table or folder" value={choice} onChange={(e) => setChoice(e.target.value)}
        slotProps={{ select: { native: true }, inputLabel: { shrink: true } }} sx={{ minWidth: { xs: "100%", sm: 320 } }}>
        <option value="" disabled>Choose…</option>
        {options.map((o) => <option key={o.uri} value={o.uri}>{o.label}</option>)}
      </TextField>
      <Button type="submit" variant="outlined" disabled={!choice || added.fetching}>Add</Button>
      <Box sx={{ flexBasis: "100%" }}><FormAlerts errors={apiErrors(added.error)} /></Box>
    </Box>
  );
}
