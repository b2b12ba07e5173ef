// The catalog: free-text search over datasets, tables and folders with facet filters (glossary
// terms among them), a sort order, server pages, and "Request access" on tables of other teams'
// datasets. The search state lives in the URL, so a search can be shared as a link and the back
// button returns to it.
import {
  Box, Button, Checkbox, Chip, FormControlLabel, FormGroup, Link, Pagination, Paper, Stack, TextField, Typography,
} from "@mui/material";
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Link as RouterLink, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { RequestAccess, ownsDataset } from "../components/RequestAccess";
import { Empty, Errors, Loading, PageTitle } from "../components/common";
import { graphql } from "../gql";
import type { CatalogResourceKind, DatasetRole, SearchCatalogFilters, SearchCatalogInput } from "../gql/graphql";

const PAGE = 10;

const SearchCatalog = graphql(`
  query SearchCatalog($input: SearchCatalogInput) {
    searchCatalog(input: $input) {
      count
      page
      pages
      nodes {
        kind
        uri
        datasetUri
        name
        label
        snippet
        highlight
        userRoleForDataset
        upvotes
      }
      facets {
        resourceKind { value count }
        tags { value count }
        topics { value count }
        terms { value count }
        region { value count }
        environmentUri { value count }
        organizationUri { value count }
        confidentiality { value count }
      }
    }
  }
`);

// Facet values for environments and organizations are URIs; these name the ones the user sees.
const CatalogNames = graphql(`
  query CatalogNames {
    listEnvironments(filter: { pageSize: 100 }) {
      nodes { environmentUri label }
    }
    listOrganizations(filter: { pageSize: 100 }) {
      nodes { organizationUri label }
    }
  }
`);

type FacetKey = keyof Omit<SearchCatalogFilters, "__typename">;
const FACETS: { key: FacetKey; label: string }[] = [
  { key: "resourceKind", label: "Kind" },
  { key: "tags", label: "Tags" },
  { key: "topics", label: "Topics" },
  { key: "terms", label: "Terms" },
  { key: "region", label: "Region" },
  { key: "environmentUri", label: "Environment" },
  { key: "organizationUri", label: "Organization" },
  { key: "confidentiality", label: "Confidentiality" },
];

type SortBy = NonNullable<SearchCatalogInput["sortBy"]>;
const SORTS: { value: SortBy; label: string }[] = [
  { value: "relevance", label: "Relevance" },
  { value: "votes", label: "Most upvoted" },
  { value: "label", label: "Name" },
];
const isSort = (s: string | null): s is SortBy => SORTS.some((o) => o.value === s);

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'", "&#x2F;": "/" };
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|#x27|#39|#x2F);/g, (m) => ENTITIES[m] ?? m);

/** The server's highlight is escaped text with matched words in `<em>`. It is turned into React
 * nodes rather than injected as HTML, so nothing in a description can ever become markup. */
export function Highlight({ html }: { html: string }) {
  const parts = html.split(/<em>(.*?)<\/em>/s);
  return (
    <>
      {parts.map((p, i) => (i % 2 === 1 ? <mark key={i}>{unescape(p)}</mark> : <span key={i}>{unescape(p)}</span>))}
    </>
  );
}

/** "Request access", except on tables the user's own teams administer or steward: they hold
 * them already. The role comes with the hit, for the whole page in one search. */
function TableAccess({ datasetUri, tableUri, role }: { datasetUri: string; tableUri: string; role: DatasetRole }) {
  if (ownsDataset(role)) {
    return <Chip size="small" color="success" variant="outlined" label="Your team's data" title={`Your role: ${role}`} />;
  }
  return <RequestAccess datasetUri={datasetUri} itemUri={tableUri} itemType="Table" />;
}

function hitLink(h: { kind: CatalogResourceKind; uri: string; datasetUri: string }) {
  // Folders have no page of their own: their dataset's page lists them.
  return h.kind === "table" ? `/tables/${h.uri}` : `/datasets/${h.datasetUri}`;
}

export function CatalogPage() {
  const [params, setParams] = useSearchParams();
  const term = params.get("q") ?? "";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const sortParam = params.get("sort");
  const sortBy: SortBy = isSort(sortParam) ? sortParam : "relevance";
  const filters: SearchCatalogFilters = {};
  for (const f of FACETS) {
    const values = params.getAll(f.key);
    if (values.length) (filters as Record<string, string[]>)[f.key] = values;
  }
  const filtered = Object.keys(filters).length > 0;
  const [draft, setDraft] = useState(term);
  useEffect(() => setDraft(term), [term]); // back and forward restore the box too
  const [{ data, fetching, error }] = useQuery({
    query: SearchCatalog,
    variables: { input: { term, filters, sortBy, page, pageSize: PAGE } },
    requestPolicy: "cache-and-network",
  });
  const [names] = useQuery({ query: CatalogNames });
  const nameOf = (key: FacetKey, value: string) => {
    if (key === "environmentUri") return names.data?.listEnvironments.nodes.find((e) => e.environmentUri === value)?.label ?? value;
    if (key === "organizationUri") return names.data?.listOrganizations.nodes.find((o) => o.organizationUri === value)?.label ?? value;
    return value;
  };
  // While the next search runs, the last answer stays on screen, so the filters don't vanish
  // under the pointer.
  const last = useRef(data?.searchCatalog);
  if (data?.searchCatalog) last.current = data.searchCatalog;
  const result = data?.searchCatalog ?? last.current;

  const update = (change: (p: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    change(next);
    next.delete("page"); // a new search or filter starts at its first page
    setParams(next);
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    update((p) => (draft.trim() ? p.set("q", draft.trim()) : p.delete("q")));
  };
  const toggle = (key: FacetKey, value: string) =>
    update((p) => {
      const values = p.getAll(key);
      p.delete(key);
      for (const v of values.includes(value) ? values.filter((v) => v !== value) : [...values, value]) p.append(key, v);
    });
  const sort = (value: string) => update((p) => (value === "relevance" ? p.delete("sort") : p.set("sort", value)));
  const clear = () => {
    setDraft("");
    setParams(new URLSearchParams());
  };
  const goTo = (n: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(n));
    setParams(next);
  };

  let empty: ReactNode = null;
  if (result?.count === 0) {
    empty = term || filtered ? (
      <>
        Nothing matches{term && <> “{term}”</>}{filtered && " with these filters"}. Try other or fewer words, or clear the filters. A table
        synced a moment ago appears once it has been indexed.
      </>
    ) : (
      <>The catalog is empty. Publish a dataset under Datasets and sync its tables: they appear here a moment later.</>
    );
  }

  return (
    <>
      <PageTitle>Catalog</PageTitle>
      <Box component="form" role="search" aria-label="Catalog search" onSubmit={search} sx={{ display: "flex", gap: 1, mb: 2 }}>
        <TextField label="Search the catalog" value={draft} onChange={(e) => setDraft(e.target.value)} size="small" fullWidth
          placeholder="table, dataset or folder names, descriptions, columns, tags" />
        <Button type="submit" variant="contained">Search</Button>
        {(term || filtered) && <Button onClick={clear}>Clear</Button>}
      </Box>
      <Errors error={error} />
      {/* On a phone the filters sit above the results rather than squeeze them. */}
      <Box sx={{ display: "flex", flexDirection: { xs: "column", md: "row" }, gap: { xs: 2, md: 3 }, alignItems: { xs: "stretch", md: "flex-start" } }}>
        <Box component="aside" aria-label="Filters" sx={{
          width: { xs: "100%", md: 240 }, flexShrink: 0, display: "grid", gap: 2,
          gridTemplateColumns: { xs: "repeat(auto-fill, minmax(160px, 1fr))", md: "1fr" },
        }}>
          {result && FACETS.map((f) => {
            const selected = params.getAll(f.key);
            const values = result.facets[f.key];
            // A selected value stays visible (with count 0) so it can be unticked.
            const shown = [...values, ...selected.filter((s) => !values.some((v) => v.value === s)).map((value) => ({ value, count: 0 }))];
            if (!shown.length) return null;
            return (
              <Box key={f.key} role="group" aria-label={f.label}>
                <Typography variant="subtitle2">{f.label}</Typography>
                <FormGroup>
                  {shown.map((v) => (
                    <FormControlLabel key={v.value} sx={{ my: -0.5 }}
                      control={<Checkbox size="small" checked={selected.includes(v.value)} onChange={() => toggle(f.key, v.value)} />}
                      label={<Typography variant="body2">{`${nameOf(f.key, v.value)} (${v.count})`}</Typography>} />
                  ))}
                </FormGroup>
              </Box>
            );
          })}
        </Box>
        <Box sx={{ flexGrow: 1, minWidth: 0 }}>
          {fetching && !result && <Loading />}
          {empty && <Empty>{empty}</Empty>}
          {result && result.count > 0 && (
            <>
              <Box sx={{ display: "flex", alignItems: "center", gap: 1, mb: 1, flexWrap: "wrap" }}>
                <Typography color="text.secondary" data-testid="hit-count" sx={{ flexGrow: 1 }}>
                  {result.count === 1 ? "1 entry" : `${result.count} entries`}
                </Typography>
                <TextField select size="small" label="Sort by" value={sortBy} onChange={(e) => sort(e.target.value)}
                  slotProps={{ select: { native: true } }} sx={{ minWidth: 160 }}>
                  {SORTS.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
                </TextField>
              </Box>
              <Stack spacing={1} component="ul" aria-label="Search results" sx={{ listStyle: "none", p: 0, m: 0 }}>
                {result.nodes.map((h) => (
                  <Paper key={h.uri} variant="outlined" component="li" sx={{ p: 1.5, display: "flex", flexWrap: "wrap", gap: 2, alignItems: "center" }}>
                    <Box sx={{ flex: "1 1 240px", minWidth: 0 }}>
                      <Stack direction="row" sx={{ alignItems: "center", flexWrap: "wrap", columnGap: 1 }}>
                        <Chip size="small" label={h.kind} variant="outlined" />
                        <Link component={RouterLink} to={hitLink(h)} variant="subtitle1" sx={{ overflowWrap: "anywhere" }}>{h.label}</Link>
                        {h.name !== h.label && <Typography variant="body2" color="text.secondary"><code>{h.name}</code></Typography>}
                        {h.upvotes != null && (
                          <Typography variant="body2" color="text.secondary" aria-label={`${h.upvotes} ${h.upvotes === 1 ? "upvote" : "upvotes"}`}
                            title="Upvotes of the dataset">▲ {h.upvotes}</Typography>
                        )}
                      </Stack>
                      <Typography variant="body2" color="text.secondary" sx={{ "& mark": { fontWeight: 600, bgcolor: "warning.light" } }}>
                        {h.highlight ? <Highlight html={h.highlight} /> : h.snippet}
                      </Typography>
                    </Box>
                    {h.kind === "table" && <TableAccess datasetUri={h.datasetUri} tableUri={h.uri} role={h.userRoleForDataset} />}
                  </Paper>
                ))}
              </Stack>
              {result.pages > 1 && (
                <Pagination sx={{ mt: 2 }} count={result.pages} page={result.page} onChange={(_, n) => goTo(n)} />
              )}
            </>
          )}
        </Box>
      </Box>
    </>
  );
}
