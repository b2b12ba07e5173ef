// Datasets: list, create; a dataset's page with its tables and folders, and table sync with
// live progress; a table's page with its columns and "Request access".
import { Alert, Box, Button, Link, Paper, Stack, TextField, Typography } from "@mui/material";
import { useCallback, useState, type FormEvent } from "react";
import { Link as RouterLink, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { apiErrors, fieldError, formErrors } from "../client";
import { Empty, Errors, Loading, PageTitle, StatusChip, isTerminal, usePolling } from "../components/common";
import { PagedTable } from "../components/PagedTable";
import { RequestAccess, ownsDataset } from "../components/RequestAccess";
import { graphql } from "../gql";

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
      <PageTitle actions={<Button variant="contained" component={RouterLink} to="/datasets/new">Create dataset</Button>}>Datasets</PageTitle>
      <Errors error={error} />
      {fetching && !list && <Loading />}
      {list?.count === 0 && <Empty>No dataset yet. Create one in an environment of your team, or find others' data in the Catalog.</Empty>}
      {list && list.count > 0 && (
        <PagedTable label="Datasets" rows={list.nodes} count={list.count} page={page} pageSize={PAGE} onPage={setPage} rowKey={(d) => d.datasetUri}
          columns={[
            { label: "Name", render: (d) => <Link component={RouterLink} to={`/datasets/${d.datasetUri}`}>{d.label}</Link> },
            { label: "Admin team", render: (d) => d.SamlAdminGroupName },
            { label: "Environment", render: (d) => d.environment ? `${d.environment.label} (${d.environment.AwsAccountId} / ${d.environment.region})` : "—" },
            { label: "Your role", render: (d) => d.userRoleForDataset },
          ]} />
      )}
    </>
  );
}

const MyEnvironments = graphql(`
  query MyEnvironments {
    listEnvironments(filter: { pageSize: 100 }) {
      nodes {
        environmentUri
        label
        SamlGroupName
        AwsAccountId
        region
      }
    }
  }
`);

const CreateDataset = graphql(`
  mutation CreateDataset($input: NewDatasetInput!) {
    createDataset(input: $input) {
      datasetUri
    }
  }
`);

export function CreateDatasetPage() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const [envs] = useQuery({ query: MyEnvironments });
  const [env, setEnv] = useState("");
  const [label, setLabel] = useState("");
  const [team, setTeam] = useState(user?.groups[0] ?? "");
  const [description, setDescription] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const [result, create] = useMutation(CreateDataset);
  const errors = apiErrors(result.error);
  const err = (f: string) => local[f] || fieldError(errors, f);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const v: Record<string, string> = {};
    if (!env) v.environmentUri = "Pick the environment (AWS account) the dataset lives in.";
    if (!label.trim()) v.label = "Give the dataset a name.";
    if (!team) v.SamlAdminGroupName = "Pick the team that administers it.";
    setLocal(v);
    if (Object.keys(v).length) return;
    const r = await create({ input: { environmentUri: env, label: label.trim(), SamlAdminGroupName: team, description } });
    if (r.data) navigate(`/datasets/${r.data.createDataset.datasetUri}`);
  };
  const nodes = envs.data?.listEnvironments.nodes ?? [];
  return (
    <>
      <PageTitle>Create a dataset</PageTitle>
      {envs.data && nodes.length === 0 && <Empty>You need an environment first: link your team's AWS account under Environments.</Empty>}
      <Paper component="form" onSubmit={submit} noValidate sx={{ p: 2 }} aria-label="Create dataset">
        <Stack spacing={2}>
          <TextField select label="Environment" value={env} onChange={(e) => setEnv(e.target.value)} slotProps={{ select: { native: true } }}
            error={!!err("environmentUri")} helperText={err("environmentUri")}>
            <option value="" />
            {nodes.map((n) => <option key={n.environmentUri} value={n.environmentUri}>{`${n.label} (${n.AwsAccountId} / ${n.region})`}</option>)}
          </TextField>
          <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} error={!!err("label")} helperText={err("label")} />
          <TextField select label="Admin team" value={team} onChange={(e) => setTeam(e.target.value)} slotProps={{ select: { native: true } }}
            error={!!err("SamlAdminGroupName")} helperText={err("SamlAdminGroupName")}>
            {(user?.groups ?? []).map((g) => <option key={g} value={g}>{g}</option>)}
          </TextField>
          <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline />
          {formErrors(errors, ["environmentUri", "label", "SamlAdminGroupName"]).map((e, i) => <Alert key={i} severity="error">{e.message}</Alert>)}
          <Box><Button type="submit" variant="contained" disabled={result.fetching}>Create</Button></Box>
        </Stack>
      </Paper>
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
      userRoleForDataset
      imported
      environment {
        environmentUri
        label
        AwsAccountId
        region
      }
      stack {
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
      locations {
        count
        nodes {
          locationUri
          label
          S3Prefix
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
  const admin = ds?.userRoleForDataset === "Admin" || ds?.userRoleForDataset === "Creator" || ds?.userRoleForDataset === "DataSteward";
  const [restricted] = useQuery({ query: DatasetDetails, variables: { uri }, pause: !admin });
  const [tasks, refetchTasks] = useQuery({ query: SyncTasks, variables: { uri }, pause: !admin });
  const [synced, sync] = useMutation(SyncTables);
  const sync0 = tasks.data?.listTasks.nodes.find((t) => t.action === "dataset.sync-tables");
  // A new dataset's stack row can come a moment after the dataset: keep polling until it is there.
  const deploying = ds?.stack ? !isTerminal(ds.stack.status) : !!ds && admin && !ds.imported;
  const syncing = !!sync0 && !isTerminal(sync0.status);
  usePolling(deploying || syncing, useCallback(() => {
    refetch({ requestPolicy: "network-only" });
    refetchTasks({ requestPolicy: "network-only" });
  }, [refetch, refetchTasks]));
  if (fetching && !ds) return <Loading />;
  if (!ds) return <Errors error={error} />;
  const r = restricted.data?.getDataset.restricted;
  return (
    <>
      <PageTitle actions={admin && (
        <Button variant="contained" disabled={synced.fetching || syncing || deploying}
          onClick={async () => { const x = await sync({ uri }); if (!x.error) refetchTasks({ requestPolicy: "network-only" }); }}>
          Sync tables
        </Button>)}>
        {ds.label}
      </PageTitle>
      <Typography color="text.secondary">{ds.description}</Typography>
      <Typography>
        Admin team {ds.SamlAdminGroupName} · your role {ds.userRoleForDataset}
        {ds.environment && <> · environment <Link component={RouterLink} to={`/environments/${ds.environment.environmentUri}`}>{ds.environment.label}</Link> ({ds.environment.AwsAccountId} / {ds.environment.region})</>}
      </Typography>
      {ds.stack && (
        <Box sx={{ my: 1, display: "flex", gap: 1, alignItems: "center" }} aria-label="Dataset stack">
          <Typography>Stack:</Typography> <StatusChip status={ds.stack.status} />
          {deploying && <Typography color="text.secondary">deploying; this page updates by itself</Typography>}
        </Box>
      )}
      {r && <Typography>S3 bucket <code>{r.S3BucketName}</code> · Glue database <code>{r.GlueDatabaseName}</code></Typography>}
      <Errors error={synced.error} />
      {sync0 && (
        <Box sx={{ my: 1, display: "flex", gap: 1, alignItems: "center" }} aria-label="Table sync">
          <Typography>Last table sync:</Typography> <StatusChip status={sync0.status} />
          {sync0.progress && <Typography color="text.secondary">{sync0.progress}</Typography>}
          {sync0.lastError && <Alert severity="error">{sync0.lastError}</Alert>}
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
      <Typography variant="h6" sx={{ mt: 2 }}>Folders</Typography>
      {ds.locations.count === 0 ? <Empty>No folders.</Empty> : (
        <PagedTable label="Folders" rows={ds.locations.nodes} count={ds.locations.count} page={1} pageSize={100} onPage={() => undefined} rowKey={(l) => l.locationUri}
          columns={[{ label: "Folder", render: (l) => l.label }, { label: "S3 prefix", render: (l) => l.S3Prefix }]} />
      )}
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
      columns {
        count
        nodes {
          columnUri
          name
          typeName
          columnType
        }
      }
    }
  }
`);

export function TablePage() {
  const { uri = "" } = useParams();
  const [{ data, fetching, error }] = useQuery({ query: GetTable, variables: { uri } });
  const t = data?.getDatasetTable;
  if (fetching && !t) return <Loading />;
  if (!t) return <Errors error={error} />;
  const owns = ownsDataset(t.userRoleForTable);
  return (
    <>
      <PageTitle actions={!owns && <RequestAccess datasetUri={t.datasetUri} itemUri={t.tableUri} itemType="Table" />}>{t.label}</PageTitle>
      <Typography>
        Glue table <code>{t.name}</code> in dataset{" "}
        {t.dataset && <Link component={RouterLink} to={`/datasets/${t.dataset.datasetUri}`}>{t.dataset.label}</Link>} (admin team {t.dataset?.SamlAdminGroupName})
      </Typography>
      <Typography color="text.secondary">{t.description}</Typography>
      <Typography variant="h6" sx={{ mt: 2 }}>Columns</Typography>
      {t.columns.count === 0 ? <Empty>No columns synced.</Empty> : (
        <PagedTable label="Columns" rows={t.columns.nodes} count={t.columns.count} page={1} pageSize={1000} onPage={() => undefined} rowKey={(c) => c.columnUri}
          columns={[{ label: "Column", render: (c) => c.name }, { label: "Type", render: (c) => c.typeName ?? "" }, { label: "Kind", render: (c) => c.columnType }]} />
      )}
    </>
  );
}
