// Glossaries (business terms): the list with each one's counts, and creating one for a team.
// A glossary's own page, with its tree and links, is in glossariesDetail.tsx.
import { Alert, Box, Button, Link, Paper, Stack, TextField, Typography } from "@mui/material";
import { useEffect, useState, type FormEvent } from "react";
import { Link as RouterLink, useLocation, useNavigate } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { PagedTable } from "../components/PagedTable";
import { Empty, Errors, Loading, PageTitle } from "../components/common";
import { FormAlerts, useFieldErrors } from "../components/form";
import { graphql } from "../gql";

const PAGE = 10;

const ListGlossaries = graphql(`
  query ListGlossaries($term: String!, $page: Int!) {
    listGlossaries(filter: { term: $term, page: $page, pageSize: 10 }) {
      count
      page
      pages
      nodes {
        nodeUri
        label
        readme
        admin
        stats {
          categories
          terms
          associations
        }
      }
    }
  }
`);

const CreateGlossary = graphql(`
  mutation CreateGlossary($label: String!, $readme: String!, $admin: String!) {
    createGlossary(input: { label: $label, readme: $readme, admin: $admin }) {
      nodeUri
    }
  }
`);

export function GlossariesPage() {
  const [page, setPage] = useState(1);
  const [draft, setDraft] = useState("");
  const [term, setTerm] = useState("");
  const [creating, setCreating] = useState(false);
  // "Deleted …", carried here from the glossary's page; shown once, not again on reload.
  const location = useLocation();
  const navigate = useNavigate();
  const [notice, setNotice] = useState<string | null>((location.state as { notice?: string } | null)?.notice ?? null);
  useEffect(() => {
    if (location.state) navigate(location.pathname, { replace: true, state: null });
  }, [location, navigate]);
  useEffect(() => {
    const t = window.setTimeout(() => (setTerm(draft.trim()), setPage(1)), 300);
    return () => window.clearTimeout(t);
  }, [draft]);
  const [{ data, fetching, error }] = useQuery({ query: ListGlossaries, variables: { term, page } });
  const list = data?.listGlossaries;
  return (
    <>
      <PageTitle actions={!creating && <Button variant="contained" onClick={() => setCreating(true)}>Create glossary</Button>}>
        Glossaries
      </PageTitle>
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        Business terms, grouped in categories, that teams link to their datasets, tables and columns so others find the data by what it means.
      </Typography>
      {notice && <Alert severity="success" role="status" onClose={() => setNotice(null)} sx={{ mb: 2 }}>{notice}</Alert>}
      {creating && <CreateGlossaryForm onCancel={() => setCreating(false)} />}
      <TextField label="Filter glossaries" size="small" value={draft} onChange={(e) => setDraft(e.target.value)} sx={{ mb: 2, width: { xs: "100%", sm: 320 } }} />
      <Errors error={error} />
      {fetching && !list && <Loading />}
      {list && list.count === 0 && (
        <Empty>{term ? `No glossary matches “${term}”.` : "No glossary yet. Create one for your team's business terms."}</Empty>
      )}
      {list && list.count > 0 && (
        <PagedTable label="Glossaries" rows={list.nodes} count={list.count} page={page} pageSize={PAGE} onPage={setPage} rowKey={(g) => g.nodeUri}
          columns={[
            {
              label: "Name",
              render: (g) => (
                <>
                  <Link component={RouterLink} to={`/glossaries/${g.nodeUri}`}>{g.label}</Link>
                  {g.readme && (
                    <Typography variant="body2" color="text.secondary"
                      sx={{ maxWidth: 420, overflow: "hidden", display: "-webkit-box", WebkitLineClamp: 2, WebkitBoxOrient: "vertical" }}>
                      {g.readme}
                    </Typography>
                  )}
                </>
              ),
            },
            { label: "Owner team", render: (g) => g.admin },
            { label: "Contents", render: (g) => `${plural(g.stats.categories, "category", "categories")} · ${plural(g.stats.terms, "term")} · ${plural(g.stats.associations, "link")}` },
          ]} />
      )}
    </>
  );
}

/** "1 term", "2 terms". */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const FIELDS = ["label", "readme", "admin"];

function CreateGlossaryForm({ onCancel }: { onCancel: () => void }) {
  const { user } = useAuth();
  const navigate = useNavigate();
  const [label, setLabel] = useState("");
  const [readme, setReadme] = useState("");
  const [team, setTeam] = useState(user?.groups[0] ?? "");
  const [result, create] = useMutation(CreateGlossary);
  const f = useFieldErrors(result.error, FIELDS);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      label: !label.trim() ? "Give the glossary a name." : [...label.trim()].length > 255 && "At most 255 characters.",
      admin: !team && "Pick the team that owns it.",
    });
    if (!ok) return;
    const r = await create({ label: label.trim(), readme, admin: team });
    if (r.data) navigate(`/glossaries/${r.data.createGlossary.nodeUri}`, { state: { notice: `Glossary “${label.trim()}” created.` } });
  };
  return (
    <Paper component="form" onSubmit={submit} noValidate sx={{ p: 2, mb: 2 }} aria-label="Create glossary">
      <Stack spacing={2}>
        <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} required {...f.field("label")} />
        <TextField label="Description" value={readme} onChange={(e) => setReadme(e.target.value)} multiline minRows={2} {...f.field("readme")} />
        <TextField select label="Owner team" value={team} onChange={(e) => setTeam(e.target.value)} slotProps={{ select: { native: true } }}
          {...f.field("admin", "One of your teams: it edits the glossary and approves links to its terms.")}>
          {(user?.groups ?? []).map((g) => <option key={g} value={g}>{g}</option>)}
        </TextField>
        <FormAlerts errors={f.rest} />
        <Box sx={{ display: "flex", gap: 1 }}>
          <Button type="submit" variant="contained" disabled={result.fetching}>Create</Button>
          <Button onClick={onCancel}>Cancel</Button>
        </Box>
      </Stack>
    </Paper>
  );
}
