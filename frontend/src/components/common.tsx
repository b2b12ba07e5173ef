// Small pieces every page uses: errors, empty states, status chips, polling. (Tables are in
// PagedTable.tsx, so the first load, which needs none, does not carry them.)
import { Alert, Box, Chip, CircularProgress, Paper, Typography } from "@mui/material";
import { useEffect, type ReactNode } from "react";
import type { CombinedError } from "urql";
import { apiErrors } from "../client";
import { useScrollRegion } from "./scroll";

export function Errors({ error }: { error?: CombinedError }) {
  const errors = apiErrors(error);
  if (!errors.length) return null;
  return (
    <Box sx={{ my: 1 }}>
      {errors.map((e, i) => (
        <Alert key={i} severity="error" data-code={e.code}>
          {e.message}
        </Alert>
      ))}
    </Box>
  );
}

export function Loading() {
  return (
    <Box sx={{ display: "flex", justifyContent: "center", p: 3 }}>
      <CircularProgress aria-label="Loading" />
    </Box>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Paper variant="outlined" sx={{ p: 3, my: 2, textAlign: "center", color: "text.secondary" }}>
      {children}
    </Paper>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <Box sx={{ display: "flex", alignItems: "center", gap: 2, mb: 2, flexWrap: "wrap" }}>
      <Typography variant="h4" component="h1" sx={{ flexGrow: 1 }}>
        {children}
      </Typography>
      {actions}
    </Box>
  );
}

const GOOD = /succeeded|complete|processed|healthy|approved/i;
const BAD = /fail|rejected|revoked|unhealthy|rollback|error/i;

export function StatusChip({ status }: { status?: string | null }) {
  const s = status ?? "unknown";
  const color = BAD.test(s) ? "error" : GOOD.test(s) && !/progress/i.test(s) ? "success" : "info";
  return <Chip size="small" label={s} color={color} variant="outlined" data-testid="status" />;
}

/** Ends in one of these: polling stops. */
export function isTerminal(status?: string | null): boolean {
  if (!status) return false;
  return /^(succeeded|failed|CREATE_COMPLETE|UPDATE_COMPLETE|DELETE_COMPLETE|.*_FAILED|.*ROLLBACK_COMPLETE|Processed|Rejected|Revoked|Draft|Submitted)$/.test(
    status,
  );
}

/** Calls `refetch` every `ms` while `active`. */
export function usePolling(active: boolean, refetch: () => void, ms = 2000) {
  useEffect(() => {
    if (!active) return;
    const t = window.setInterval(refetch, ms);
    return () => window.clearInterval(t);
  }, [active, refetch, ms]);
}

/** A log (stack events, a share's processing): monospace lines in a box that scrolls by itself,
 * and so takes keyboard focus while it does. */
export function LogBox({ label, children }: { label: string; children: ReactNode }) {
  const region = useScrollRegion<HTMLDivElement>(label);
  return (
    <Paper variant="outlined" sx={{ p: 1, maxHeight: 300, overflow: "auto", fontFamily: "monospace", fontSize: 13 }} {...region}>
      {children}
    </Paper>
  );
}
