// Bringing a dataset into Sluice: creating one (Sluice deploys its bucket, key and Glue database)
// or importing an existing bucket, Glue database and KMS key. Both check what they can before
// sending, and show the server's answer by the field it names.
import { Box, Button, Paper, Stack, TextField } from "@mui/material";
import { useState, type FormEvent, type ReactNode } from "react";
import { useNavigate } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { Empty, PageTitle } from "../components/common";
import { FormAlerts, useFieldErrors, type Checks } from "../components/form";
import { DETAIL_FIELDS, useDatasetDetails } from "../components/DatasetDetails";
import { useTeamsThatMay } from "../components/environment/teams";
import { graphql } from "../gql";

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

const ImportDataset = graphql(`
  mutation ImportDataset($input: ImportDatasetInput) {
    importDataset(input: $input) {
      datasetUri
    }
  }
`);

/** Environment, name, admin team and description: what both forms ask first. */
function useBasics() {
  const { user } = useAuth();
  const [envs] = useQuery({ query: MyEnvironments });
  const [chosenEnv, setEnv] = useState("");
  const [label, setLabel] = useState("");
  const [chosenTeam, setTeam] = useState("");
  const [description, setDescription] = useState("");
  const nodes = envs.data?.listEnvironments.nodes ?? [];
  // The only environment is preselected.
  const env = chosenEnv || (nodes.length === 1 ? nodes[0].environmentUri : "");
  // The admin team must be one of the caller's teams that may create datasets there; the only
  // one is preselected. Until the environment's teams are known, the caller's teams are offered.
  const allowed = useTeamsThatMay(env, "CREATE_DATASET");
  const teams = allowed ?? user?.groups ?? [];
  const team = teams.includes(chosenTeam) ? chosenTeam : teams.length === 1 ? teams[0] : "";
  const checks: Checks = {
    environmentUri: !env && "Pick the environment (AWS account) the dataset lives in.",
    label: !label.trim() ? "Give the dataset a name." : [...label.trim()].length > 255 && "At most 255 characters.",
    SamlAdminGroupName: !team && "Pick the team that administers it.",
  };
  const values = { environmentUri: env, label: label.trim(), SamlAdminGroupName: team, description };
  const render = (f: ReturnType<typeof useFieldErrors>) => (
    <>
      <TextField select label="Environment" value={env} onChange={(e) => setEnv(e.target.value)} slotProps={{ select: { native: true } }}
        {...f.field("environmentUri")}>
        <option value="" />
        {nodes.map((n) => <option key={n.environmentUri} value={n.environmentUri}>{`${n.label} (${n.AwsAccountId} / ${n.region})`}</option>)}
      </TextField>
      <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} {...f.field("label")} />
      <TextField select label="Admin team" value={team} onChange={(e) => setTeam(e.target.value)} slotProps={{ select: { native: true } }}
        {...f.field("SamlAdminGroupName", allowed?.length === 0 ? "None of your teams may create datasets in this environment." : undefined)}>
        {teams.length !== 1 && <option value="" />}
        {teams.map((g) => <option key={g} value={g}>{g}</option>)}
      </TextField>
      <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline {...f.field("description")} />
    </>
  );
  const noEnvironment = envs.data && nodes.length === 0 && (
    <Empty>You need an environment first: link your team's AWS account under Environments.</Empty>
  );
  return { checks, values, render, noEnvironment, env };
}

const BASIC_FIELDS = ["environmentUri", "label", "SamlAdminGroupName", "description"];

function DatasetForm({ name, submit, children, busy, onSubmit }: {
  name: string;
  submit: string;
  children: ReactNode;
  busy: boolean;
  onSubmit: (e: FormEvent) => void;
}) {
  return (
    <Paper component="form" onSubmit={onSubmit} noValidate sx={{ p: 2 }} aria-label={name}>
      <Stack spacing={2}>
        {children}
        <Box><Button type="submit" variant="contained" disabled={busy}>{submit}</Button></Box>
      </Stack>
    </Paper>
  );
}

export function CreateDatasetPage() {
  const navigate = useNavigate();
  const basics = useBasics();
  const details = useDatasetDetails({}, basics.env);
  const [result, create] = useMutation(CreateDataset);
  const f = useFieldErrors(result.error, [...BASIC_FIELDS, ...DETAIL_FIELDS]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!f.check({ ...basics.checks, ...details.checks })) return;
    const r = await create({ input: { ...basics.values, ...details.values, stewards: details.values.stewards || undefined } });
    if (r.data) navigate(`/datasets/${r.data.createDataset.datasetUri}`);
  };
  return (
    <>
      <PageTitle>Create a dataset</PageTitle>
      {basics.noEnvironment}
      <DatasetForm name="Create dataset" submit="Create" busy={result.fetching} onSubmit={submit}>
        {basics.render(f)}
        {details.render(f)}
        <FormAlerts errors={f.rest} />
      </DatasetForm>
    </>
  );
}

// The server's own naming rules, so a typo is caught before AWS is asked.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const GLUE_DB = /^[a-z0-9_-]{1,255}$/;
const KMS_ALIAS = /^[A-Za-z0-9/_-]{1,250}$/;
const ROLE = /^[A-Za-z0-9+=,.@_-]{1,64}$/;
const IMPORT_FIELDS = [...BASIC_FIELDS, "bucketName", "glueDatabaseName", "KmsKeyAlias", "adminRoleName"];

export function ImportDatasetPage() {
  const navigate = useNavigate();
  const basics = useBasics();
  const [bucket, setBucket] = useState("");
  const [database, setDatabase] = useState("");
  const [alias, setAlias] = useState("");
  const [role, setRole] = useState("");
  const [result, importDataset] = useMutation(ImportDataset);
  const f = useFieldErrors(result.error, IMPORT_FIELDS);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const b = bucket.trim();
    // Empty means the bucket is encrypted with SSE-S3 (no customer key), as in data.all.
    const a = alias.trim().replace(/^alias\//, "");
    const ok = f.check({
      ...basics.checks,
      bucketName: !b ? "Name the bucket that holds the data." : (!BUCKET.test(b) || b.includes("..")) &&
        "An S3 bucket name is 3-63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit.",
      glueDatabaseName: !database.trim() ? "Name the Glue database that holds the tables." : !GLUE_DB.test(database.trim()) &&
        "A Glue database name is lowercase letters, digits, '_' and '-'.",
      KmsKeyAlias: !a ? !!alias.trim() && "Name the key after alias/, or leave the field empty for SSE-S3." :
        (!KMS_ALIAS.test(a) || a.startsWith("aws/")) &&
        "A customer KMS alias is letters, digits, '/', '_' and '-', and not under aws/. Leave it empty for SSE-S3.",
      adminRoleName: !!role.trim() && !ROLE.test(role.trim()) && "An IAM role name is at most 64 letters, digits and +=,.@_-.",
    });
    if (!ok) return;
    const r = await importDataset({
      input: { ...basics.values, bucketName: b, glueDatabaseName: database.trim(), KmsKeyAlias: a, adminRoleName: role.trim() || undefined },
    });
    if (r.data) navigate(`/datasets/${r.data.importDataset.datasetUri}`);
  };
  return (
    <>
      <PageTitle>Import a dataset</PageTitle>
      {basics.noEnvironment}
      <DatasetForm name="Import dataset" submit="Import" busy={result.fetching} onSubmit={submit}>
        {basics.render(f)}
        <TextField label="S3 bucket" value={bucket} onChange={(e) => setBucket(e.target.value)}
          {...f.field("bucketName", "An existing bucket in the environment's account.")} />
        <TextField label="Glue database" value={database} onChange={(e) => setDatabase(e.target.value)}
          {...f.field("glueDatabaseName", "An existing database in the environment's account and region.")} />
        <TextField label="KMS key alias (optional)" value={alias} onChange={(e) => setAlias(e.target.value)}
          {...f.field("KmsKeyAlias",
            "The alias of the customer KMS key that encrypts the bucket, with or without alias/. Leave it empty if the bucket is encrypted with SSE-S3 (S3-managed keys).")} />
        <TextField label="Admin role (optional)" value={role} onChange={(e) => setRole(e.target.value)}
          {...f.field("adminRoleName", "An existing IAM role that administers the data; by default the admin team's role.")} />
        <FormAlerts errors={f.rest} />
      </DatasetForm>
    </>
  );
}
