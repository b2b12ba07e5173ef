// Exports the activity trail as a file. The export (GET /audit/export) wants the bearer token
// like GraphQL does, which a plain link cannot send: the file is fetched with the token and
// handed to the browser as a download.
import { Alert, Box, Button, MenuItem, TextField, Typography } from "@mui/material";
import { useState } from "react";
import { useAuth } from "../../auth/AuthProvider";
import { notify } from "../Notices";

type Format = "csv" | "jsonl";

/** The server's own words for a refused export (its errors are GraphQL-shaped), else the status. */
async function refusal(resp: Response): Promise<string> {
  try {
    const body = (await resp.json()) as { errors?: { message?: string; extensions?: { reason?: string } }[] };
    const e = body.errors?.[0];
    if (e) return e.extensions?.reason ?? e.message ?? `the server answered ${resp.status}`;
  } catch {
    // not JSON: the status says enough
  }
  return `the server answered ${resp.status}`;
}

function fileName(resp: Response, format: Format): string {
  const m = /filename="([^"]+)"/.exec(resp.headers.get("Content-Disposition") ?? "");
  return m?.[1] ?? `sluice-activity.${format}`;
}

/** The export needs a time range: the page's, else the last 30 days up to now. */
const DAYS = 30;
function range(filter: Record<string, string | undefined>): { from: string; to: string } {
  const now = new Date();
  return {
    from: filter.from ?? new Date(now.getTime() - DAYS * 24 * 3600 * 1000).toISOString(),
    to: filter.to ?? new Date(now.getTime() + 60_000).toISOString(),
  };
}

/** `filter`: the page's filters as the export's query parameters (from, to, actor, …). */
export function ExportActivity({ filter }: { filter: Record<string, string | undefined> }) {
  const { token } = useAuth();
  const [format, setFormat] = useState<Format>("csv");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const query = new URLSearchParams({ format });
      for (const [k, v] of Object.entries({ ...filter, ...range(filter) })) if (v) query.set(k, v);
      const t = await token();
      const resp = await fetch(`/audit/export?${query}`, { headers: t ? { Authorization: `Bearer ${t}` } : {} });
      if (!resp.ok) {
        setError(`The export did not start: ${await refusal(resp)}.`);
        return;
      }
      const url = URL.createObjectURL(await resp.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = fileName(resp, format);
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
      notify(`Exported to ${a.download}.`);
    } catch (e) {
      setError(`The export failed: ${e instanceof Error ? e.message : String(e)}.`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box sx={{ display: "flex", gap: 1, alignItems: "center", flexWrap: "wrap" }}>
      <TextField select size="small" label="Export format" value={format} onChange={(e) => setFormat(e.target.value as Format)} sx={{ minWidth: 150 }}>
        <MenuItem value="csv">CSV</MenuItem>
        <MenuItem value="jsonl">JSON Lines</MenuItem>
      </TextField>
      <Button variant="outlined" disabled={busy} onClick={run} aria-describedby="export-what">{busy ? "Exporting…" : "Export"}</Button>
      <Typography id="export-what" variant="body2" color="text.secondary" sx={{ flexBasis: "100%" }}>
        {filter.from || filter.to ? "Exports what the filters select." : `Exports what the filters select, over the last ${DAYS} days (set From to go further back).`}
      </Typography>
      {error && <Alert severity="error" sx={{ flexBasis: "100%" }}>{error}</Alert>}
    </Box>
  );
}
