// The period a request or extension asks for: a number of the dataset's units (months or
// quarters) within its bounds. Shared by the request form, the extension and the change dialogs.
import { TextField } from "@mui/material";
import { periodWords } from "./words";

/** The period field: a number of the dataset's units, within its bounds; shared with the request form. */
export function PeriodField({ value, onChange, setting, min, max, error, onInput }: {
  value: string; onChange: (v: string) => void; setting?: string | null; min?: number | null; max?: number | null;
  error?: string; onInput?: () => void;
}) {
  const unit = setting === "Quarterly" ? "quarters" : "months";
  const bounds = min != null && max != null ? `Between ${min} and ${max} ${unit}.` : `In ${unit}.`;
  return (
    <TextField type="number" label={`Access for (${unit})`} value={value} onChange={(e) => onChange(e.target.value)} onInput={onInput}
      slotProps={{ htmlInput: { min: min ?? 1, max: max ?? undefined, inputMode: "numeric" } }} error={!!error} helperText={error || bounds} />
  );
}

export function periodProblem(value: string, min?: number | null, max?: number | null, setting?: string | null): string | undefined {
  const n = Number(value);
  if (!value.trim() || !Number.isInteger(n)) return `Say for how many ${setting === "Quarterly" ? "quarters" : "months"}.`;
  if (min != null && n < min) return `At least ${periodWords(min, setting)}.`;
  if (max != null && n > max) return `At most ${periodWords(max, setting)}.`;
  return undefined;
}

