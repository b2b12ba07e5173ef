// The Activity page's filters. Text fields apply when the form is sent (not on each key), the
// outcome at once; the page keeps them in the URL.
import { Box, Button, MenuItem, TextField } from "@mui/material";
import { useEffect, useState, type FormEvent } from "react";
import { OUTCOMES, OUTCOME_WORDS } from "./words";

export const TEXT_FILTERS = [
  { key: "actor", label: "Who (user name)" },
  { key: "action", label: "Action" },
  { key: "targetType", label: "Target type" },
  { key: "targetUri", label: "Target id" },
] as const;
export const DATE_FILTERS = [
  { key: "from", label: "From (date)" },
  { key: "to", label: "Before (date)" },
] as const;
export const FILTER_KEYS = [...TEXT_FILTERS, ...DATE_FILTERS].map((f) => f.key as string).concat("outcome");

export type Filters = Record<string, string | undefined>;

export function ActivityFilters({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const [draft, setDraft] = useState<Filters>(value);
  const key = JSON.stringify(value);
  // A link, Back or a reset changes the URL: the fields follow it.
  useEffect(() => setDraft(value), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange(draft);
  };
  const set = (k: string, v: string) => setDraft({ ...draft, [k]: v || undefined });
  return (
    <Box component="form" aria-label="Filter the activity" onSubmit={submit}
      sx={{ display: "flex", gap: 1, flexWrap: "wrap", alignItems: "center", my: 2 }}>
      {TEXT_FILTERS.map((f) => (
        <TextField key={f.key} size="small" label={f.label} value={draft[f.key] ?? ""} onChange={(e) => set(f.key, e.target.value)} sx={{ width: { xs: "calc(50% - 4px)", sm: 180 } }} />
      ))}
      {DATE_FILTERS.map((f) => (
        <TextField key={f.key} size="small" type="date" label={f.label} value={draft[f.key] ?? ""} onChange={(e) => set(f.key, e.target.value)}
          slotProps={{ inputLabel: { shrink: true } }} sx={{ width: { xs: "calc(50% - 4px)", sm: 170 } }} />
      ))}
      <TextField select size="small" label="Outcome" value={draft.outcome ?? "all"} sx={{ width: { xs: "calc(50% - 4px)", sm: 150 } }}
        onChange={(e) => {
          const next = { ...draft, outcome: e.target.value === "all" ? undefined : e.target.value };
          setDraft(next);
          onChange(next);
        }}>
        <MenuItem value="all">Any outcome</MenuItem>
        {OUTCOMES.map((o) => <MenuItem key={o} value={o}>{OUTCOME_WORDS[o]}</MenuItem>)}
      </TextField>
      <Button type="submit" variant="contained">Filter</Button>
      <Button onClick={() => onChange({})}>Clear</Button>
    </Box>
  );
}
