// What approving (or revoking) does in AWS, computed without touching it: approvers see what
// they approve. A folder's plan names its bucket, prefixes and key, not a bare `*`; a filtered
// table's, the data cells filters its SELECT is granted on.
import { Alert, Paper, Typography } from "@mui/material";
import { Empty } from "../common";

interface Grant { account: string; principal: string; database: string; table?: string | null; dataFilter?: string | null; permissions: string[] }
interface DataFilter { account: string; name: string; filterLabel: string; database: string; table: string; rowExpression?: string | null; columns?: string[] | null }
interface PlanItem {
  item: string;
  sharedDatabase?: string | null;
  grantsInSource: Grant[];
  grantsInTarget: Grant[];
  dataFilters?: DataFilter[];
  link?: { account: string; database: string; name: string } | null;
  folder?: { account: string; bucket: string; prefixes: string[]; principal: string; objectActions: string[]; keyAlias?: string | null } | null;
}

function grant(g: Grant) {
  const on = g.dataFilter ? `data cells filter ${g.dataFilter} of ${g.database}.${g.table}`
    : g.table ? `table ${g.database}.${g.table}` : `database ${g.database}`;
  return `grant ${g.permissions.join(", ")} on ${on} to ${g.principal} (in ${g.account})`;
}

export function SharePlan({ plan }: { plan: { action: string; refused: string[]; items: PlanItem[] } }) {
  return (
    <>
      <Typography variant="h6" component="h2" sx={{ mt: 2 }}>{plan.action === "revoke" ? "What revoking does" : "What approving does"}</Typography>
      {plan.refused.map((r, i) => <Alert key={i} severity="warning">{r}</Alert>)}
      {plan.items.length === 0 ? <Empty>Nothing to grant.</Empty> : (
        <Paper variant="outlined" sx={{ p: 1, fontFamily: "monospace", fontSize: 13, overflowWrap: "anywhere" }} aria-label="Share plan">
          {plan.items.map((p) => (
            <div key={p.item}>
              <b>{p.item}</b>
              {p.dataFilters?.map((f) => (
                <div key={f.name}>
                  make data cells filter {f.name} ({f.filterLabel}: {f.rowExpression ? `rows where ${f.rowExpression}` : `columns ${f.columns?.join(", ")}`}) on {f.database}.{f.table} (in {f.account})
                </div>
              ))}
              {p.grantsInSource.map((g, i) => <div key={`s${i}`}>{grant(g)}</div>)}
              {p.sharedDatabase && <div>shared database {p.sharedDatabase}</div>}
              {p.link && <div>resource link {p.link.database}.{p.link.name} (in {p.link.account})</div>}
              {p.grantsInTarget.map((g, i) => <div key={`t${i}`}>{grant(g)}</div>)}
              {p.folder && (
                <div>
                  allow {p.folder.objectActions.join(", ")} on {p.folder.prefixes.map((x) => `s3://${p.folder!.bucket}/${x}`).join(", ")} to {p.folder.principal} (in{" "}
                  {p.folder.account}){p.folder.keyAlias && `, and decrypt with ${p.folder.keyAlias}`}
                </div>
              )}
            </div>
          ))}
        </Paper>
      )}
    </>
  );
}
