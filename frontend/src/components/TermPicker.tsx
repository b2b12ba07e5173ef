// A dataset's, table's or column's glossary terms: the chips, and for its editors "Edit terms",
// a dialog that searches every glossary's terms as you type and saves the chosen set. Saving
// replaces the item's terms with exactly the ones chosen.
import { Autocomplete, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField, Typography } from "@mui/material";
import { useEffect, useId, useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import type { DatasetRole } from "../gql/graphql";
import { TermChips, type TermLink } from "./TermChips";
import { FormAlerts } from "./form";
import { apiErrors } from "../client";

const SearchTerms = graphql(`
  query SearchTerms($term: String!) {
    searchGlossary(filter: { term: $term, nodeType: "T", pageSize: 20 }) {
      count
      nodes {
        __typename
        ... on Term {
          nodeUri
          label
          readme
          glossary {
            nodeUri
            label
          }
        }
      }
    }
  }
`);

const SetDatasetTerms = graphql(`
  mutation SetDatasetTerms($uri: String!, $terms: [String!]!) {
    updateDataset(datasetUri: $uri, input: { terms: $terms }) {
      datasetUri
    }
  }
`);

const SetTableTerms = graphql(`
  mutation SetTableTerms($uri: String!, $terms: [String!]!) {
    updateDatasetTable(tableUri: $uri, input: { terms: $terms }) {
      tableUri
    }
  }
`);

const SetColumnTerms = graphql(`
  mutation SetColumnTerms($uri: String!, $terms: [String!]!) {
    updateDatasetTableColumn(columnUri: $uri, input: { terms: $terms }) {
      columnUri
    }
  }
`);

/** The roles that may change a dataset's, table's or column's terms (UPDATE_DATASET). */
export function editsTerms(role?: DatasetRole | null): boolean {
  return role === "Admin" || role === "Creator";
}

export type TermTarget = { type: "Dataset" | "DatasetTable" | "Column"; uri: string; name: string };

interface Option {
  nodeUri: string;
  label: string;
  glossary?: string;
}

/** The item's chips, and "Edit terms" when `editable`; `onSaved` reloads the item. */
export function ItemTerms({ target, links, editable, onSaved, compact }: {
  target: TermTarget;
  links: TermLink[];
  editable: boolean;
  onSaved: () => void;
  /** In a table row: a small button named after the item. */
  compact?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState(false);
  return (
    <Box sx={{ display: "flex", flexWrap: "wrap", alignItems: "center", gap: 1 }} aria-label={compact ? undefined : "Terms"} role={compact ? undefined : "group"}>
      {!compact && <Typography component="span">Terms:</Typography>}
      <TermChips links={links} label={`Terms of ${target.name}`} />
      {editable && (
        <Button size="small" variant={compact ? "text" : "outlined"} onClick={() => (setSaved(false), setOpen(true))}
          aria-label={compact ? `Edit terms of ${target.name}` : undefined}>
          {compact ? "Edit" : "Edit terms"}
        </Button>
      )}
      {saved && <Typography component="span" role="status" variant="body2" color="success.main">Saved</Typography>}
      {open && (
        <TermPicker target={target} current={links}
          onClose={(done) => {
            setOpen(false);
            if (done) (setSaved(true), onSaved());
          }} />
      )}
    </Box>
  );
}

function useDebounced<T>(value: T, ms = 250): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function TermPicker({ target, current, onClose }: { target: TermTarget; current: TermLink[]; onClose: (saved: boolean) => void }) {
  const id = useId();
  const [chosen, setChosen] = useState<Option[]>(current.map((l) => ({ nodeUri: l.term.nodeUri, label: l.term.label })));
  const [input, setInput] = useState("");
  const typed = useDebounced(input.trim());
  const [{ data, fetching, error }] = useQuery({ query: SearchTerms, variables: { term: typed } });
  const [ds, setDataset] = useMutation(SetDatasetTerms);
  const [tb, setTable] = useMutation(SetTableTerms);
  const [col, setColumn] = useMutation(SetColumnTerms);
  const options: Option[] = (data?.searchGlossary.nodes ?? []).flatMap((n) =>
    n.__typename === "Term" ? [{ nodeUri: n.nodeUri, label: n.label, glossary: n.glossary?.label }] : [],
  );
  const busy = ds.fetching || tb.fetching || col.fetching;
  const saving = target.type === "Dataset" ? ds : target.type === "DatasetTable" ? tb : col;
  const save = async () => {
    const vars = { uri: target.uri, terms: chosen.map((o) => o.nodeUri) };
    const set = target.type === "Dataset" ? setDataset : target.type === "DatasetTable" ? setTable : setColumn;
    const r = await set(vars);
    if (!r.error) onClose(true);
  };
  return (
    <Dialog open onClose={() => onClose(false)} fullWidth maxWidth="sm" aria-labelledby={`${id}-title`}>
      <DialogTitle id={`${id}-title`}>Terms of {target.name}</DialogTitle>
      <DialogContent>
        <Autocomplete
          multiple
          sx={{ mt: 1 }}
          options={options}
          value={chosen}
          onChange={(_, v) => setChosen(v)}
          inputValue={input}
          onInputChange={(_, v) => setInput(v)}
          filterOptions={(o) => o} // the server searched already
          filterSelectedOptions
          isOptionEqualToValue={(a, b) => a.nodeUri === b.nodeUri}
          getOptionLabel={(o) => o.label}
          loading={fetching}
          noOptionsText={typed ? `No term matches “${typed}”` : "No glossary has terms yet"}
          renderOption={(props, o) => {
            const { key, ...rest } = props;
            return (
              <li key={key} {...rest}>
                <Box>
                  {o.label}
                  {o.glossary && <Typography component="span" variant="body2" color="text.secondary"> · {o.glossary}</Typography>}
                </Box>
              </li>
            );
          }}
          renderInput={(params) => (
            <TextField {...params} label="Terms" placeholder="Type to search the glossaries"
              helperText="Links made outside the glossary's team wait for its approval." />
          )}
        />
        <FormAlerts errors={[...apiErrors(error), ...apiErrors(saving.error)]} />
      </DialogContent>
      <DialogActions>
        <Button onClick={() => onClose(false)}>Cancel</Button>
        <Button variant="contained" onClick={save} disabled={busy}>Save terms</Button>
      </DialogActions>
    </Dialog>
  );
}
