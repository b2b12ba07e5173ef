// Activity: the audit trail (every mutation, refused and failed ones included), newest first,
// filtered and paged with the filters in the URL (a link, a reload and Back keep them), and
// exported as CSV or JSON Lines for the same filters.
import { Box, Chip, Link, Typography } from "@mui/material";
import { Link as RouterLink, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { ActivityFilters, FILTER_KEYS, type Filters } from "../components/access/ActivityFilters";
import { ExportActivity } from "../components/access/ExportActivity";
import { outcomeWords } from "../components/access/words";
import { Empty, Errors, Loading, PageTitle } from "../components/common";
import { PagedTable } from "../components/PagedTable";
import { RelativeTime } from "../components/RelativeTime";
import { graphql } from "../gql";

const PAGE = 20;

const ListActivity = graphql(`
  query ListActivity($filter: ActivityFilter) {
    listActivity(filter: $filter) {
      count
      page
      nodes {
        activityUri
        created
        actor
        actorKind
        actorPrincipal
        action
        targetType
        targetUri
        outcome
        summary
        reason
      }
    }
  }
`);

/** Where a target's own page is, for the kinds that have one. */
const PAGES: Record<string, string> = {
  dataset: "datasets", datasettable: "tables", shareobject: "shares", environment: "environments", organization: "organizations", glossary: "glossaries",
};

function Target({ type, uri }: { type: string; uri: string }) {
  const page = PAGES[type.toLowerCase().replace(/[^a-z]/g, "")];
  const kind = type.replace(/_/g, " ");
  return (
    <Box sx={{ overflowWrap: "anywhere", minWidth: 120 }}>
      {kind} {page ? <Link component={RouterLink} to={`/${page}/${uri}`}>{uri}</Link> : <code>{uri}</code>}
    </Box>
  );
}

const COLOR: Record<string, "success" | "warning" | "error"> = { success: "success", denied: "warning", failed: "error" };

export function ActivityPage() {
  const [params, setParams] = useSearchParams();
  const filters: Filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined]));
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [{ data, fetching, error }] = useQuery({ query: ListActivity, variables: { filter: { ...filters, page, pageSize: PAGE } } });
  const list = data?.listActivity;
  const go = (next: Filters, p?: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) q.set(k, v);
    if (p && p > 1) q.set("page", String(p));
    setParams(q);
  };
  const filtered = Object.values(filters).some(Boolean);
  return (
    <>
      <PageTitle>Activity</PageTitle>
      <Typography color="text.secondary">
        Every change made through Sluice, refused and failed ones too, newest first: all of it for platform admins, your teams' resources for anyone else.
      </Typography>
      <ActivityFilters value={filters} onChange={(f) => go(f)} />
      <Box sx={{ mb: 2 }}><ExportActivity filter={filters} /></Box>
      <Errors error={error} />
      {fetching && !list && <Loading />}
      {list?.count === 0 && <Empty>{filtered ? "Nothing matches these filters." : "Nothing has happened yet."}</Empty>}
      {list && list.count > 0 && (
        <PagedTable label="Activity" rows={list.nodes} count={list.count} page={page} pageSize={PAGE} onPage={(p) => go(filters, p)} rowKey={(a) => a.activityUri}
          columns={[
            { label: "When", render: (a) => <RelativeTime iso={a.created} /> },
            { label: "Who", render: (a) => (
              <Box sx={{ overflowWrap: "anywhere", minWidth: 100 }}>
                {a.actor}{a.actorKind === "iam" && a.actorPrincipal && <Typography variant="body2" color="text.secondary">as {a.actorPrincipal}</Typography>}
              </Box>) },
            { label: "Action", render: (a) => <code>{a.action}</code> },
            { label: "Target", render: (a) => <Target type={a.targetType} uri={a.targetUri} /> },
            { label: "Outcome", render: (a) => <Chip size="small" variant="outlined" color={COLOR[a.outcome] ?? "default"} label={outcomeWords(a.outcome)} /> },
            { label: "What", render: (a) => (
              <Box sx={{ minWidth: 200 }}>
                {a.summary}
                {a.reason && a.reason !== a.summary && <Typography variant="body2" color="text.secondary">Why: {a.reason}</Typography>}
              </Box>) },
          ]} />
      )}
    </>
  );
}
