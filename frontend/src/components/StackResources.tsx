// What an environment's or a dataset's stack holds, as CloudFormation lists it: a list that
// opens on demand (each look is one AWS call), read again when the stack's status moves.
import {
  Accordion, AccordionDetails, AccordionSummary, Box, List, ListItem, Paper, Typography, useMediaQuery, type Theme,
} from "@mui/material";
import { useEffect, useId, useState } from "react";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Empty, Errors, Loading, StatusChip } from "./common";
import { PagedTable } from "./PagedTable";

const Resources = graphql(`
  query StackResources($stackUri: String!, $targetUri: String!, $targetType: String!) {
    getStack(stackUri: $stackUri, targetUri: $targetUri, targetType: $targetType) {
      stackUri
      resources
    }
  }
`);

export interface StackResource {
  /** Its place in the list: what CloudFormation says may leave the ids out (moto does, for some types). */
  n: number;
  logicalId: string;
  type: string;
  physicalId: string;
  status: string;
}

/** `Stack.resources`: a JSON list of `{logicalId, physicalId, type, status}`; undefined when it
 * is anything else, so the page says it could not read it rather than show the text. */
export function parseResources(text: string): StackResource[] | undefined {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(list)) return undefined;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  return list
    .filter((r): r is Record<string, unknown> => !!r && typeof r === "object")
    .map((r, n) => ({ n, logicalId: str(r.logicalId), type: str(r.type), physicalId: str(r.physicalId), status: str(r.status) }));
}

const MONO = { fontFamily: "monospace", fontSize: 13 } as const;

/** A missing value is a dash; a physical id (an ARN, a long name) wraps anywhere rather than
 * widen the page. */
function Text({ value, id }: { value: string; id?: boolean }) {
  if (!value) return <Typography component="span" color="text.secondary">—</Typography>;
  return <Box component="span" sx={id ? { ...MONO, overflowWrap: "anywhere" } : { overflowWrap: "break-word" }}>{value}</Box>;
}

/** A table; on a phone, where four columns do not fit, a list with one resource per item. */
function ResourceList({ rows }: { rows: StackResource[] }) {
  const phone = useMediaQuery((t: Theme) => t.breakpoints.down("sm"));
  if (!phone) {
    return (
      <PagedTable label="Stack resources" rows={rows} count={rows.length} page={1} pageSize={rows.length} onPage={() => undefined}
        rowKey={(r) => String(r.n)}
        columns={[
          { label: "Logical id", render: (r) => <Text value={r.logicalId} /> },
          { label: "Type", render: (r) => <Text value={r.type} /> },
          { label: "Physical id", render: (r) => <Text value={r.physicalId} id /> },
          { label: "Status", render: (r) => <StatusChip status={r.status} /> },
        ]} />
    );
  }
  return (
    <Paper variant="outlined">
      <List aria-label="Stack resources" dense disablePadding>
        {rows.map((r, i) => (
          <ListItem key={r.n} divider={i < rows.length - 1} sx={{ display: "block" }}>
            <Box sx={{ display: "flex", justifyContent: "space-between", alignItems: "center", gap: 1 }}>
              <Typography sx={{ overflowWrap: "anywhere", minWidth: 0 }}><Text value={r.logicalId} /></Typography>
              <Box sx={{ flexShrink: 0 }}><StatusChip status={r.status} /></Box>
            </Box>
            <Typography variant="body2" color="text.secondary">Type: <Text value={r.type} /></Typography>
            <Typography variant="body2" color="text.secondary">Physical id: <Text value={r.physicalId} id /></Typography>
          </ListItem>
        ))}
      </List>
    </Paper>
  );
}

export function StackResources({ stack, targetUri, targetType }: {
  stack: { stackUri: string; status: string };
  targetUri: string;
  targetType: "environment" | "dataset";
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const variables = { stackUri: stack.stackUri, targetUri, targetType };
  const [{ data, fetching, error }, refetch] = useQuery({ query: Resources, variables, pause: !open });
  // A deploy changes what the stack holds: look again when its status moves.
  useEffect(() => {
    if (open) refetch({ requestPolicy: "network-only" });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stack.status]);
  const text = data?.getStack.resources;
  const rows = text ? parseResources(text) : undefined;
  return (
    <Accordion variant="outlined" disableGutters expanded={open} onChange={(_, o) => setOpen(o)} sx={{ my: 1 }}
      slotProps={{ transition: { unmountOnExit: true } }}>
      <AccordionSummary id={`${id}-summary`} aria-controls={`${id}-details`} expandIcon={<span aria-hidden>▾</span>}>
        <Typography>Resources{rows?.length ? ` (${rows.length})` : ""}</Typography>
      </AccordionSummary>
      <AccordionDetails>
        <Errors error={error} />
        {fetching && !data && <Loading />}
        {data && (stack.status === "PENDING" || text == null ? (
          <Empty>
            No resources yet:{" "}
            {stack.status === "PENDING" ? "the stack isn't deployed." : "CloudFormation has no such stack yet, or Sluice runs without AWS."}
          </Empty>
        ) : !rows ? (
          <Empty>Sluice could not read what CloudFormation says the stack holds.</Empty>
        ) : rows.length === 0 ? (
          <Empty>No resources yet.</Empty>
        ) : (
          <ResourceList rows={rows} />
        ))}
      </AccordionDetails>
    </Accordion>
  );
}
