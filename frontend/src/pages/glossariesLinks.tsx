// "Linked to": the datasets, tables, columns and folders a glossary's terms are linked to, for
// the whole glossary or the category or term picked in its tree. The glossary's team approves
// the links others made, or dismisses them.
import { Box, Button, Chip, FormControlLabel, Link, Pagination, Paper, Stack, Switch, Typography } from "@mui/material";
import { useState } from "react";
import { Link as RouterLink } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { Empty, Errors, Loading } from "../components/common";
import { ConfirmDialog } from "../components/form";
import { graphql } from "../gql";
import { RelativeTime } from "../components/RelativeTime";

const LINKS_PAGE = 100;

const GlossaryLinks = graphql(`
  query GlossaryLinks($uri: String!, $page: Int!) {
    getGlossary(nodeUri: $uri) {
      nodeUri
      associations(filter: { page: $page, pageSize: 100 }) {
        count
        page
        pages
        nodes {
          linkUri
          nodeUri
          targetUri
          targetType
          approvedByOwner
          owner
          created
          term {
            nodeUri
            label
          }
          target {
            label
          }
        }
      }
    }
  }
`);

const Approve = graphql(`
  mutation ApproveTermAssociation($linkUri: String!) {
    approveTermAssociation(linkUri: $linkUri)
  }
`);

const Dismiss = graphql(`
  mutation DismissTermAssociation($linkUri: String!) {
    dismissTermAssociation(linkUri: $linkUri)
  }
`);

const KINDS: Record<string, string> = { Dataset: "dataset", DatasetTable: "table", Column: "column", Folder: "folder" };

function targetPath(type: string, uri: string): string | null {
  if (type === "Dataset") return `/datasets/${uri}`;
  if (type === "DatasetTable") return `/tables/${uri}`;
  return null; // columns and folders show on their table's or dataset's page
}

interface LinkRow {
  linkUri: string;
  targetType: string;
  term: { label: string };
  target?: { label?: string | null } | null;
}

/** `terms`: the terms whose links show; null for the whole glossary. `title` says which. */
export function LinksPanel({ glossaryUri, admin, terms, title, onChanged }: {
  glossaryUri: string;
  admin: boolean;
  terms: Set<string> | null;
  title: string;
  onChanged: (message: string) => void;
}) {
  const [page, setPage] = useState(1);
  const [pendingOnly, setPendingOnly] = useState(false);
  const [{ data, fetching, error }, refetch] = useQuery({ query: GlossaryLinks, variables: { uri: glossaryUri, page } });
  const [approving, approve] = useMutation(Approve);
  const [dismissing, dismiss] = useMutation(Dismiss);
  const [toDismiss, setToDismiss] = useState<LinkRow | null>(null);
  const page0 = data?.getGlossary.associations;
  const links = (page0?.nodes ?? []).filter((l) => (!terms || terms.has(l.nodeUri)) && (!pendingOnly || !l.approvedByOwner));
  const reload = () => refetch({ requestPolicy: "network-only" });
  const name = (l: LinkRow) => `${l.term.label} → ${l.target?.label ?? "(removed)"}`;
  return (
    <Box component="section" aria-label="Linked to">
      <Box sx={{ display: "flex", alignItems: "center", flexWrap: "wrap", gap: 1 }}>
        <Typography variant="h6" sx={{ flexGrow: 1 }}>Linked to</Typography>
        <FormControlLabel control={<Switch size="small" checked={pendingOnly} onChange={(e) => setPendingOnly(e.target.checked)} />} label="Pending only" />
      </Box>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>{title}</Typography>
      <Errors error={error} />
      <Errors error={approving.error} />
      {fetching && !page0 && <Loading />}
      {page0 && links.length === 0 && (
        <Empty>{pendingOnly ? "No link waits for approval." : "Nothing is linked to these terms yet. Teams link terms from their dataset and table pages."}</Empty>
      )}
      {links.length > 0 && (
        <Stack component="ul" aria-label="Links" spacing={1} sx={{ listStyle: "none", p: 0, m: 0 }}>
          {links.map((l) => {
            const to = targetPath(l.targetType, l.targetUri);
            const label = l.target?.label ?? "(removed)";
            return (
              <Paper component="li" key={l.linkUri} variant="outlined" aria-label={name(l)}
                sx={{ p: 1.5, display: "flex", flexWrap: "wrap", gap: 1, alignItems: "center" }}>
                <Box sx={{ flex: "1 1 220px", minWidth: 0 }}>
                  <Typography sx={{ overflowWrap: "anywhere" }}>
                    <strong>{l.term.label}</strong> → {to ? <Link component={RouterLink} to={to}>{label}</Link> : label}{" "}
                    <Typography component="span" variant="body2" color="text.secondary">({KINDS[l.targetType] ?? l.targetType})</Typography>
                  </Typography>
                  <Box sx={{ display: "flex", gap: 1, alignItems: "center", flexWrap: "wrap", mt: 0.5 }}>
                    {l.approvedByOwner
                      ? <Chip size="small" color="success" variant="outlined" label="approved" />
                      : <Chip size="small" color="warning" variant="outlined" label="pending approval" />}
                    <Typography variant="body2" color="text.secondary">linked by {l.owner} · <RelativeTime iso={l.created} /></Typography>
                  </Box>
                </Box>
                {admin && !l.approvedByOwner && (
                  <Box sx={{ display: "flex", gap: 1 }}>
                    <Button size="small" variant="contained" color="success" disabled={approving.fetching} aria-label={`Approve ${name(l)}`}
                      onClick={async () => {
                        const r = await approve({ linkUri: l.linkUri });
                        if (!r.error) (reload(), onChanged(`Approved the link from “${l.term.label}” to ${label}.`));
                      }}>
                      Approve
                    </Button>
                    <Button size="small" variant="outlined" color="error" aria-label={`Dismiss ${name(l)}`} onClick={() => setToDismiss(l)}>
                      Dismiss
                    </Button>
                  </Box>
                )}
              </Paper>
            );
          })}
        </Stack>
      )}
      {page0 && page0.pages > 1 && (
        <>
          <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
            Links {(page0.page - 1) * LINKS_PAGE + 1}–{Math.min(page0.page * LINKS_PAGE, page0.count)} of {page0.count}, all terms.
          </Typography>
          <Pagination sx={{ mt: 1 }} count={page0.pages} page={page0.page} onChange={(_, n) => setPage(n)} />
        </>
      )}
      {toDismiss && (
        <ConfirmDialog open title={`Dismiss the link ${name(toDismiss)}?`} confirm="Dismiss" busy={dismissing.fetching} error={dismissing.error}
          onClose={() => setToDismiss(null)}
          onConfirm={async () => {
            const r = await dismiss({ linkUri: toDismiss.linkUri });
            if (!r.error) {
              setToDismiss(null);
              reload();
              onChanged(`Dismissed the link from “${toDismiss.term.label}” to ${toDismiss.target?.label ?? "a removed item"}.`);
            }
          }}>
          The term “{toDismiss.term.label}” will no longer be linked to the {KINDS[toDismiss.targetType] ?? "item"}{" "}
          “{toDismiss.target?.label ?? "(removed)"}”. Its owners can link it again.
        </ConfirmDialog>
      )}
    </Box>
  );
}
