// A table whose pages come from the server.
import { Paper, Table, TableBody, TableCell, TableContainer, TableHead, TablePagination, TableRow } from "@mui/material";
import type { ReactNode } from "react";
import { useScrollRegion } from "./scroll";

export interface Column<T> {
  label: string;
  render: (row: T) => ReactNode;
}

/** A table whose pages come from the server (`page` is 1-based, as the API counts). Too wide for
 * the screen (a phone), it scrolls sideways inside its own box, never the page. */
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
  const region = useScrollRegion<HTMLDivElement>(label);
  return (
    <TableContainer component={Paper} variant="outlined" {...region}>
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
