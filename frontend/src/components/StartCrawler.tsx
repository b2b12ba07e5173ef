// "Start crawler": the dataset's Glue crawler on its bucket (or a folder of it), for the
// dataset's admin team, which holds CRAWL_DATASET. The dialog says what the crawler does before
// anything starts; the notice and the task line after say what became of it.
import { Button, TextField } from "@mui/material";
import { useState } from "react";
import { useMutation } from "urql";
import { graphql } from "../gql";
import { ConfirmDialog } from "./form";
import { notify } from "./Notices";

const StartGlueCrawler = graphql(`
  mutation StartGlueCrawler($uri: String, $input: CrawlerInput) {
    startGlueCrawler(datasetUri: $uri, input: $input) {
      Name
      status
      taskUri
      location
    }
  }
`);

export function StartCrawler({ datasetUri, bucket, database, disabled, onStarted }: {
  datasetUri: string;
  /** Known to readers of the dataset's insides; the dialog names them when it can. */
  bucket?: string;
  database?: string;
  disabled?: boolean;
  onStarted: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [prefix, setPrefix] = useState("");
  const [started, start] = useMutation(StartGlueCrawler);
  const where = bucket ? `s3://${bucket}/${prefix.trim().replace(/^\/+|\/+$/g, "")}` : "the dataset's bucket";
  return (
    <>
      <Button variant="outlined" disabled={disabled} onClick={() => setOpen(true)}>Start crawler</Button>
      <ConfirmDialog open={open} title="Start the Glue crawler?" confirm="Start crawler" color="primary"
        busy={started.fetching} error={started.error}
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          const r = await start({ uri: datasetUri, input: prefix.trim() ? { prefix: prefix.trim() } : null });
          if (r.error || !r.data) return;
          const c = r.data.startGlueCrawler;
          setOpen(false);
          notify(`Crawler ${c?.Name ?? ""} is starting on ${c?.location ?? where}.`);
          onStarted();
        }}>
        AWS Glue crawls {where} as the dataset's admin role and writes the tables it finds to the
        Glue database {database ? <code>{database}</code> : "of the dataset"}, adding new tables and
        changing those whose files changed. The first start creates the crawler in the dataset's
        account. When the crawl is done, press “Sync tables” to bring the tables into Sluice.
        <TextField fullWidth margin="normal" label="Folder to crawl (optional)" value={prefix}
          onChange={(e) => setPrefix(e.target.value)} helperText="A folder of the bucket, such as raw/orders; empty crawls the whole bucket" />
      </ConfirmDialog>
    </>
  );
}
