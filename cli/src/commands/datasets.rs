//! `dataset create|import|sync|list|tables`.

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use crate::{Failure, client::Client, output};

#[derive(Subcommand)]
pub enum DatasetCommand {
    /// Create a dataset: Sluice deploys its bucket, key and Glue database.
    Create(DatasetArgs),
    /// Import an existing bucket and Glue database as a dataset.
    Import {
        #[command(flatten)]
        common: DatasetArgs,
        #[arg(long)]
        bucket: String,
        #[arg(long)]
        glue_db: Option<String>,
        /// The alias of the customer KMS key the bucket is encrypted with; leave it out for a
        /// bucket encrypted with SSE-S3 (S3's own keys).
        #[arg(long)]
        kms_alias: Option<String>,
    },
    /// Read the dataset's tables from Glue again (queued; prints the number of tables queued).
    Sync { dataset: String },
    /// Datasets you can see.
    List {
        #[arg(long)]
        term: Option<String>,
    },
    /// A dataset's tables.
    Tables { dataset: String },
}

#[derive(Args)]
pub struct DatasetArgs {
    #[arg(long = "env")]
    pub environment: String,
    #[arg(long)]
    pub label: String,
    /// The admin team.
    #[arg(long)]
    pub team: String,
    #[arg(long)]
    pub stewards: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    #[arg(long)]
    pub confidentiality: Option<String>,
}

impl DatasetArgs {
    fn input(&self) -> Value {
        json!({"environmentUri": self.environment, "label": self.label, "SamlAdminGroupName": self.team,
            "stewards": self.stewards, "description": self.description, "tags": self.tags,
            "confidentiality": self.confidentiality})
    }
}

const COLUMNS: &[(&str, &str)] = &[
    ("URI", "datasetUri"),
    ("LABEL", "label"),
    ("ADMIN TEAM", "SamlAdminGroupName"),
    ("ACCOUNT", "AwsAccountId"),
    ("REGION", "region"),
    ("IMPORTED", "imported"),
    ("STACK", "stack.status"),
];
const FIELDS: &str =
    "datasetUri label SamlAdminGroupName AwsAccountId region imported stack { status taskUri }";

pub async fn run(client: &Client, json: bool, command: DatasetCommand) -> Result<(), Failure> {
    match command {
        DatasetCommand::Create(args) => {
            let query =
                format!("mutation($i: NewDatasetInput!) {{ createDataset(input: $i) {{ {FIELDS} }} }}");
            let data = client.gql(&query, json!({"i": args.input()})).await?;
            output::one(json, &data["createDataset"], COLUMNS);
        }
        DatasetCommand::Import { common, bucket, glue_db, kms_alias } => {
            let mut input = common.input();
            input["bucketName"] = json!(bucket);
            input["glueDatabaseName"] = json!(glue_db);
            input["KmsKeyAlias"] = json!(kms_alias);
            let query =
                format!("mutation($i: ImportDatasetInput) {{ importDataset(input: $i) {{ {FIELDS} }} }}");
            let data = client.gql(&query, json!({"i": input})).await?;
            output::one(json, &data["importDataset"], COLUMNS);
        }
        DatasetCommand::Sync { dataset } => {
            let data = client
                .gql("mutation($d: String!) { syncTables(datasetUri: $d) }", json!({"d": dataset}))
                .await?;
            output::one(
                json,
                &json!({"datasetUri": dataset, "syncTables": data["syncTables"]}),
                &[("DATASET", "datasetUri"), ("QUEUED", "syncTables")],
            );
        }
        DatasetCommand::List { term } => {
            let query = format!(
                "query($t: String) {{ listDatasets(filter: {{term: $t, pageSize: 100}}) {{ nodes {{ {FIELDS} }} }} }}"
            );
            let data = client.gql(&query, json!({"t": term})).await?;
            output::list(json, data["listDatasets"]["nodes"].as_array().map_or(&[], |v| v), COLUMNS);
        }
        DatasetCommand::Tables { dataset } => {
            let data = client
                .gql(
                    "query($d: String!) { getDataset(datasetUri: $d) { tables(filter: {pageSize: 100}) { nodes { tableUri name label LastGlueTableStatus } } } }",
                    json!({"d": dataset}),
                )
                .await?;
            output::list(
                json,
                data["getDataset"]["tables"]["nodes"].as_array().map_or(&[], |v| v),
                &[
                    ("URI", "tableUri"),
                    ("NAME", "name"),
                    ("LABEL", "label"),
                    ("GLUE STATUS", "LastGlueTableStatus"),
                ],
            );
        }
    }
    Ok(())
}
