// A table whose pages come from the server.
import { Paper, Table, TableBody, TableCell, TableContainer, TableHead, TablePagination, TableRow } from "@mui/material";
import type { SxProps, Theme } from "@mui/material";
import type { ReactNode } from "react";
import { useScrollRegion } from "./scroll";

// Below the "sm" breakpoint: the header is hidden (still read by screen readers), each row is a
// card and each cell a "label value" line, its label from `data-label`.
const cardsOnPhone: SxProps<Theme> = (theme) => ({
  [theme.breakpoints.down("sm")]: {
    display: "block",
    width: "100%",
    "& tbody": { display: "block", width: "100%" },
    "& thead": { position: "absolute", width: "1px", height: "1px", overflow: "hidden", clip: "rect(0 0 0 0)", whiteSpace: "nowrap" },
    "& tbody tr": { display: "block", width: "100%", py: 1, borderBottom: `1px solid ${theme.palette.divider}` },
    "& tbody tr:last-of-type": { borderBottom: 0 },
    "& tbody td": {
      display: "grid", gridTemplateColumns: "7.5rem minmax(0, 1fr)", columnGap: 1, alignItems: "baseline",
      border: 0, py: 0.5, px: 2, minWidth: 0, maxWidth: "100%", boxSizing: "border-box", overflowWrap: "anywhere",
    },
    "& tbody td::before": { content: "attr(data-label)", fontWeight: 600, color: theme.palette.text.secondary },
    "& tbody td[data-label='']": { gridTemplateColumns: "minmax(0, 1fr)" },
    "& tbody td[data-label='']::before": { display: "none" },
  },
});

export interface Column<T> {
  label: string;
  render: (row: T) => ReactNode;
}

/** A table whose pages come from the server (`page` is 1-based, as the API counts). On a phone
 * each row becomes a card of "column: value" lines, so long values (ARNs, URLs) wrap instead of
 * scrolling sideways; the ARIA roles are given explicitly, as a table laid out as blocks would
 * otherwise lose them. */
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
      <Table size="small" aria-label={label} role="table" sx={cardsOnPhone}>
        <TableHead role="rowgroup">
          <TableRow role="row">
            {columns.map((c, i) => (
              <TableCell key={c.label || i} role="columnheader">{c.label}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody role="rowgroup">
          {rows.map((r) => (
            <TableRow key={rowKey(r)} role="row">
              {columns.map((c, i) => (
                <TableCell key={c.label || i} role="cell" data-label={c.label}>{c.render(r)}</TableCell>
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
