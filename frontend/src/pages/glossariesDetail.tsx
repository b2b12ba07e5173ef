// A glossary's page: its categories and terms as an indented tree, what they are linked to, and
// for the owner team (userRoleForGlossary Admin) adding, editing and deleting nodes and
// approving or dismissing links.
import { Alert, Box, Button, IconButton, Link, Menu, MenuItem, Paper, Typography } from "@mui/material";
import { useEffect, useMemo, useState } from "react";
import { useLocation, useNavigate, useParams } from "react-router-dom";
import { useClient, useQuery } from "urql";
import { Empty, Errors, Loading, PageTitle } from "../components/common";
import { graphql } from "../gql";
import type { GetGlossaryQuery } from "../gql/graphql";
import { plural } from "./glossaries";
import { LinksPanel } from "./glossariesLinks";
import { DeleteNodeDialog, NodeDialog, type GlossaryNodeInfo } from "./glossariesNodes";

const TREE_PAGE = 100;

const GetGlossary = graphql(`
  query GetGlossary($uri: String!, $page: Int!) {
    getGlossary(nodeUri: $uri) {
      nodeUri
      label
      readme
      admin
      owner
      created
      userRoleForGlossary
      stats {
        categories
        terms
        associations
      }
      tree(filter: { page: $page, pageSize: 100 }) {
        count
        nodes {
          __typename
          ... on Category {
            nodeUri
            parentUri
            path
            label
            readme
            stats {
              terms
              associations
            }
          }
          ... on Term {
            nodeUri
            parentUri
            path
            label
            readme
            stats {
              associations
            }
          }
        }
      }
    }
  }
`);

type AnyNode = GetGlossaryQuery["getGlossary"]["tree"]["nodes"][number];
type TreeNode = Extract<AnyNode, { __typename: "Category" | "Term" }>;
const isTreeNode = (n: AnyNode): n is TreeNode => n.__typename === "Category" || n.__typename === "Term";

/** The whole tree: the first page comes with the glossary, any further pages after it. */
function useGlossary(uri: string) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: GetGlossary, variables: { uri, page: 1 } });
  const client = useClient();
  const [more, setMore] = useState<TreeNode[]>([]);
  const first = data?.getGlossary.tree;
  useEffect(() => {
    setMore([]);
    if (!first || first.count <= first.nodes.length) return;
    let live = true;
    (async () => {
      const rest: TreeNode[] = [];
      for (let page = 2; page <= Math.ceil(first.count / TREE_PAGE) && live; page++) {
        const r = await client.query(GetGlossary, { uri, page }, { requestPolicy: "network-only" }).toPromise();
        rest.push(...(r.data?.getGlossary.tree.nodes ?? []).filter(isTreeNode));
      }
      if (live) setMore(rest);
    })();
    return () => {
      live = false;
    };
  }, [first, client, uri]);
  const nodes = useMemo(() => [...(first?.nodes ?? []).filter(isTreeNode), ...more], [first, more]);
  return { glossary: data?.getGlossary, nodes, fetching, error, reload: () => refetch({ requestPolicy: "network-only" }) };
}

type Dialog =
  | { kind: "add"; type: "Category" | "Term"; parent: { nodeUri: string; label: string } }
  | { kind: "edit"; node: GlossaryNodeInfo }
  | { kind: "delete"; node: GlossaryNodeInfo };

export function GlossaryPage() {
  const { uri = "" } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const { glossary: g, nodes, fetching, error, reload } = useGlossary(uri);
  const [notice, setNotice] = useState<string | null>((location.state as { notice?: string } | null)?.notice ?? null);
  const [selected, setSelected] = useState<string | null>(null);
  const [closed, setClosed] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [menu, setMenu] = useState<{ anchor: HTMLElement; node: TreeNode } | null>(null);
  const [linksVersion, setLinksVersion] = useState(0);
  // A notice carried here from the create form shows once, not again on reload.
  useEffect(() => {
    if (location.state) navigate(location.pathname, { replace: true, state: null });
  }, [location, navigate]);
  const children = useMemo(() => {
    const m = new Map<string, TreeNode[]>();
    const known = new Set(nodes.map((n) => n.nodeUri));
    for (const n of nodes) {
      const parent = known.has(n.parentUri) ? n.parentUri : uri; // orphans hang from the root
      m.set(parent, [...(m.get(parent) ?? []), n]);
    }
    return m;
  }, [nodes, uri]);
  if (fetching && !g) return <Loading />;
  if (!g) return <Errors error={error} />;
  const admin = g.userRoleForGlossary === "Admin";
  const info = (n: TreeNode): GlossaryNodeInfo => ({ nodeType: n.__typename, nodeUri: n.nodeUri, label: n.label, readme: n.readme });
  const root: GlossaryNodeInfo = { nodeType: "Glossary", nodeUri: g.nodeUri, label: g.label, readme: g.readme, admin: g.admin };
  // After a node changed: its links may have gone with it, so the links panel starts afresh.
  const changed = (message?: string) => {
    if (!message) return;
    setNotice(message);
    reload();
    setLinksVersion((v) => v + 1);
  };
  // After a link changed: the panel reloaded itself; the counts in the tree follow.
  const linkChanged = (message: string) => (setNotice(message), reload());
  const termsUnder = (nodeUri: string): Set<string> => {
    const found = new Set<string>();
    const walk = (u: string) => (children.get(u) ?? []).forEach((c) => (c.__typename === "Term" ? found.add(c.nodeUri) : walk(c.nodeUri)));
    const n = nodes.find((x) => x.nodeUri === nodeUri);
    if (n?.__typename === "Term") found.add(n.nodeUri);
    else walk(nodeUri);
    return found;
  };
  const picked = nodes.find((n) => n.nodeUri === selected);

  const row = (n: TreeNode, depth: number) => {
    const kids = children.get(n.nodeUri) ?? [];
    const open = !closed.has(n.nodeUri);
    const isCategory = n.__typename === "Category";
    const links = plural(n.stats.associations, "link");
    const counts = n.__typename === "Category" ? `${plural(n.stats.terms, "term")} · ${links}` : links;
    return (
      <li key={n.nodeUri}>
        <Box data-testid="tree-row" sx={{
          display: "flex", alignItems: "center", gap: 0.5, pl: { xs: depth * 1.5, sm: depth * 3 }, pr: 0.5, py: 0.25, borderRadius: 1,
          bgcolor: selected === n.nodeUri ? "action.selected" : undefined,
        }}>
          {isCategory && kids.length > 0 ? (
            <IconButton size="small" aria-expanded={open} aria-label={`${open ? "Collapse" : "Expand"} ${n.label}`}
              onClick={() => setClosed((s) => { const x = new Set(s); if (open) x.add(n.nodeUri); else x.delete(n.nodeUri); return x; })}
              sx={{ width: 28, height: 28, fontSize: 14 }}>
              {open ? "▾" : "▸"}
            </IconButton>
          ) : <Box sx={{ width: 28, flexShrink: 0 }} />}
          <Box sx={{ flexGrow: 1, minWidth: 0 }}>
            <Link component="button" type="button" underline="hover" onClick={() => setSelected(n.nodeUri)} aria-current={selected === n.nodeUri || undefined}
              sx={{ textAlign: "left", fontWeight: isCategory ? 600 : 400, color: isCategory ? "text.primary" : "primary.main", overflowWrap: "anywhere" }}>
              {n.label}
            </Link>
            <Typography component="span" variant="body2" color="text.secondary" sx={{ ml: 1, whiteSpace: "nowrap" }}>
              {isCategory ? "category" : "term"} · {counts}
            </Typography>
            {n.readme && <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: "anywhere" }}>{n.readme}</Typography>}
          </Box>
          {admin && (
            <IconButton size="small" aria-label={`Actions for ${n.label}`} aria-haspopup="menu" onClick={(e) => setMenu({ anchor: e.currentTarget, node: n })}>
              ⋮
            </IconButton>
          )}
        </Box>
        {isCategory && open && kids.length > 0 && <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>{kids.map((k) => row(k, depth + 1))}</ul>}
      </li>
    );
  };
  const top = children.get(g.nodeUri) ?? [];

  return (
    <>
      <PageTitle actions={admin && (
        <Box sx={{ display: "flex", gap: 1, flexWrap: "wrap" }}>
          <Button variant="contained" onClick={() => setDialog({ kind: "add", type: "Category", parent: g })}>Add category</Button>
          <Button variant="contained" onClick={() => setDialog({ kind: "add", type: "Term", parent: g })}>Add term</Button>
          <Button variant="outlined" onClick={() => setDialog({ kind: "edit", node: root })}>Edit</Button>
          <Button variant="outlined" color="error" onClick={() => setDialog({ kind: "delete", node: root })}>Delete</Button>
        </Box>)}>
        {g.label}
      </PageTitle>
      {notice && <Alert severity="success" role="status" onClose={() => setNotice(null)} sx={{ mb: 2 }}>{notice}</Alert>}
      {g.readme && <Typography color="text.secondary" sx={{ whiteSpace: "pre-wrap" }}>{g.readme}</Typography>}
      <Typography sx={{ mb: 2 }}>
        Owner team {g.admin} · {plural(g.stats.categories, "category", "categories")} · {plural(g.stats.terms, "term")} ·{" "}
        {plural(g.stats.associations, "link")}
        {!admin && " · only the owner team edits it"}
      </Typography>
      <Box sx={{ display: "flex", flexDirection: { xs: "column", md: "row" }, gap: 3, alignItems: "flex-start" }}>
        <Box component="section" aria-label="Categories and terms" sx={{ flex: "1 1 55%", minWidth: 0, width: { xs: "100%", md: "auto" } }}>
          <Box sx={{ display: "flex", alignItems: "center", gap: 1 }}>
            <Typography variant="h6" sx={{ flexGrow: 1 }}>Categories and terms</Typography>
            {selected && <Button size="small" onClick={() => setSelected(null)}>Whole glossary</Button>}
          </Box>
          {top.length === 0 ? (
            <Empty>No categories or terms yet.{admin && " Add one with “Add category” or “Add term”."}</Empty>
          ) : (
            <Paper variant="outlined" sx={{ p: 1 }}>
              <ul aria-label="Glossary tree" style={{ listStyle: "none", margin: 0, padding: 0 }}>{top.map((n) => row(n, 0))}</ul>
            </Paper>
          )}
        </Box>
        <Box sx={{ flex: "1 1 45%", minWidth: 0, width: { xs: "100%", md: "auto" } }}>
          <LinksPanel key={linksVersion} glossaryUri={g.nodeUri} admin={admin} terms={picked ? termsUnder(picked.nodeUri) : null}
            title={picked ? (picked.__typename === "Term" ? `The term “${picked.label}”` : `Terms under “${picked.label}”`) : "Every term of the glossary"}
            onChanged={linkChanged} />
        </Box>
      </Box>
      <Menu anchorEl={menu?.anchor} open={!!menu} onClose={() => setMenu(null)}>
        {menu?.node.__typename === "Category" && [
          <MenuItem key="c" onClick={() => (setDialog({ kind: "add", type: "Category", parent: menu.node }), setMenu(null))}>Add category</MenuItem>,
          <MenuItem key="t" onClick={() => (setDialog({ kind: "add", type: "Term", parent: menu.node }), setMenu(null))}>Add term</MenuItem>,
        ]}
        <MenuItem onClick={() => menu && (setDialog({ kind: "edit", node: info(menu.node) }), setMenu(null))}>Edit</MenuItem>
        <MenuItem onClick={() => menu && (setDialog({ kind: "delete", node: info(menu.node) }), setMenu(null))} sx={{ color: "error.main" }}>Delete</MenuItem>
      </Menu>
      {dialog?.kind === "add" && <NodeDialog create={dialog.type} parent={dialog.parent} onClose={(m) => (setDialog(null), changed(m))} />}
      {dialog?.kind === "edit" && <NodeDialog node={dialog.node} onClose={(m) => (setDialog(null), changed(m))} />}
      {dialog?.kind === "delete" && (
        <DeleteNodeDialog node={dialog.node} onClose={(m) => {
          setDialog(null);
          if (!m) return;
          if (dialog.node.nodeType === "Glossary") navigate("/glossaries", { state: { notice: m } });
          else (setSelected(null), changed(m));
        }} />
      )}
    </>
  );
}
