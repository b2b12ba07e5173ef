// The platform's tasks, newest first: what each does and to what, in words; how far it got (a
// sentence, and a bar while it runs); why it failed, with a retry. The status filter is in the
// URL (?tab=tasks&status=failed). The list updates by itself while a task on the page runs.
import { Alert, Box, Button, LinearProgress, Link, Paper, Stack, TablePagination, TextField, Typography } from "@mui/material";
import { useCallback, useState } from "react";
import { Link as RouterLink, useSearchParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import type { TaskStatusGql } from "../../gql/graphql";
import { Empty, Errors, Loading, StatusChip, usePolling } from "../common";
import { notify } from "../Notices";
import { taskSentence } from "../taskWords";
import { apiErrors } from "../../client";

const PAGE = 20;

const ListTasks = graphql(`
  query AdminTasks($filter: TaskFilter) {
    listTasks(filter: $filter) {
      count
      nodes {
        taskUri
        action
        targetUri
        targetType
        targetLabel
        status
        attempts
        lastError
        progress
        updated
      }
    }
  }
`);

export const RetryTask = graphql(`
  mutation RetryTask($uri: String!) {
    retryTask(taskUri: $uri) {
      taskUri
      status
    }
  }
`);

/** What a task does, as a person would say it; an action this list does not know shows as is. */
const ACTIONS: Record<string, string> = {
  "platform.health": "Health check",
  "catalog.index": "Search index update",
  "catalog.reindex": "Search index rebuild",
  "glossary.reindex-term": "Search index update for a glossary term",
  "environment.deploy": "Environment stack deploy",
  "environment.delete-stack": "Environment stack deletion",
  "dataset.deploy": "Dataset stack deploy",
  "dataset.delete-stack": "Dataset stack deletion",
  "dataset.sync-tables": "Table sync from Glue",
  "dataset.register-location": "Lake Formation registration of an imported dataset",
  "dataset.start-crawler": "Glue crawler start",
  "share.process": "Share granting",
  "share.revoke": "Share revoking",
  "share.verify": "Share check against AWS",
  "share.reapply": "Share re-apply",
};

export const actionWords = (action: string) => ACTIONS[action] ?? action;

/** The target by its name, linked to its page when it has one; the platform's own tasks have
 * neither. A target since deleted has no name left: its kind alone. */
function Target({ type, uri, label }: { type: string; uri: string; label?: string | null }) {
  const to = { environment: "/environments/", dataset: "/datasets/", share_object: "/shares/", glossary: "/glossaries/", organization: "/organizations/" }[type];
  const word = { environment: "environment", dataset: "dataset", share_object: "share", glossary: "glossary", organization: "organization", platform: "the platform" }[type] ?? type;
  const text = label ? `${word} “${label}”` : type === "platform" ? word : `a deleted ${word}`;
  return to && label ? <Link component={RouterLink} to={`${to}${uri}`}>{text}</Link> : <>{text}</>;
}

const STATUSES: { value: "" | TaskStatusGql; label: string }[] = [
  { value: "", label: "Any" },
  { value: "failed", label: "Failed" },
  { value: "started", label: "Running" },
  { value: "pending", label: "Waiting" },
  { value: "succeeded", label: "Finished" },
];

export function TasksTab() {
  const [params, setParams] = useSearchParams();
  const status = STATUSES.find((s) => s.value && s.value === params.get("status"))?.value || undefined;
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ListTasks,
    variables: { filter: { status, page, pageSize: PAGE } },
  });
  const [retried, retry] = useMutation(RetryTask);
  // The row whose retry failed shows why, beside its button.
  const [failedRetry, setFailedRetry] = useState<string | null>(null);
  const reload = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const tasks = data?.listTasks.nodes ?? [];
  usePolling(tasks.some((t) => t.status === "pending" || t.status === "started"), reload);
  const pick = (v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set("status", v);
    else next.delete("status");
    setParams(next);
    setPage(1);
  };
  const again = async (t: (typeof tasks)[number]) => {
    setFailedRetry(t.taskUri);
    const r = await retry({ uri: t.taskUri });
    if (r.error) return;
    setFailedRetry(null);
    notify(`${actionWords(t.action)} runs again, from its first attempt.`);
    reload();
  };
  return (
    <>
      <Box sx={{ display: "flex", flexWrap: "wrap", gap: 2, alignItems: "center", mb: 2 }}>
        <Typography sx={{ flex: "1 1 20rem" }}>
          Work Sluice does in the background: stack deploys, table syncs, the search index. Listed are the platform's own tasks
          and those on what your teams may read. A failed task says why; fix the cause, then run it again.
        </Typography>
        <TextField select size="small" label="Status" value={status ?? ""} onChange={(e) => pick(e.target.value)} sx={{ minWidth: 160 }}
          slotProps={{ select: { native: true }, inputLabel: { shrink: true } }}>
          {STATUSES.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
        </TextField>
      </Box>
      <Errors error={error} />
      {fetching && !data && <Loading />}
      {data?.listTasks.count === 0 && <Empty>{status ? "No task with this status." : "No task yet."}</Empty>}
      {data && tasks.length > 0 && (
        // Cards, not a table: the reasons are long, and a phone has no room for columns.
        <Stack component="ul" role="list" spacing={1} aria-label="Tasks" sx={{ listStyle: "none", p: 0, m: 0 }}>
          {tasks.map((t) => (
            <Paper component="li" variant="outlined" key={t.taskUri} sx={{ p: 2 }}>
              <Box sx={{ display: "flex", flexWrap: "wrap", gap: 1, alignItems: "center" }}>
                <Typography sx={{ fontWeight: 500, flexGrow: 1 }}>
                  {actionWords(t.action)}, on <Target type={t.targetType} uri={t.targetUri} label={t.targetLabel} />
                </Typography>
                <StatusChip status={t.status} />
              </Box>
              <Typography variant="body2" sx={{ mt: 0.5 }}>
                {taskSentence(t)}
                {t.attempts > 1 && ` ${t.attempts} attempts.`}
              </Typography>
              {t.status === "started" && <LinearProgress aria-label={`${actionWords(t.action)} running`} sx={{ mt: 1 }} />}
              {t.lastError && (
                <Typography variant="body2" color={t.status === "failed" ? "error" : "text.secondary"} sx={{ mt: 0.5, overflowWrap: "anywhere" }}>
                  {t.status === "failed" ? "Why it failed: " : "The last attempt failed: "}{t.lastError}
                </Typography>
              )}
              {t.status === "failed" && (
                <Stack spacing={1} sx={{ mt: 1 }}>
                  <Box>
                    <Button size="small" variant="outlined" disabled={retried.fetching} onClick={() => void again(t)}
                      aria-label={`Retry ${actionWords(t.action)}`}>Retry</Button>
                  </Box>
                  {failedRetry === t.taskUri && apiErrors(retried.error).map((e, i) => (
                    <Alert key={i} severity="error" data-code={e.code}>{e.message}</Alert>
                  ))}
                </Stack>
              )}
            </Paper>
          ))}
        </Stack>
      )}
      {data && data.listTasks.count > PAGE && (
        <TablePagination component="div" count={data.listTasks.count} page={page - 1} rowsPerPage={PAGE} rowsPerPageOptions={[PAGE]}
          onPageChange={(_, p) => setPage(p + 1)} />
      )}
    </>
  );
}
