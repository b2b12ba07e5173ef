// My data: what my teams own, what is shared with them (each with the way to use it: the
// share's page holds "How to use this share"), and the requests waiting for my teams' decision.
import { Box, Link, Typography } from "@mui/material";
import { useState, type ReactNode } from "react";
import { Link as RouterLink } from "react-router-dom";
import { useQuery } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { Empty, Errors, Loading, PageTitle } from "../components/common";
import { PagedTable } from "../components/PagedTable";
import { RelativeTime } from "../components/RelativeTime";
import { graphql } from "../gql";

const PAGE = 10;

const Owned = graphql(`
  query MyOwnedDatasets($filter: DatasetFilter) {
    listOwnedDatasets(filter: $filter) {
      count
      nodes {
        datasetUri
        label
        SamlAdminGroupName
        userRoleForDataset
      }
    }
  }
`);

const TeamAccess = graphql(`
  query MyTeamAccess($team: String!) {
    getPrincipalAccess(principalId: $team, principalType: "Group") {
      truncated
      readers {
        via
        datasetUri
        datasetLabel
        team
        principal
        shareUri
        shareItemUri
        itemName
        itemType
        itemStatus
        expiryDate
      }
    }
  }
`);

const Waiting = graphql(`
  query MyWaitingRequests($filter: ShareObjectFilter) {
    getShareRequestsToMe(filter: $filter) {
      count
      nodes {
        shareUri
        created
        owner
        dataset {
          datasetName
        }
        principal {
          SamlGroupName
        }
      }
    }
  }
`);

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box component="section" aria-label={title} sx={{ mt: 3 }}>
      <Typography variant="h6" component="h2" sx={{ mb: 1 }}>{title}</Typography>
      {children}
    </Box>
  );
}

function OwnedDatasets() {
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }] = useQuery({ query: Owned, variables: { filter: { page, pageSize: PAGE } } });
  const list = data?.listOwnedDatasets;
  return (
    <Section title="What my teams own">
      <Errors error={error} />
      {fetching && !list && <Loading />}
      {list?.count === 0 && <Empty>Your teams own no dataset. Create one from Datasets.</Empty>}
      {list && list.count > 0 && (
        <PagedTable label="Owned datasets" rows={list.nodes} count={list.count} page={page} pageSize={PAGE} onPage={setPage} rowKey={(d) => d.datasetUri}
          columns={[
            { label: "Dataset", render: (d) => <Link component={RouterLink} to={`/datasets/${d.datasetUri}`}>{d.label}</Link> },
            { label: "Admin team", render: (d) => d.SamlAdminGroupName },
            { label: "Your role", render: (d) => d.userRoleForDataset },
          ]} />
      )}
    </Section>
  );
}

/** What one of my teams reads through shares (its own datasets are listed above). */
function SharedWithTeam({ team }: { team: string }) {
  const [{ data, fetching, error }] = useQuery({ query: TeamAccess, variables: { team } });
  const access = data?.getPrincipalAccess;
  const shared = access?.readers.filter((r) => r.via === "SHARE") ?? [];
  return (
    <Box sx={{ mb: 2 }}>
      <Typography variant="subtitle1" component="h3">For {team}</Typography>
      <Errors error={error} />
      {fetching && !access && <Loading />}
      {access && shared.length === 0 && <Empty>Nothing is shared with {team} yet. Find data in the Catalog and press “Request access”.</Empty>}
      {shared.length > 0 && (
        <PagedTable label={`Shared with ${team}`} rows={shared} count={shared.length} page={1} pageSize={shared.length} onPage={() => undefined}
          rowKey={(r) => `${r.shareItemUri ?? ""}:${r.principal}`}
          columns={[
            { label: "Dataset", render: (r) => r.datasetLabel },
            { label: "Item", render: (r) => r.itemName ? `${r.itemType ?? ""} ${r.itemName}`.trim() : "All of it" },
            { label: "Into", render: (r) => <Box sx={{ overflowWrap: "anywhere", minWidth: 120 }}>{r.principal}</Box> },
            { label: "Expires", render: (r) => r.expiryDate ? <RelativeTime iso={r.expiryDate} /> : "Never" },
            { label: "How to use it", render: (r) => r.shareUri
              ? <Link component={RouterLink} to={`/shares/${r.shareUri}`}>How to use {r.itemName ?? r.datasetLabel}</Link> : "—" },
          ]} />
      )}
      {access?.truncated && <Typography variant="body2" color="text.secondary">Not everything fits here; the Shares page lists every request.</Typography>}
    </Box>
  );
}

function WaitingForMe() {
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }] = useQuery({ query: Waiting, variables: { filter: { status: ["Submitted"], page, pageSize: PAGE } } });
  const list = data?.getShareRequestsToMe;
  return (
    <Section title="Requests waiting for my teams">
      <Errors error={error} />
      {fetching && !list && <Loading />}
      {list?.count === 0 && <Empty>No request waits for your teams' decision.</Empty>}
      {list && list.count > 0 && (
        <PagedTable label="Waiting requests" rows={list.nodes} count={list.count} page={page} pageSize={PAGE} onPage={setPage} rowKey={(s) => s.shareUri}
          columns={[
            { label: "Dataset", render: (s) => <Link component={RouterLink} to={`/shares/${s.shareUri}`}>{s.dataset?.datasetName ?? "(deleted dataset)"}</Link> },
            { label: "For", render: (s) => s.principal.SamlGroupName },
            { label: "Asked", render: (s) => <>by {s.owner}, <RelativeTime iso={s.created} /></> },
          ]} />
      )}
    </Section>
  );
}

export function MyDataPage() {
  const { user } = useAuth();
  const teams = user?.groups ?? [];
  return (
    <>
      <PageTitle>My data</PageTitle>
      <Typography color="text.secondary">What your teams own, what is shared with them and how to use it, and what waits for your decision.</Typography>
      <WaitingForMe />
      <OwnedDatasets />
      <Section title="Shared with my teams">
        {teams.length === 0 ? <Empty>You are in no team, so nothing is shared with you.</Empty> : teams.map((t) => <SharedWithTeam key={t} team={t} />)}
      </Section>
    </>
  );
}
