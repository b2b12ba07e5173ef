// A table's row and column filters, for the dataset's admin team: the list, making one (rows
// matching a condition, or some of the table's columns: those kept or those hidden), and
// deleting one after a dialog naming it. A share's item then asks for the table through them
// (see share/ItemFilters.tsx). Filters never change once made: what an item was granted on
// stays what its filter says, so changing one is deleting it and making another.
import {
  Box, Button, Checkbox, Chip, Dialog, DialogActions, DialogContent, DialogTitle, FormControl, FormControlLabel, FormGroup,
  FormHelperText, FormLabel, Radio, RadioGroup, Stack, TextField, Typography,
} from "@mui/material";
import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { Empty, Errors, Loading } from "./common";
import { ConfirmDialog, FormAlerts, useFieldErrors } from "./form";
import { notify } from "./Notices";
import { PagedTable } from "./PagedTable";

const PAGE = 10;

export const ListTableFilters = graphql(`
  query ListTableDataFilters($uri: String!, $page: Int!, $pageSize: Int!) {
    listTableDataFilters(tableUri: $uri, filter: { page: $page, pageSize: $pageSize }) {
      count
      nodes {
        filterUri
        label
        description
        filterType
        rowExpression
        includedCols
      }
    }
  }
`);

const FilterColumns = graphql(`
  query FilterColumns($uri: String!) {
    listDatasetTableColumns(tableUri: $uri, filter: { pageSize: 100 }) {
      count
      nodes {
        columnUri
        name
      }
    }
  }
`);

const CreateFilter = graphql(`
  mutation CreateTableDataFilter($uri: String!, $input: NewTableDataFilterInput!) {
    createTableDataFilter(tableUri: $uri, input: $input) {
      filterUri
      label
    }
  }
`);

const DeleteFilter = graphql(`
  mutation DeleteTableDataFilter($uri: String!) {
    deleteTableDataFilter(filterUri: $uri)
  }
`);

interface Filter {
  filterUri: string;
  label: string;
  description?: string | null;
  filterType: string;
  rowExpression?: string | null;
  includedCols?: string[] | null;
}

/** What a filter keeps, in words: its condition, or its columns (and those it hides). */
export function FilterKeeps({ filter, columns }: { filter: Filter; columns?: string[] }) {
  if (filter.filterType === "ROW") return <>Rows where <code>{filter.rowExpression}</code></>;
  const kept = filter.includedCols ?? [];
  const hidden = columns?.filter((c) => !kept.includes(c)) ?? [];
  return (
    <>
      Columns {kept.join(", ")}
      {hidden.length > 0 && <Typography component="span" variant="body2" color="text.secondary"> (hides {hidden.join(", ")})</Typography>}
    </>
  );
}

const NAME = /^[A-Za-z0-9_\- ]{1,64}$/;

function NewFilterDialog({ tableUri, tableName, columns, onClose, onCreated }: {
  tableUri: string;
  tableName: string;
  columns: string[];
  onClose: () => void;
  onCreated: () => void;
}) {
  const id = useId();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [kind, setKind] = useState<"ROW" | "COLUMN">("ROW");
  const [expression, setExpression] = useState("");
  const [mode, setMode] = useState<"keep" | "hide">("keep");
  const [chosen, setChosen] = useState<string[]>([]);
  const [created, create] = useMutation(CreateFilter);
  const f = useFieldErrors(created.error, ["filterName", "description", "filterType", "rowExpression", "includedCols"]);
  // The API stores the columns a filter keeps: hiding some keeps the others.
  const kept = mode === "keep" ? chosen : columns.filter((c) => !chosen.includes(c));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      filterName: !name.trim() ? "Give the filter a name." : !NAME.test(name.trim()) && "1 to 64 letters, digits, '_', '-' or spaces.",
      rowExpression: kind === "ROW" && !expression.trim() && "Write the condition rows must meet, such as region = 'eu'.",
      includedCols: kind === "COLUMN" && (chosen.length === 0 ? "Choose at least one column."
        : kept.length === 0 && "Hiding every column leaves nothing to read: keep at least one."),
    });
    if (!ok) return;
    const input = kind === "ROW"
      ? { filterName: name.trim(), description: description.trim() || null, filterType: "ROW", rowExpression: expression.trim() }
      : { filterName: name.trim(), description: description.trim() || null, filterType: "COLUMN", includedCols: kept };
    const r = await create({ uri: tableUri, input });
    if (r.error) return;
    notify(`The filter ${name.trim()} is on ${tableName} now.`);
    onCreated();
  };
  const toggle = (c: string) => setChosen(chosen.includes(c) ? chosen.filter((x) => x !== c) : [...chosen, c]);
  const colError = f.err("includedCols");
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby={`${id}-title`}>
      <Box component="form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <DialogTitle id={`${id}-title`}>New filter on {tableName}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)}
              {...f.field("filterName", "Letters, digits, '_', '-' or spaces; unique on the table.")} />
            <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline {...f.field("description")} />
            <FormControl>
              <FormLabel id={`${id}-kind`}>What the filter keeps</FormLabel>
              <RadioGroup aria-labelledby={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as "ROW" | "COLUMN")}>
                <FormControlLabel value="ROW" control={<Radio />} label="Rows that meet a condition (every column)" />
                <FormControlLabel value="COLUMN" control={<Radio />} label="Some columns (every row)" />
              </RadioGroup>
            </FormControl>
            {kind === "ROW" ? (
              <TextField label="Row condition" value={expression} onChange={(e) => setExpression(e.target.value)} multiline minRows={2}
                slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: "monospace" } } }}
                {...f.field("rowExpression", "Lake Formation's PartiQL, such as region = 'eu' AND year >= 2024.")} />
            ) : (
              <FormControl error={!!colError} component="fieldset">
                <FormLabel component="legend">Columns</FormLabel>
                <RadioGroup row aria-label="Keep or hide the chosen columns" value={mode} onChange={(e) => setMode(e.target.value as "keep" | "hide")}>
                  <FormControlLabel value="keep" control={<Radio />} label="Keep only these" />
                  <FormControlLabel value="hide" control={<Radio />} label="Hide these" />
                </RadioGroup>
                {columns.length === 0 ? (
                  <FormHelperText>The table has no columns in Sluice yet: sync the dataset's tables first.</FormHelperText>
                ) : (
                  <FormGroup role="group" aria-label="Columns" sx={{ maxHeight: 240, overflow: "auto", flexWrap: "nowrap" }}>
                    {columns.map((c) => (
                      <FormControlLabel key={c} label={c} sx={{ overflowWrap: "anywhere" }}
                        control={<Checkbox checked={chosen.includes(c)} onChange={() => (toggle(c), f.clear())} />} />
                    ))}
                  </FormGroup>
                )}
                <FormHelperText>
                  {colError || (chosen.length > 0 ? `Keeps ${kept.length ? kept.join(", ") : "nothing"}.` : "Choose the columns to keep or to hide.")}
                </FormHelperText>
              </FormControl>
            )}
            <FormAlerts errors={f.rest} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={created.fetching}>Create filter</Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}

export function TableFilters({ tableUri, tableName }: { tableUri: string; tableName: string }) {
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }, refetch] = useQuery({ query: ListTableFilters, variables: { uri: tableUri, page, pageSize: PAGE } });
  const [cols] = useQuery({ query: FilterColumns, variables: { uri: tableUri } });
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Filter | null>(null);
  const [deleted, del] = useMutation(DeleteFilter);
  // The refusal shows in the dialog of the filter it was about, not the next one opened.
  const [tried, setTried] = useState("");
  const columns = cols.data?.listDatasetTableColumns.nodes.map((c) => c.name) ?? [];
  const list = data?.listTableDataFilters;
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <Box component="section" aria-labelledby="filters-heading">
      <Box sx={{ display: "flex", alignItems: "center", gap: 1, mt: 2, flexWrap: "wrap" }}>
        <Typography variant="h6" component="h2" id="filters-heading" sx={{ flexGrow: 1 }}>Filters</Typography>
        <Button variant="outlined" onClick={() => setCreating(true)}>New filter</Button>
      </Box>
      <Typography variant="body2" color="text.secondary">
        A share's item can ask for this table through filters: it then reads only the rows or columns they keep.
      </Typography>
      <Errors error={error} />
      {fetching && !list && <Loading />}
      {list && (list.count === 0 ? <Empty>No filters yet. A filter keeps the rows that meet a condition, or some columns.</Empty> : (
        <PagedTable label="Filters" rows={list.nodes} count={list.count} page={page} pageSize={PAGE} onPage={setPage} rowKey={(x) => x.filterUri}
          columns={[
            { label: "Name", render: (x) => x.label },
            { label: "Type", render: (x) => <Chip size="small" variant="outlined" label={x.filterType === "ROW" ? "Rows" : "Columns"} /> },
            { label: "Keeps", render: (x) => <FilterKeeps filter={x} columns={columns} /> },
            { label: "Description", render: (x) => x.description ?? "" },
            {
              label: "Actions",
              render: (x) => (
                <Button size="small" color="error" variant="outlined" aria-label={`Delete ${x.label}`} onClick={() => setDeleting(x)}>Delete</Button>
              ),
            },
          ]} />
      ))}
      {creating && (
        <NewFilterDialog tableUri={tableUri} tableName={tableName} columns={columns} onClose={() => setCreating(false)}
          onCreated={() => (setCreating(false), setPage(1), reload())} />
      )}
      <ConfirmDialog open={!!deleting} title={`Delete the filter ${deleting?.label ?? ""}?`} confirm="Delete" busy={deleted.fetching}
        error={deleting && tried === deleting.filterUri ? deleted.error : undefined} onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          setTried(deleting.filterUri);
          const r = await del({ uri: deleting.filterUri });
          if (r.error) return;
          notify(`The filter ${deleting.label} is deleted.`);
          setDeleting(null);
          reload();
        }}>
        {deleting?.label} leaves {tableName}. A filter that a share's item uses stays until it is taken off that item.
      </ConfirmDialog>
    </Box>
  );
}
