// Who can read a dataset, table or folder, and whether AWS agrees: the owner team, the
// stewards, each share's reader and any Lake Formation grant made outside Sluice. Drift stands
// out: a grant missing in AWS links to its share (whose approvers re-apply it), a grant Sluice
// did not make is a warning. For the dataset's admin team and platform admins; the API refuses
// anyone else, and the refusal shows in words.
import { Alert, Box, Button, Chip, Link, Stack, Typography } from "@mui/material";
import { Link as RouterLink } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { AwsAccessState, GetEffectiveAccessQuery } from "../../gql/graphql";
import { Empty, Errors, Loading } from "../common";
import { PagedTable } from "../PagedTable";
import { RelativeTime } from "../RelativeTime";
import { AWS_HINT, AWS_STATE, VIA } from "./words";

const GetEffectiveAccess = graphql(`
  query GetEffectiveAccess($targetUri: String!, $targetType: String!) {
    getEffectiveAccess(targetUri: $targetUri, targetType: $targetType) {
      targetUri
      label
      awsChecked
      awsError
      checkedAt
      readers {
        via
        datasetUri
        team
        principalType
        principal
        roleArn
        shareUri
        shareItemUri
        itemUri
        itemName
        itemType
        permissions
        expiryDate
        aws
        detail
      }
    }
  }
`);

export type AccessTargetType = "Dataset" | "DatasetTable" | "DatasetStorageLocation";

type Reader = GetEffectiveAccessQuery["getEffectiveAccess"]["readers"][number];

const COLOR: Record<AwsAccessState, "success" | "error" | "warning" | "default"> = {
  OK: "success",
  MISSING_IN_AWS: "error",
  NOT_GRANTED_BY_SLUICE: "warning",
  NOT_COMPARED: "default",
};

function AwsCell({ r }: { r: Reader }) {
  return (
    <Stack spacing={0.5} sx={{ minWidth: 180 }}>
      <Chip size="small" variant="outlined" color={COLOR[r.aws]} label={AWS_STATE[r.aws]} sx={{ alignSelf: "flex-start" }} />
      {r.detail && <Typography variant="body2">{r.detail}</Typography>}
      {AWS_HINT[r.aws] && <Typography variant="body2" color="text.secondary">{AWS_HINT[r.aws]}</Typography>}
      {r.aws === "MISSING_IN_AWS" && r.shareUri && (
        <Link component={RouterLink} to={`/shares/${r.shareUri}`} variant="body2">Open the share to re-apply it</Link>
      )}
    </Stack>
  );
}

const item = (r: Reader) => (r.itemName ? `${r.itemType ? `${r.itemType} ` : ""}${r.itemName}` : "All of it");

function count(readers: Reader[], state: AwsAccessState) {
  return readers.filter((r) => r.aws === state).length;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function EffectiveAccess({ targetUri, targetType }: { targetUri: string; targetType: AccessTargetType }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: GetEffectiveAccess, variables: { targetUri, targetType } });
  const access = data?.getEffectiveAccess;
  const refresh = (
    <Button variant="outlined" disabled={fetching} onClick={() => refetch({ requestPolicy: "network-only" })}>
      {fetching && access ? "Checking…" : "Check again"}
    </Button>
  );
  if (!access) return fetching ? <Loading /> : <><Errors error={error} />{refresh}</>;
  const missing = count(access.readers, "MISSING_IN_AWS");
  const outside = count(access.readers, "NOT_GRANTED_BY_SLUICE");
  return (
    <Box component="section" aria-label="Who can read it" sx={{ mt: 1 }}>
      <Box sx={{ display: "flex", alignItems: "center", gap: 2, flexWrap: "wrap", my: 1 }}>
        <Typography sx={{ flexGrow: 1 }}>
          {plural(access.readers.length, "reader", "readers")} of {access.label}; checked <RelativeTime iso={access.checkedAt} />.
        </Typography>
        {refresh}
      </Box>
      <Errors error={error} />
      {access.awsError && (
        <Alert severity="warning" sx={{ my: 1 }}>
          AWS could not be read, so nothing was compared with it: {access.awsError}
        </Alert>
      )}
      {missing > 0 && (
        <Alert severity="error" sx={{ my: 1 }}>
          {plural(missing, "grant Sluice made is", "grants Sluice made are")} missing in AWS. Open the share and re-apply it.
        </Alert>
      )}
      {outside > 0 && (
        <Alert severity="warning" sx={{ my: 1 }}>
          {plural(outside, "grant in AWS was", "grants in AWS were")} not made by Sluice: someone granted {outside === 1 ? "it" : "them"} by hand.
        </Alert>
      )}
      {access.readers.length === 0 ? (
        <Empty>Nobody reads it through Sluice.</Empty>
      ) : (
        <PagedTable label="Readers" rows={access.readers} count={access.readers.length} page={1} pageSize={Math.max(1, access.readers.length)}
          onPage={() => undefined} rowKey={(r) => `${r.via}:${r.shareItemUri ?? ""}:${r.principal}:${r.itemUri ?? ""}:${r.permissions.join(",")}`}
          columns={[
            { label: "Via", render: (r) => r.via === "SHARE" && r.shareUri
              ? <Link component={RouterLink} to={`/shares/${r.shareUri}`}>{VIA[r.via]}</Link> : VIA[r.via] },
            { label: "Team", render: (r) => r.team ?? "—" },
            { label: "Principal", render: (r) => (
              <Box sx={{ overflowWrap: "anywhere", minWidth: 160 }}>
                {r.principal}{r.principalType !== "Group" && ` (${r.principalType === "ConsumptionRole" ? "consumption role" : r.principalType})`}
              </Box>) },
            { label: "Role", render: (r) => r.roleArn ? <Box component="code" sx={{ overflowWrap: "anywhere", display: "block", minWidth: 200 }}>{r.roleArn}</Box> : "—" },
            { label: "Item", render: item },
            { label: "Permissions", render: (r) => r.permissions.join(", ") || "—" },
            { label: "Expires", render: (r) => r.expiryDate ? <RelativeTime iso={r.expiryDate} /> : "Never" },
            { label: "In AWS", render: (r) => <AwsCell r={r} /> },
          ]} />
      )}
    </Box>
  );
}
