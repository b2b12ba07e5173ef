// The header's bell: how many of the user's teams' notifications they have not read, as a
// badge, linking to the Notifications page. The count is asked again when the user moves to
// another page, and once a minute while the tab is visible; marking notifications read (which
// the mutations tag with the `Notification` typename) asks again at once.
import { Badge, IconButton, SvgIcon } from "@mui/material";
import { useEffect, useRef } from "react";
import { Link as RouterLink, useLocation } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";

export const CountUnread = graphql(`
  query CountUnreadNotifications {
    countUnreadNotifications
  }
`);

/** The context every notification query and mutation carries: an answer holding only an Int or
 * a Boolean names no type, so urql's cache learns which answers a mutation makes stale from this. */
export const NOTIFICATIONS = { additionalTypenames: ["Notification"] };

const MINUTE = 60_000;

/** Calls `fn` every `ms` while the page is visible, and on coming back into view when the last
 * call is older than `ms`: a hidden tab asks nothing. */
export function useWhileVisible(fn: () => void, ms: number) {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    let last = Date.now();
    let timer: number | undefined;
    const run = () => {
      last = Date.now();
      latest.current();
    };
    const schedule = () => {
      window.clearTimeout(timer);
      if (document.visibilityState !== "visible") return;
      timer = window.setTimeout(() => (run(), schedule()), Math.max(0, last + ms - Date.now()));
    };
    schedule();
    document.addEventListener("visibilitychange", schedule);
    return () => {
      window.clearTimeout(timer);
      document.removeEventListener("visibilitychange", schedule);
    };
  }, [ms]);
}

function BellIcon() {
  return (
    <SvgIcon aria-hidden>
      <path d="M12 22c1.1 0 2-.9 2-2h-4c0 1.1.89 2 2 2m6-6v-5c0-3.07-1.64-5.64-4.5-6.32V4c0-.83-.67-1.5-1.5-1.5s-1.5.67-1.5 1.5v.68C7.63 5.36 6 7.92 6 11v5l-2 2v1h16v-1z" />
    </SvgIcon>
  );
}

export function NotificationBell() {
  const { pathname } = useLocation();
  const [{ data }, refetch] = useQuery({ query: CountUnread, context: NOTIFICATIONS });
  const unread = data?.countUnreadNotifications ?? 0;
  const first = useRef(true);
  useEffect(() => {
    // The first visit is the query's own first fetch.
    if (first.current) return void (first.current = false);
    refetch({ requestPolicy: "network-only" });
  }, [pathname, refetch]);
  useWhileVisible(() => refetch({ requestPolicy: "network-only" }), MINUTE);
  const name = unread > 0 ? `Notifications, ${unread} unread` : "Notifications";
  return (
    <IconButton component={RouterLink} to="/notifications" color="inherit" aria-label={name} title={name}>
      {unread > 0 ? (
        <Badge badgeContent={unread} max={99} color="error">
          <BellIcon />
        </Badge>
      ) : (
        <BellIcon />
      )}
    </IconButton>
  );
}
