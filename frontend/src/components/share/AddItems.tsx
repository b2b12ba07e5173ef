// Adding a table, folder or the whole bucket of the dataset to a request the requesters are
// still writing.
import { Box, Button, TextField } from "@mui/material";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { FormAlerts } from "../form";
import { notify } from "../Notices";
import { apiErrors } from "../../client";
import { AddItem, AddableItems } from "./queries";

const KIND: Record<string, string> = { Table: "Table", StorageLocation: "Folder", S3Bucket: "Whole bucket" };

export function AddItems({ shareUri, present, onAdded }: {
  shareUri: string;
  /** The items already in the request (their item URIs): hidden while the list reloads. */
  present: Set<string>;
  onAdded: () => void;
}) {
  const [{ data, error }, reload] = useQuery({ query: AddableItems, variables: { uri: shareUri }, requestPolicy: "cache-and-network" });
  const [choice, setChoice] = useState("");
  const [added, add] = useMutation(AddItem);
  // Teams that can't read the dataset's contents add items from the tables' own pages.
  if (error || !data) return null;
  const options = data.getShareObject.items.nodes
    .map((i) => ({ uri: i.itemUri, type: i.itemType, label: `${KIND[i.itemType] ?? i.itemType} ${i.itemName}` }))
    .filter((o) => !present.has(o.uri));
  if (options.length === 0) return null;
  const submit = async () => {
    const o = options.find((x) => x.uri === choice);
    if (!o) return;
    const r = await add({ uri: shareUri, input: { itemUri: o.uri, itemType: o.type } });
    if (r.error) return;
    notify(`${o.label} is in the request now.`);
    setChoice("");
    reload({ requestPolicy: "network-only" });
    onAdded();
  };
  return (
    <Box component="form" aria-label="Add an item" sx={{ display: "flex", gap: 1, mt: 1, flexWrap: "wrap", alignItems: "center" }}
      onSubmit={(e) => (e.preventDefault(), void submit())}>
      <TextField select size="small" label="Add a table, folder or the bucket" value={choice} onChange={(e) => setChoice(e.target.value)}
        slotProps={{ select: { native: true }, inputLabel: { shrink: true } }} sx={{ minWidth: { xs: "100%", sm: 320 } }}>
        <option value="" disabled>Choose…</option>
        {options.map((o) => <option key={o.uri} value={o.uri}>{o.label}</option>)}
      </TextField>
      <Button type="submit" variant="outlined" disabled={!choice || added.fetching}>Add</Button>
      <Box sx={{ flexBasis: "100%" }}><FormAlerts errors={apiErrors(added.error)} /></Box>
    </Box>
  );
}
