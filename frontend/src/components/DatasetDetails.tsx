// What a dataset says about itself beyond its name: topics, tags, confidentiality, stewards and
// whether its shares expire. Asked when it is created and when it is edited; the catalog filters
// on these.
import { Checkbox, FormControlLabel, FormGroup, FormLabel, Stack, TextField } from "@mui/material";
import { useState } from "react";
import { useQuery } from "urql";
import { graphql } from "../gql";
import type { Topic } from "../gql/graphql";
import type { Checks, useFieldErrors } from "./form";

export const TOPICS: Topic[] = ["Finances", "HumanResources", "Products", "Services", "Operations", "Research", "Sales", "Orders", "Sites", "Energy", "Customers", "Misc"];
const TOPIC_WORDS: Partial<Record<Topic, string>> = { HumanResources: "Human resources", Misc: "Other" };
export const CONFIDENTIALITY = ["Unclassified", "Official", "Secret"];
export const DETAIL_FIELDS = ["topics", "tags", "confidentiality", "stewards", "enableExpiration", "expirySetting", "expiryMinDuration", "expiryMaxDuration"];

const StewardCandidates = graphql(`
  query StewardCandidates($uri: String!) {
    listAllEnvironmentGroups(environmentUri: $uri, filter: { pageSize: 100 }) {
      nodes {
        groupUri
      }
    }
  }
`);

export interface DetailsInitial {
  topics?: Topic[];
  tags?: string[];
  confidentiality?: string;
  stewards?: string | null;
  enableExpiration?: boolean;
  expirySetting?: string | null;
  expiryMinDuration?: number | null;
  expiryMaxDuration?: number | null;
}

/** The fields, their checks and their values for the API. `environmentUri`: stewards are
 * picked from its teams. */
export function useDatasetDetails(initial: DetailsInitial, environmentUri: string) {
  const [topics, setTopics] = useState<Topic[]>(initial.topics ?? []);
  const [tags, setTags] = useState((initial.tags ?? []).join(", "));
  const [confidentiality, setConfidentiality] = useState(initial.confidentiality ?? "Unclassified");
  const [stewards, setStewards] = useState(initial.stewards ?? "");
  const [expires, setExpires] = useState(initial.enableExpiration ?? false);
  const [setting, setSetting] = useState(initial.expirySetting ?? "Monthly");
  const [min, setMin] = useState(String(initial.expiryMinDuration ?? 1));
  const [max, setMax] = useState(String(initial.expiryMaxDuration ?? 12));
  const [teams] = useQuery({ query: StewardCandidates, variables: { uri: environmentUri }, pause: !environmentUri });
  const teamNames = teams.data?.listAllEnvironmentGroups.nodes.map((g) => g.groupUri) ?? [];
  const tagList = tags.split(",").map((t) => t.trim()).filter(Boolean);
  const [lo, hi] = [Number(min), Number(max)];
  const checks: Checks = {
    tags: tagList.some((t) => [...t].length > 255) && "A tag has at most 255 characters.",
    expiryMinDuration: expires && (!Number.isInteger(lo) || lo < 1) && "At least 1.",
    expiryMaxDuration: expires && (!Number.isInteger(hi) || hi < lo) && "At least the shortest period.",
  };
  const values = {
    topics, tags: tagList, confidentiality, stewards,
    enableExpiration: expires,
    ...(expires ? { expirySetting: setting, expiryMinDuration: lo, expiryMaxDuration: hi } : {}),
  };
  const unit = setting === "Quarterly" ? "quarters" : "months";
  const render = (f: ReturnType<typeof useFieldErrors>) => (
    <>
      <FormGroup role="group" aria-labelledby="topics-label" row>
        <FormLabel id="topics-label" sx={{ width: "100%" }}>Topics</FormLabel>
        {TOPICS.map((t) => (
          <FormControlLabel key={t} label={TOPIC_WORDS[t] ?? t} control={
            <Checkbox checked={topics.includes(t)} onChange={(e) => setTopics(e.target.checked ? [...topics, t] : topics.filter((x) => x !== t))} />} />
        ))}
      </FormGroup>
      <TextField label="Tags" value={tags} onChange={(e) => setTags(e.target.value)} {...f.field("tags", "Separated by commas, e.g. finance, daily.")} />
      <TextField select label="Confidentiality" value={confidentiality} onChange={(e) => setConfidentiality(e.target.value)}
        slotProps={{ select: { native: true } }} {...f.field("confidentiality")}>
        {CONFIDENTIALITY.map((c) => <option key={c} value={c}>{c}</option>)}
      </TextField>
      <TextField select label="Stewards" value={stewards} onChange={(e) => setStewards(e.target.value)} slotProps={{ select: { native: true }, inputLabel: { shrink: true } }}
        {...f.field("stewards", "A team of the environment that reads the dataset and approves its shares.")}>
        <option value="">No stewards</option>
        {[...new Set([...teamNames, ...(stewards ? [stewards] : [])])].map((g) => <option key={g} value={g}>{g}</option>)}
      </TextField>
      <FormControlLabel label="Shares expire unless extended" control={<Checkbox checked={expires} onChange={(e) => setExpires(e.target.checked)} />} />
      {expires && (
        <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
          <TextField select label="Counted in" value={setting} onChange={(e) => setSetting(e.target.value)} slotProps={{ select: { native: true } }}
            {...f.field("expirySetting")}>
            <option value="Monthly">months</option>
            <option value="Quarterly">quarters</option>
          </TextField>
          <TextField type="number" label={`Shortest (${unit})`} value={min} onChange={(e) => setMin(e.target.value)} {...f.field("expiryMinDuration")} />
          <TextField type="number" label={`Longest (${unit})`} value={max} onChange={(e) => setMax(e.target.value)} {...f.field("expiryMaxDuration")} />
        </Stack>
      )}
    </>
  );
  return { checks, values, render };
}
