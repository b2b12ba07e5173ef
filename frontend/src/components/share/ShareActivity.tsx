// The share as a conversation: who asked, who decided, what was revoked, newest first.
import { List, ListItem, ListItemText, Typography } from "@mui/material";
import { RelativeTime } from "../RelativeTime";
import { Empty } from "../common";
import type { Activity } from "./ShareItems";
import { activityWords } from "./words";

export function ShareHistory({ activity, reject }: { activity: Activity[]; reject?: string | null }) {
  return (
    <>
      <Typography variant="h6" component="h2" sx={{ mt: 2 }}>History</Typography>
      {activity.length === 0 ? <Empty>Nothing has happened yet.</Empty> : (
        <List dense aria-label="Share history" sx={{ bgcolor: "background.paper", border: 1, borderColor: "divider", borderRadius: 1 }}>
          {activity.map((a) => (
            <ListItem key={a.activityUri} divider>
              <ListItemText
                primary={activityWords(a)}
                secondary={
                  <>
                    <RelativeTime iso={a.created} />
                    {a.action === "rejectShareObject" && reject && ` · “${reject}”`}
                  </>
                } />
            </ListItem>
          ))}
        </List>
      )}
    </>
  );
}
