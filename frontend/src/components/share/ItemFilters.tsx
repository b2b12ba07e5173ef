// The filters a share's table item asks for the table through: shown on each item, and chosen
// (or taken off, for the whole table) where the API lets the user change them: the dataset's
// approvers while the item holds no grants, the requesting team only while its request is a
// draft (or rejected or revoked). The rules are core's (shares/item_filters.rs); this mirrors
// them so the action is offered only where it would be accepted.
import {
  Box, Button, Checkbox, Chip, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, FormControlLabel, FormGroup,
  FormHelperText, Stack, TextField, Typography,
} from "@mui/material";
import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { Errors, Loading } from "../common";
import { FilterKeeps, ListTableFilters } from "../TableFilters";
import { FormAlerts, useFieldErrors } from "../form";
import { notify } from "../Notices";

const ItemDataFilters = graphql(`
  query ShareItemDataFilters($uri: String!) {
    getShareItemDataFilters(attachedDataFilterUri: $uri) {
      attachedDataFilterUri
      label
      dataFilterUris
      dataFilterNames
    }
  }
`);

const UpdateItemFilters = graphql(`
  mutation UpdateShareItemFilters($input: ModifyFiltersTableShareItemInput!) {
    updateShareItemFilters(input: $input)
  }
`);

const RemoveItemFilter = graphql(`
  mutation RemoveShareItemFilter($uri: String!) {
    removeShareItemFilter(attachedDataFilterUri: $uri)
  }
`);

/** Item states that hold no grants: the only ones whose filters may change. */
const OPEN = new Set(["PendingApproval", "Share_Rejected", "Revoke_Succeeded"]);
/** Share states in which the requesting team (not an approver) chooses filters. */
const REQUESTER_OPEN = new Set(["Draft", "Rejected", "Revoked"]);

export function mayChangeFilters(item: { itemType: string; status?: string | null }, shareStatus: string, approver: boolean, requester: boolean): boolean {
  if (item.itemType !== "Table" || !OPEN.has(item.status ?? "")) return false;
  return approver || (requester && REQUESTER_OPEN.has(shareStatus));
}

export interface FilteredItem {
  shareItemUri: string;
  itemUri: string;
  itemName: string;
  attachedDataFilterUri?: string | null;
}

/** The item's filters by name, or "Whole table". */
export function ItemFilterNames({ item }: { item: FilteredItem }) {
  const [{ data, error }] = useQuery({
    query: ItemDataFilters, variables: { uri: item.attachedDataFilterUri ?? "" }, pause: !item.attachedDataFilterUri,
  });
  if (!item.attachedDataFilterUri) return <Typography variant="body2" color="text.secondary">Whole table</Typography>;
  if (error) return <Typography variant="body2" color="text.secondary">Filtered</Typography>;
  const names = data?.getShareItemDataFilters.dataFilterNames ?? [];
  return (
    <Stack direction="row" useFlexGap flexWrap="wrap" spacing={0.5} role="group" aria-label={`Filters on ${item.itemName}`}>
      {names.map((n) => <Chip key={n} size="small" label={n} variant="outlined" color="secondary" />)}
    </Stack>
  );
}

/** Choosing the item's filters among its table's, or taking them off. */
export function ItemFiltersDialog({ item, onClose, onChanged }: { item: FilteredItem; onClose: () => void; onChanged: () => void }) {
  const id = useId();
  const [filters] = useQuery({ query: ListTableFilters, variables: { uri: item.itemUri, page: 1, pageSize: 100 } });
  const [current] = useQuery({
    query: ItemDataFilters, variables: { uri: item.attachedDataFilterUri ?? "" }, pause: !item.attachedDataFilterUri,
  });
  const attached = current.data?.getShareItemDataFilters;
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [label, setLabel] = useState<string | null>(null);
  const [updated, update] = useMutation(UpdateItemFilters);
  const [removed, remove] = useMutation(RemoveItemFilter);
  const f = useFieldErrors(updated.error, ["label", "filterUris"]);
  // Until the user picks, what the item has now.
  const picked = chosen ?? attached?.dataFilterUris ?? [];
  const name = label ?? attached?.label ?? `${item.itemName} filtered`;
  const list = filters.data?.listTableDataFilters.nodes ?? [];
  const toggle = (uri: string) => setChosen(picked.includes(uri) ? picked.filter((u) => u !== uri) : [...picked, uri]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      label: !name.trim() && "Name this choice, such as “EU rows”.",
      filterUris: picked.length === 0 && (attached ? "Choose a filter, or use “Whole table” to take them all off." : "Choose at least one filter."),
    });
    if (!ok) return;
    const r = await update({ input: { shareItemUri: item.shareItemUri, label: name.trim(), filterUris: picked } });
    if (r.error) return;
    notify(`${item.itemName} is asked for through ${list.filter((x) => picked.includes(x.filterUri)).map((x) => x.label).join(", ")}.`);
    onChanged();
  };
  const wholeTable = async () => {
    if (!item.attachedDataFilterUri) return;
    const r = await remove({ uri: item.attachedDataFilterUri });
    if (r.error) return;
    notify(`${item.itemName} is asked for whole again.`);
    onChanged();
  };
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby={`${id}-title`}>
      <Box component="form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <DialogTitle id={`${id}-title`}>Filters for {item.itemName}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            With filters, the item reads only what they keep: the rows of each row filter, the columns of each column filter.
            Without, it reads the whole table.
          </DialogContentText>
          <Errors error={filters.error ?? current.error} />
          {filters.fetching && !filters.data && <Loading />}
          {filters.data && list.length === 0 && (
            <Typography color="text.secondary">{item.itemName} has no filters yet; the dataset's admin team makes them on the table's page.</Typography>
          )}
          {list.length > 0 && (
            <Stack spacing={2}>
              <TextField label="Name of this choice" value={name} onChange={(e) => setLabel(e.target.value)} {...f.field("label")} />
              <Box component="fieldset" sx={{ border: 0, p: 0, m: 0, minWidth: 0 }}>
                <Typography component="legend" variant="subtitle2">Filters of {item.itemName}</Typography>
                <FormGroup role="group" aria-label={`Filters of ${item.itemName}`}>
                  {list.map((x) => (
                    <FormControlLabel key={x.filterUri} sx={{ alignItems: "flex-start", my: 0.5 }}
                      control={<Checkbox checked={picked.includes(x.filterUri)} onChange={() => toggle(x.filterUri)} sx={{ pt: 0.25 }} />}
                      label={
                        <Box sx={{ overflowWrap: "anywhere" }}>
                          <Typography component="span" sx={{ fontWeight: 500 }}>{x.label}</Typography>
                          <Typography variant="body2" color="text.secondary"><FilterKeeps filter={x} /></Typography>
                          {x.description && <Typography variant="body2" color="text.secondary">{x.description}</Typography>}
                        </Box>
                      } />
                  ))}
                </FormGroup>
                {f.err("filterUris") && <FormHelperText error>{f.err("filterUris")}</FormHelperText>}
              </Box>
            </Stack>
          )}
          <FormAlerts errors={[...f.rest]} />
          <Errors error={removed.error} />
        </DialogContent>
        <DialogActions sx={{ flexWrap: "wrap", gap: 1 }}>
          {item.attachedDataFilterUri && (
            <Button color="warning" onClick={() => void wholeTable()} disabled={removed.fetching} sx={{ mr: "auto" }}>Whole table</Button>
          )}
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={updated.fetching || list.length === 0}>Save</Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}
