// An item's discussion thread (data.all's feed): the newest messages first, and a box to post.
// Anyone who may find the item may read and post; the server checks the message.
import { Box, Button, List, ListItem, ListItemText, Paper, TextField, Typography } from "@mui/material";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { Errors } from "./common";
import { FormAlerts, useFieldErrors } from "./form";
import { RelativeTime } from "./RelativeTime";

const Feed = graphql(`
  query Feed($uri: String!, $type: String!) {
    getFeed(targetUri: $uri, targetType: $type) {
      feedTargetUri
      messages(filter: { pageSize: 20 }) {
        count
        nodes {
          feedMessageUri
          creator
          content
          created
        }
      }
    }
  }
`);

const Post = graphql(`
  mutation PostFeedMessage($uri: String!, $type: String!, $content: String!) {
    postFeedMessage(targetUri: $uri, targetType: $type, input: { content: $content }) {
      feedMessageUri
    }
  }
`);

export type DiscussionTarget = "Dataset" | "DatasetTable" | "DatasetStorageLocation";

/** `title` names the section (and heads it): a folder's thread sits on its dataset's page, by the
 * dataset's own "Discussion". */
export function Discussion({ targetUri, targetType, title = "Discussion" }: { targetUri: string; targetType: DiscussionTarget; title?: string }) {
  const [{ data, error }, refetch] = useQuery({ query: Feed, variables: { uri: targetUri, type: targetType } });
  const [posting, post] = useMutation(Post);
  const [content, setContent] = useState("");
  const errs = useFieldErrors(posting.error, ["content"]);
  const messages = data?.getFeed.messages;
  return (
    <Box component="section" aria-label={title} sx={{ mt: 3 }}>
      <Typography variant="h6">{title}</Typography>
      <Errors error={error} />
      {messages && messages.count === 0 && <Typography color="text.secondary">No messages yet: ask the owners anything.</Typography>}
      {messages && messages.count > 0 && (
        <Paper variant="outlined">
          <List aria-label="Messages" dense>
            {messages.nodes.map((m, i) => (
              <ListItem key={m.feedMessageUri} divider={i < messages.nodes.length - 1}>
                <ListItemText
                  primary={<span style={{ whiteSpace: "pre-wrap" }}>{m.content}</span>}
                  secondary={<>{m.creator} · <RelativeTime iso={m.created} /></>}
                />
              </ListItem>
            ))}
          </List>
          {messages.count > messages.nodes.length && (
            <Typography color="text.secondary" sx={{ p: 1 }}>The newest {messages.nodes.length} of {messages.count} messages.</Typography>
          )}
        </Paper>
      )}
      <Box component="form" sx={{ display: "flex", gap: 1, mt: 1, alignItems: "flex-start", flexWrap: "wrap" }}
        onSubmit={async (e) => {
          e.preventDefault();
          if (!errs.check({ content: !content.trim() && "Write something to post" })) return;
          const done = await post({ uri: targetUri, type: targetType, content });
          if (!done.error) {
            setContent("");
            refetch({ requestPolicy: "network-only" });
          }
        }}>
        <TextField label="Add to the discussion" multiline minRows={2} value={content} sx={{ flex: "1 1 280px" }}
          onChange={(e) => setContent(e.target.value)} {...errs.field("content", "At most 4000 characters.")} />
        <Button type="submit" variant="outlined" disabled={posting.fetching}>Post</Button>
      </Box>
      <FormAlerts errors={errs.rest} />
    </Box>
  );
}
