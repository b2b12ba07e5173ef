// The catalog's search index: rebuilding it from the database (after restoring a backup, or when
// search and the catalog disagree), with the latest rebuild's progress, which updates by itself
// while it runs.
import { Alert, Box, Button, LinearProgress, Paper, Stack, Typography } from "@mui/material";
import { useCallback } from "react";
import { useMutation, useQuery } from "urql";
import { apiErrors } from "../../client";
import { graphql } from "../../gql";
import { Errors, Loading, StatusChip, usePolling } from "../common";
import { notify } from "../Notices";
import { taskSentence } from "../taskWords";

const REINDEX = "catalog.reindex";

// The platform's own tasks (health checks, rebuilds), newest first: the latest rebuild is among
// the first few unless many health checks ran since.
const PlatformTasks = graphql(`
  query PlatformTasks {
    listTasks(filter: { targetUri: "platform", pageSize: 50 }) {
      nodes {
        taskUri
        action
        status
        progress
        lastError
        updated
      }
    }
  }
`);

const StartReindex = graphql(`
  mutation StartReindexCatalog {
    startReindexCatalog {
      taskUri
      action
      status
      progress
      lastError
      updated
    }
  }
`);

export function CatalogIndexTab() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: PlatformTasks });
  const [started, start] = useMutation(StartReindex);
  const reload = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  // The rebuild just started is the one to follow, even before the list has caught up with it.
  const mine = started.data?.startReindexCatalog;
  const last = (mine && data?.listTasks.nodes.find((t) => t.taskUri === mine.taskUri)) || mine || data?.listTasks.nodes.find((t) => t.action === REINDEX);
  const running = last?.status === "pending" || last?.status === "started";
  usePolling(running, reload);
  const rebuild = async () => {
    const r = await start({});
    if (r.error) return;
    notify("The search index rebuild is queued.");
    reload();
  };
  return (
    <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-label="Search index">
      <Stack spacing={2}>
        <Typography>
          Search answers from an index of the catalog. Sluice keeps it up to date by itself; rebuild it from the database after
          restoring a backup, or when search misses what the catalog holds.
        </Typography>
        <Box>
          <Button variant="contained" onClick={() => void rebuild()} disabled={started.fetching || running}>Rebuild the search index</Button>
        </Box>
        {apiErrors(started.error).map((e, i) => <Alert key={i} severity="error" data-code={e.code}>{e.message}</Alert>)}
        <Errors error={error} />
        {fetching && !data && <Loading />}
        {data && !last && <Typography color="text.secondary">No rebuild yet.</Typography>}
        {last && (
          <Box aria-label="Latest rebuild" role="group">
            <Box sx={{ display: "flex", gap: 1, alignItems: "center", flexWrap: "wrap" }}>
              <Typography>Latest rebuild:</Typography>
              <StatusChip status={last.status} />
            </Box>
            <Typography sx={{ mt: 1 }}>{taskSentence(last)}</Typography>
            {running && <LinearProgress aria-label="Rebuilding the search index" sx={{ mt: 1 }} />}
            {last.lastError && <Alert severity="error" sx={{ mt: 1 }}>{last.lastError}</Alert>}
          </Box>
        )}
      </Stack>
    </Paper>
  );
}
