// A dataset's vote: how many users vote it up, and a toggle for your own vote. Anyone who may
// find the dataset may vote; the count is everyone's signal of which data others trust.
import { Button } from "@mui/material";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { Errors } from "./common";

const Votes = graphql(`
  query DatasetVotes($uri: String!) {
    getVote(targetUri: $uri, targetType: "dataset") {
      voteUri
      upvote
    }
    countUpVotes(targetUri: $uri, targetType: "dataset")
  }
`);

const UpVote = graphql(`
  mutation UpVote($uri: String!, $upvote: Boolean!) {
    upVote(input: { targetUri: $uri, targetType: "dataset", upvote: $upvote }) {
      voteUri
      upvote
    }
  }
`);

export function VoteButton({ datasetUri }: { datasetUri: string }) {
  const [{ data }, refetch] = useQuery({ query: Votes, variables: { uri: datasetUri } });
  const [voting, vote] = useMutation(UpVote);
  const mine = !!data?.getVote?.upvote;
  const count = data?.countUpVotes ?? 0;
  return (
    <>
      <Button
        variant={mine ? "contained" : "outlined"}
        aria-pressed={mine}
        disabled={!data || voting.fetching}
        onClick={async () => {
          const done = await vote({ uri: datasetUri, upvote: !mine });
          if (!done.error) refetch({ requestPolicy: "network-only" });
        }}
      >
        {/* The name is what the button shows (the triangle aside); pressed says whether it is mine. */}
        <span aria-hidden>▲&nbsp;</span>Upvote ({count} {count === 1 ? "vote" : "votes"})
      </Button>
      <Errors error={voting.error} />
    </>
  );
}
