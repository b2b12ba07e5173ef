// Notifications: what the user's teams were told about shares, newest first, All or Unread
// (`?show=unread`), a server page at a time (`?page=2`). Opening one marks it read, for this user
// only, and goes to the share it is about; "Mark all as read" says how many it marked.
import {
  Alert, Box, Button, Chip, Link, List, ListItem, ListItemButton, Pagination, ToggleButton, ToggleButtonGroup, Typography,
} from "@mui/material";
import { useEffect, useState } from "react";
import { Link as RouterLink, useSearchParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { Empty, Errors, Loading, PageTitle } from "../components/common";
import { NOTIFICATIONS, useWhileVisible } from "../components/NotificationBell";
import { RelativeTime } from "../components/RelativeTime";
import { graphql } from "../gql";
import type { ListNotificationsQuery } from "../gql/graphql";

const PAGE = 20;

const ListNotifications = graphql(`
  query ListNotifications($filter: NotificationFilter) {
    listNotifications(filter: $filter) {
      count
      page
      pages
      hasNext
      hasPrevious
      nodes {
        notificationUri
        type
        message
        username
        target_uri
        is_read
        created
      }
    }
  }
`);

const MarkRead = graphql(`
  mutation MarkNotificationAsRead($uri: String) {
    markNotificationAsRead(notificationUri: $uri)
  }
`);

const MarkAllRead = graphql(`
  mutation MarkAllNotificationsAsRead {
    markAllNotificationsAsRead
  }
`);

type Item = ListNotificationsQuery["listNotifications"]["nodes"][number];

/** What kind of news it is, in a word, by data.all's `type`; a type this UI does not know shows as it is. */
const KINDS: Record<string, { label: string; color: "info" | "success" | "error" | "warning" }> = {
  SHARE_OBJECT_SUBMITTED: { label: "Request", color: "info" },
  SHARE_OBJECT_APPROVED: { label: "Approved", color: "success" },
  SHARE_OBJECT_PROCESSED: { label: "Shared", color: "success" },
  SHARE_OBJECT_REJECTED: { label: "Rejected", color: "error" },
  SHARE_OBJECT_FAILED: { label: "Failed", color: "error" },
  SHARE_OBJECT_REVOKED: { label: "Revoked", color: "warning" },
};

/** The share a notification is about: data.all writes `<share uri>|<dataset uri>`. */
export function shareOf(targetUri: string): string | undefined {
  const [share] = targetUri.split("|");
  return share || undefined;
}

const HIDDEN = { position: "absolute", width: "1px", height: "1px", overflow: "hidden", clip: "rect(0 0 0 0)", whiteSpace: "nowrap" } as const;

function NotificationRow({ n, onOpen }: { n: Item; onOpen: (n: Item) => void }) {
  const share = shareOf(n.target_uri);
  const unread = !n.is_read;
  const kind = KINDS[n.type ?? ""] ?? { label: n.type ?? "Notice", color: "info" as const };
  const body = (
    <Box sx={{ display: "flex", gap: 1.5, alignItems: "flex-start", minWidth: 0, width: "100%" }}>
      {/* The dot says "unread" to the eye; the hidden word says it to a screen reader. */}
      <Box aria-hidden sx={{ mt: 0.75, flex: "none", width: 10, height: 10, borderRadius: "50%", bgcolor: unread ? "primary.main" : "transparent" }} />
      <Box sx={{ minWidth: 0, flex: 1 }}>
        {unread && <Box component="span" sx={HIDDEN}>Unread: </Box>}
        <Typography sx={{ fontWeight: unread ? 700 : 400, overflowWrap: "anywhere" }}>{n.message ?? kind.label}</Typography>
        <Box sx={{ display: "flex", gap: 1, alignItems: "center", flexWrap: "wrap", mt: 0.5, color: "text.secondary" }}>
          <Chip size="small" variant="outlined" label={kind.label} color={kind.color} />
          <Typography variant="body2" component="span">To {n.username}</Typography>
          <Typography variant="body2" component="span" aria-hidden>·</Typography>
          <Typography variant="body2" component="span"><RelativeTime iso={n.created} /></Typography>
        </Box>
      </Box>
    </Box>
  );
  const sx = {
    borderLeft: 4,
    borderColor: unread ? "primary.main" : "transparent",
    bgcolor: unread ? "rgba(31, 95, 139, 0.07)" : undefined,
  };
  return (
    <ListItem disablePadding divider>
      {share ? (
        <ListItemButton component={RouterLink} to={`/shares/${share}`} onClick={() => onOpen(n)} sx={sx}>{body}</ListItemButton>
      ) : (
        <ListItemButton onClick={() => onOpen(n)} sx={sx}>{body}</ListItemButton>
      )}
    </ListItem>
  );
}

export function NotificationsPage() {
  const [params, setParams] = useSearchParams();
  const unreadOnly = params.get("show") === "unread";
  const page = Math.max(1, Math.floor(Number(params.get("page"))) || 1);
  const filter = { unread: unreadOnly || undefined, page, pageSize: PAGE };
  const [{ data, fetching, error }, refetch] = useQuery({ query: ListNotifications, variables: { filter }, context: NOTIFICATIONS });
  const [marked, markAll] = useMutation(MarkAllRead);
  const [opened, markRead] = useMutation(MarkRead);
  const [done, setDone] = useState<number | null>(null);
  const list = data?.listNotifications;
  useWhileVisible(() => refetch({ requestPolicy: "network-only" }), 60_000);

  const go = (show: "all" | "unread", to = 1) => {
    const next = new URLSearchParams();
    if (show === "unread") next.set("show", "unread");
    if (to > 1) next.set("page", String(to));
    setParams(next);
  };
  // A page that no longer exists (everything on it was read): the last one that does.
  useEffect(() => {
    if (list && list.pages > 0 && page > list.pages) go(unreadOnly ? "unread" : "all", list.pages);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [list?.pages, page]);

  const open = (n: Item) => {
    setDone(null);
    if (!n.is_read) void markRead({ uri: n.notificationUri }, NOTIFICATIONS);
  };
  const markAllRead = async () => {
    setDone(null);
    const r = await markAll({}, NOTIFICATIONS);
    if (!r.error) setDone(r.data?.markAllNotificationsAsRead ?? 0);
  };

  return (
    <>
      <PageTitle actions={<Button variant="outlined" onClick={markAllRead} disabled={marked.fetching}>Mark all as read</Button>}>
        Notifications
      </PageTitle>
      <Box role="status" sx={{ "&:empty": { display: "none" }, mb: 1 }}>
        {done !== null && (
          <Alert severity="success" onClose={() => setDone(null)}>
            {done === 0 ? "Nothing was unread." : `Marked ${done} notification${done === 1 ? "" : "s"} as read.`}
          </Alert>
        )}
      </Box>
      <Errors error={marked.error} />
      <Errors error={opened.error} />
      <Box sx={{ display: "flex", alignItems: "center", gap: 2, flexWrap: "wrap", mb: 1 }}>
        <ToggleButtonGroup exclusive size="small" value={unreadOnly ? "unread" : "all"} aria-label="Show"
          onChange={(_, v: "all" | "unread" | null) => v && go(v)}>
          <ToggleButton value="all">All</ToggleButton>
          <ToggleButton value="unread">Unread</ToggleButton>
        </ToggleButtonGroup>
        {list && list.count > 0 && (
          <Typography variant="body2" color="text.secondary">
            {list.count} {unreadOnly ? "unread" : `notification${list.count === 1 ? "" : "s"}`}
            {list.pages > 1 && ` · page ${list.page} of ${list.pages}`}
          </Typography>
        )}
      </Box>
      <Errors error={error} />
      {fetching && !list && <Loading />}
      {list?.count === 0 && (unreadOnly ? (
        <Empty>
          Nothing unread.{" "}
          <Link component={RouterLink} to="/notifications">Show all</Link>
        </Empty>
      ) : (
        <Empty>Nothing yet: you'll be told here when a request needs you or your team's request is decided.</Empty>
      ))}
      {list && list.nodes.length > 0 && (
        <List aria-label="Notifications" disablePadding sx={{ border: 1, borderColor: "divider", borderRadius: 1, bgcolor: "background.paper" }}>
          {list.nodes.map((n) => <NotificationRow key={n.notificationUri} n={n} onOpen={open} />)}
        </List>
      )}
      {list && list.pages > 1 && (
        <Box sx={{ display: "flex", justifyContent: "center", mt: 2 }}>
          <Pagination count={list.pages} page={Math.min(page, list.pages)} siblingCount={0} aria-label="Pages of notifications"
            onChange={(_, p) => go(unreadOnly ? "unread" : "all", p)} />
        </Box>
      )}
    </>
  );
}
