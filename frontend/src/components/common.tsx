// Small pieces every page uses: errors, empty states, status chips, server-paged tables, polling.
import {
  Alert,
  Box,
  Chip,
  CircularProgress,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TablePagination,
  TableRow,
  Typography,
} from "@mui/material";
import { useEffect, type ReactNode } from "react";
import type { CombinedError } from "urql";
import { apiErrors } from "../client";

export function Errors({ error }: { error?: CombinedError }) {
  const errors = apiErrors(error);
  if (!errors.length) return null;
  return (
    <Box sx={{ my: 1 }}>
      {errors.map((e, i) => (
        <Alert key={i} severity="error" data-code={e.code}>
          {e.code === "FORBIDDEN" ? `You may not see this. ${e.message}` : e.message}
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

export interface Column<T> {
  label: string;
  render: (row: T) => ReactNode;
}

/** A table whose pages come from the server (`page` is 1-based, as the API counts). */
export function PagedTable<T>({
  rows,
  columns,
  count,
  page,
  pageSize,
  onPage,
  rowKey,
  label,
}: {
  rows: T[];
  columns: Column<T>[];
  count: number;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  rowKey: (row: T) => string;
  label: string;
}) {
  return (
    <TableContainer component={Paper} variant="outlined">
      <Table size="small" aria-label={label}>
        <TableHead>
          <TableRow>
            {columns.map((c) => (
              <TableCell key={c.label}>{c.label}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((r) => (
            <TableRow key={rowKey(r)}>
              {columns.map((c) => (
                <TableCell key={c.label}>{c.render(r)}</TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {count > pageSize && (
        <TablePagination
          component="div"
          count={count}
          page={page - 1}
          rowsPerPage={pageSize}
          rowsPerPageOptions={[pageSize]}
          onPageChange={(_, p) => onPage(p + 1)}
        />
      )}
    </TableContainer>
  );
}
