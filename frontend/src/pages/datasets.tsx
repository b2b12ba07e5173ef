// Datasets: the list; a dataset's page with its tables, folders (and creating one), table sync
// with live progress, starting the Glue crawler, and its stack's resources and tags; a table's page with its columns,
// "Request access" and, for the dataset's admin team, its row and column filters. Both pages, and each column, show their glossary terms, which the dataset's
// editors change.
import { Alert, Box, Button, Chip, Link, Stack, Typography } from "@mui/material";
import { useCallback, useState } from "react";
import { Link as RouterLink, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { RequestAccess, ownsDataset } from "../components/RequestAccess";
import { Empty, Errors, Loading, PageTitle, StatusChip, isTerminal, usePolling } from "../components/common";
import { PagedTable } from "../components/PagedTable";
import { StackResources } from "../components/StackResources";
import { StackTags } from "../components/StackTags";
import { VoteButton } from "../components/VoteButton";
import { Discussion } from "../components/Discussion";
import { ItemTerms, editsTerms } from "../components/TermPicker";
import { graphql } from "../gql";
import { Folders } from "./datasetFolders";
import { DatasetActions, TableActions } from "./datasetEdit";
import { taskSentence } from "../components/taskWords";
import { AccessTabs } from "../components/access/AccessTabs";
import { TableFilters } from "../components/TableFilters";
import { StartCrawler } from "../components/StartCrawler";

const PAGE = 10;

const ListDatasets = graphql(`
  query ListDatasets($filter: DatasetFilter) {
    listDatasets(filter: $filter) {
      count
      nodes {
        datasetUri
        label
        SamlAdminGroupName
        userRoleForDataset
        environment {
          label
          AwsAccountId
          region
        }
      }
    }
  }
`);

export function DatasetsPage() {
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }] = useQuery({ query: ListDatasets, variables: { filter: { page, pageSize: PAGE } } });
  const list = data?.listDatasets;
  return (
    <>
      <PageTitle actions={
        <Stack direction="row" spacing={1}>
          <Button variant="outlined" component={RouterLink} to="/datasets/import">Import dataset</Button>
          <Button variant="contained" component={RouterLink} to="/datasets/new">Create dataset</Button>
        </Stack>}>
        Datasets
      </PageTitle>
      <Errors error={error} />
      {fetching && !list && <Loading />}
      {list?.count === 0 && (
        <Empty>No dataset yet. Create one in an environment of your team, import a bucket and Glue database you have, or find others' data in the Catalog.</Empty>
      )}
      {list && list.count > 0 && (
        <PagedTable label="Datasets" rows={list.nodes} count={list.count} page={page} pageSize={PAGE} onPage={setPage} rowKey={(d) => d.datasetUri}
          columns={[
            { label: "Name", render: (d) => <Link component={RouterLink} to={`/datasets/${d.datasetUri}`}>{d.label}</Link> },
            { label: "Admin team", render: (d) => d.SamlAdminGroupName },
            { label: "Environment", render: (d) => d.environment ? `${d.environment.label} (${place(d.environment)})` : "—" },
            { label: "Your role", render: (d) => d.userRoleForDataset },
          ]} />
      )}
    </>
  );
}

const GetDataset = graphql(`
  query GetDataset($uri: String!, $tables: DatasetTableFilter) {
    getDataset(datasetUri: $uri) {
      datasetUri
      label
      description
      SamlAdminGroupName
      stewards
      userRoleForDataset
      imported
      topics
      tags
      confidentiality
      enableExpiration
      expirySetting
      expiryMinDuration
      expiryMaxDuration
      environment {
        environmentUri
        label
        AwsAccountId
        region
      }
      stack {
        stackUri
        status
        error
      }
      tables(filter: $tables) {
        count
        nodes {
          tableUri
          label
          name
          description
        }
      }
      locations(filter: { pageSize: 100 }) {
        count
        nodes {
          locationUri
          label
          S3Prefix
          description
        }
      }
      termLinks {
        nodes {
          linkUri
          approvedByOwner
          term {
            nodeUri
            label
          }
        }
      }
    }
  }
`);

const DatasetDetails = graphql(`
  query DatasetRestricted($uri: String!) {
    getDataset(datasetUri: $uri) {
      datasetUri
      restricted {
        S3BucketName
        GlueDatabaseName
        GlueCrawlerName
      }
    }
  }
`);

const SyncTasks = graphql(`
  query SyncTasks($uri: String!) {
    listTasks(filter: { targetUri: $uri, pageSize: 20 }) {
      nodes {
        taskUri
        action
        status
        progress
        lastError
        updated
      }
    }
  }
`);

const SyncTables = graphql(`
  mutation SyncTables($uri: String!) {
    syncTables(datasetUri: $uri)
  }
`);

export function DatasetPage() {
  const { uri = "" } = useParams();
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }, refetch] = useQuery({ query: GetDataset, variables: { uri, tables: { page, pageSize: PAGE } } });
  const ds = data?.getDataset;
  const { user, isAdmin } = useAuth();
  // What the API grants: the admin team everything (sync, folders), stewards reading and approving.
  const admin = !!ds && !!user?.groups.includes(ds.SamlAdminGroupName);
  const reader = admin || (!!ds?.stewards && !!user?.groups.includes(ds.stewards));
  const [restricted] = useQuery({ query: DatasetDetails, variables: { uri }, pause: !reader });
  const [tasks, refetchTasks] = useQuery({ query: SyncTasks, variables: { uri }, pause: !reader });
  const [synced, sync] = useMutation(SyncTables);
  const sync0 = tasks.data?.listTasks.nodes.find((t) => t.action === "dataset.sync-tables");
  const crawl0 = tasks.data?.listTasks.nodes.find((t) => t.action === "dataset.start-crawler");
  // A new dataset's stack row can come a moment after the dataset: keep polling until it is there.
  const deploying = ds?.stack ? !isTerminal(ds.stack.status) : !!ds && reader && !ds.imported;
  const bucketReady = !!ds && (ds.imported || /COMPLETE$/.test(ds.stack?.status ?? "") && !/ROLLBACK|DELETE/.test(ds.stack?.status ?? ""));
  const syncing = !!sync0 && !isTerminal(sync0.status);
  const crawling = !!crawl0 && !isTerminal(crawl0.status);
  usePolling(deploying || syncing || crawling, useCallback(() => {
    refetch({ requestPolicy: "network-only" });
    refetchTasks({ requestPolicy: "network-only" });
  }, [refetch, refetchTasks]));
  if (fetching && !ds) return <Loading />;
  if (!ds) return <Errors error={error} />;
  const r = restricted.data?.getDataset.restricted;
  return (
    <>
      <PageTitle actions={<>
        <VoteButton datasetUri={uri} />
        {admin && <DatasetActions ds={ds} onSaved={() => refetch({ requestPolicy: "network-only" })} />}
        {admin && (
          <Button variant="contained" disabled={synced.fetching || syncing || deploying}
            onClick={async () => { const x = await sync({ uri }); if (!x.error) refetchTasks({ requestPolicy: "network-only" }); }}>
            Sync tables
          </Button>)}
        {/* CRAWL_DATASET is the admin team's, as in data.all. */}
        {admin && (
          <StartCrawler datasetUri={uri} bucket={r?.S3BucketName} database={r?.GlueDatabaseName}
            disabled={crawling || deploying || !bucketReady}
            onStarted={() => { refetchTasks({ requestPolicy: "network-only" }); }} />)}
      </>}>
        {ds.label}
      </PageTitle>
      <AccessTabs show={admin || isAdmin} targetUri={uri} targetType="Dataset">
      <Typography color="text.secondary">{ds.description}</Typography>
      <Typography>
        Admin team {ds.SamlAdminGroupName} · your role {ds.userRoleForDataset}
        {ds.environment && <> · environment <Link component={RouterLink} to={`/environments/${ds.environment.environmentUri}`}>{ds.environment.label}</Link> ({place(ds.environment)})</>}
      </Typography>
      <Stack direction="row" useFlexGap flexWrap="wrap" spacing={1} sx={{ my: 1 }} aria-label="About the dataset">
        <Chip size="small" label={ds.confidentiality} color={ds.confidentiality === "Secret" ? "error" : ds.confidentiality === "Official" ? "warning" : "default"} />
        {ds.topics.map((t) => <Chip key={t} size="small" variant="outlined" label={t} />)}
        {ds.tags.map((t) => <Chip key={t} size="small" variant="outlined" label={`#${t}`} />)}
        {ds.stewards && <Typography variant="body2">Stewards: {ds.stewards}</Typography>}
        {ds.enableExpiration && (
          <Typography variant="body2">
            Shares expire: {ds.expiryMinDuration}–{ds.expiryMaxDuration} {ds.expirySetting === "Quarterly" ? "quarters" : "months"}
          </Typography>
        )}
      </Stack>
      <Box sx={{ my: 1 }}>
        <ItemTerms target={{ type: "Dataset", uri, name: ds.label }} links={ds.termLinks.nodes} editable={editsTerms(ds.userRoleForDataset)}
          onSaved={() => refetch({ requestPolicy: "network-only" })} />
      </Box>
      {ds.stack && (
        <Box sx={{ my: 1, display: "flex", flexWrap: "wrap", gap: 1, alignItems: "center" }} aria-label="Dataset stack">
          <Typography>Stack:</Typography> <StatusChip status={ds.stack.status} />
          {deploying && <Typography color="text.secondary">deploying; this page updates by itself</Typography>}
        </Box>
      )}
      {r && <Typography>S3 bucket <code>{r.S3BucketName}</code> · Glue database <code>{r.GlueDatabaseName}</code>
        {r.GlueCrawlerName && <> · Glue crawler <code>{r.GlueCrawlerName}</code></>}</Typography>}
      {ds.stack && <StackResources stack={ds.stack} targetUri={uri} targetType="dataset" />}
      <Errors error={synced.error} />
      {sync0 && (
        <Box sx={{ my: 1, display: "flex", flexWrap: "wrap", gap: 1, alignItems: "center" }} aria-label="Table sync">
          <Typography>Last table sync:</Typography> <StatusChip status={sync0.status} />
          <Typography color="text.secondary">{taskSentence(sync0)}</Typography>
          {sync0.lastError && <Alert severity="error">{sync0.lastError}</Alert>}
        </Box>
      )}
      {crawl0 && (
        <Box sx={{ my: 1, display: "flex", flexWrap: "wrap", gap: 1, alignItems: "center" }} aria-label="Glue crawler">
          <Typography>Last crawler start:</Typography> <StatusChip status={crawl0.status} />
          <Typography color="text.secondary">{taskSentence(crawl0)}</Typography>
          {crawl0.lastError && <Alert severity="error">{crawl0.lastError}</Alert>}
        </Box>
      )}
      <Typography variant="h6" sx={{ mt: 2 }}>Tables</Typography>
      {ds.tables.count === 0 ? (
        <Empty>No tables yet. Put tables in the dataset's Glue database{admin ? ", then press “Sync tables”." : "; its admins then sync them."}</Empty>
      ) : (
        <PagedTable label="Tables" rows={ds.tables.nodes} count={ds.tables.count} page={page} pageSize={PAGE} onPage={setPage} rowKey={(t) => t.tableUri}
          columns={[
            { label: "Table", render: (t) => <Link component={RouterLink} to={`/tables/${t.tableUri}`}>{t.label}</Link> },
            { label: "Glue name", render: (t) => t.name },
            { label: "Description", render: (t) => t.description ?? "" },
          ]} />
      )}
      <Folders datasetUri={uri} folders={ds.locations.nodes} count={ds.locations.count} canCreate={admin} seesAccess={admin || isAdmin} bucketReady={bucketReady}
        onCreated={() => refetch({ requestPolicy: "network-only" })} />
      {/* Tags go on the dataset's stack: an imported dataset has none. Reading them needs GET_DATASET;
          changing them UPDATE_DATASET, the roles that edit terms. */}
      {reader && !ds.imported && <StackTags targetUri={uri} targetType="dataset" editable={editsTerms(ds.userRoleForDataset)} />}
      <Discussion targetUri={uri} targetType="Dataset" />
      </AccessTabs>
    </>
  );
}

const GetTable = graphql(`
  query GetTable($uri: String!) {
    getDatasetTable(tableUri: $uri) {
      tableUri
      label
      name
      description
      datasetUri
      userRoleForTable
      dataset {
        datasetUri
        label
        SamlAdminGroupName
      }
      termLinks {
        nodes {
          linkUri
          approvedByOwner
          term {
            nodeUri
            label
          }
        }
      }
    }
  }
`);

// Columns a page at a time, each with up to 10 of its terms: the API's cost limit counts every
// link asked for, so the page and the terms' page size stay small together.
const COLUMN_PAGE = 25;
const TableColumns = graphql(`
  query TableColumns($uri: String!, $page: Int!) {
    listDatasetTableColumns(tableUri: $uri, filter: { page: $page, pageSize: 25 }) {
      count
      nodes {
        columnUri
        name
        typeName
        columnType
        terms(filter: { pageSize: 10 }) {
          nodes {
            linkUri
            approvedByOwner
            term {
              nodeUri
              label
            }
          }
        }
      }
    }
  }
`);

function Columns({ tableUri, editable }: { tableUri: string; editable: boolean }) {
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }, refetch] = useQuery({ query: TableColumns, variables: { uri: tableUri, page } });
  const cols = data?.listDatasetTableColumns;
  return (
    <>
      <Typography variant="h6" sx={{ mt: 2 }}>Columns</Typography>
      <Errors error={error} />
      {fetching && !cols && <Loading />}
      {cols && (cols.count === 0 ? <Empty>No columns synced.</Empty> : (
        <PagedTable label="Columns" rows={cols.nodes} count={cols.count} page={page} pageSize={COLUMN_PAGE} onPage={setPage} rowKey={(c) => c.columnUri}
          columns={[
            { label: "Column", render: (c) => c.name },
            // Nearly every column's kind is "column": only partition keys say theirs.
            { label: "Type", render: (c) => `${c.typeName ?? ""}${c.columnType === "column" ? "" : ` · ${c.columnType}`}` },
            {
              label: "Terms",
              render: (c) => (
                <ItemTerms compact target={{ type: "Column", uri: c.columnUri, name: c.name }} links={c.terms.nodes} editable={editable}
                  onSaved={() => refetch({ requestPolicy: "network-only" })} />
              ),
            },
          ]} />
      ))}
    </>
  );
}

export function TablePage() {
  const { uri = "" } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: GetTable, variables: { uri } });
  const t = data?.getDatasetTable;
  const { user, isAdmin } = useAuth();
  if (fetching && !t) return <Loading />;
  if (!t) return <Errors error={error} />;
  const owns = ownsDataset(t.userRoleForTable);
  const seesAccess = isAdmin || (!!t.dataset && !!user?.groups.includes(t.dataset.SamlAdminGroupName));
  return (
    <>
      <PageTitle actions={owns ? editsTerms(t.userRoleForTable) && <TableActions table={t} onSaved={() => refetch({ requestPolicy: "network-only" })} />
        : <RequestAccess datasetUri={t.datasetUri} itemUri={t.tableUri} itemType="Table" itemName={t.label} />}>{t.label}</PageTitle>
      <AccessTabs show={seesAccess} targetUri={t.tableUri} targetType="DatasetTable">
      <Typography>
        Glue table <code>{t.name}</code> in dataset{" "}
        {t.dataset && <Link component={RouterLink} to={`/datasets/${t.dataset.datasetUri}`}>{t.dataset.label}</Link>} (admin team {t.dataset?.SamlAdminGroupName})
      </Typography>
      <Typography color="text.secondary">{t.description}</Typography>
      <Box sx={{ my: 1 }}>
        <ItemTerms target={{ type: "DatasetTable", uri: t.tableUri, name: t.label }} links={t.termLinks.nodes} editable={editsTerms(t.userRoleForTable)}
          onSaved={() => refetch({ requestPolicy: "network-only" })} />
      </Box>
      <Columns tableUri={t.tableUri} editable={editsTerms(t.userRoleForTable)} />
      {/* Making and deleting filters is the admin team's (and platform admins'), as the API allows. */}
      {seesAccess && <TableFilters tableUri={t.tableUri} tableName={t.label} />}
      <Discussion targetUri={t.tableUri} targetType="DatasetTable" />
      </AccessTabs>
    </>
  );
}

/** Account and region; the account shows only to the dataset's own teams. */
function place(environment: { AwsAccountId?: string | null; region: string }): string {
  return environment.AwsAccountId ? `${environment.AwsAccountId} / ${environment.region}` : environment.region;
}
