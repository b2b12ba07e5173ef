// "How to use this share", once something is shared: the role to use, the Glue database to
// query (with the columns each shared table offers) and the S3 locations of shared folders.
import { Alert, AlertTitle, Box, Typography } from "@mui/material";
import { useQuery } from "urql";
import { Errors } from "../common";
import { Consumption, SharedColumns } from "./queries";

function Columns({ tableUri, shareUri, name }: { tableUri: string; shareUri: string; name: string }) {
  const [{ data }] = useQuery({ query: SharedColumns, variables: { tableUri, shareUri } });
  const cols = data?.listSharedDatasetTableColumns;
  if (!cols) return null;
  return (
    <Typography variant="body2" sx={{ overflowWrap: "anywhere" }}>
      Columns of <b>{name}</b>: {cols.nodes.map((c, i) => (
        <span key={c.columnUri}>{i > 0 && ", "}<code>{c.name}</code>{c.typeName && ` (${c.typeName}${c.columnType.startsWith("partition") ? ", partition key" : ""})`}</span>
      ))}
      {cols.count > cols.nodes.length && ` and ${cols.count - cols.nodes.length} more`}
    </Typography>
  );
}

export function ShareUse({ shareUri, tables, region }: {
  shareUri: string;
  /** The shared tables: URI and name. */
  tables: { uri: string; name: string }[];
  region?: string | null;
}) {
  const [{ data, error }] = useQuery({ query: Consumption, variables: { uri: shareUri } });
  const c = data?.getS3ConsumptionData;
  if (error) return <Errors error={error} />;
  if (!c) return null;
  return (
    <Alert severity="success" icon={false} sx={{ mt: 2, "& .MuiAlert-message": { minWidth: 0, width: "100%" } }} role="region" aria-label="How to use this share">
      <AlertTitle component="h2">How to use this share</AlertTitle>
      <Box component="ol" sx={{ pl: 2.5, m: 0, overflowWrap: "anywhere", "& li": { mb: 0.5 } }}>
        <li>Work as the role <code>{c.principalRoleArn}</code>{region && <> in {region}</>}: the grants went to it.</li>
        {c.sharedGlueDatabase && tables.length > 0 && (
          <li>
            Query the tables in Athena from the Glue database <code>{c.sharedGlueDatabase}</code>, for example{" "}
            <code>SELECT * FROM "{c.sharedGlueDatabase}"."{tables[0].name}" LIMIT 10;</code>
          </li>
        )}
        {c.s3Prefixes.length > 0 && (
          <li>
            Read the shared folders{c.s3AccessPointName && <> through the access point <code>{c.s3AccessPointName}</code></>}:{" "}
            {c.s3Prefixes.map((p, i) => <span key={p}>{i > 0 && ", "}<code>{p}</code></span>)}
          </li>
        )}
      </Box>
      {tables.map((t) => <Columns key={t.uri} tableUri={t.uri} shareUri={shareUri} name={t.name} />)}
    </Alert>
  );
}
