// GraphiQL at GET /graphql, built from Sluice's own files (a page of its own in the Vite build,
// so the UI's pages do not carry it, and nothing comes from a CDN): it works offline, and calls
// the API as the signed-in user, with the token of the session the UI's tabs share
// (auth/session.ts), refreshed as the UI refreshes it. Signed out, it says where to sign in.
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import "./graphiql.css";
import { GraphiQL, type GraphiQLProps } from "graphiql";
import { useEffect, useMemo, useRef } from "react";
import { createRoot } from "react-dom/client";
import { AuthProvider, useAuth } from "../auth/AuthProvider";
import { hasSession } from "../auth/session";
import { loadConfig } from "../config";

const ENDPOINT = "/graphql";

const firstQuery = (username: string) => `# Sluice's GraphQL API, as ${username} (your sign-in's token).
# ▶ (Ctrl-Enter) runs a query; the book icon lists them all.
query MyTeams {
  getGroupsForUser(userid: ${JSON.stringify(username)})
  listOrganizations(filter: { pageSize: 5 }) {
    count
    nodes {
      organizationUri
      label
    }
  }
}
`;

const OWN = "graphiql:";
const own = () => Object.keys(localStorage).filter((k) => k.startsWith(OWN));

/** GraphiQL keeps its tabs and history in localStorage, which sign-out clears (session.ts). Its
 * writes come half a second after a change, so one could land after a sign-out in another tab:
 * while no one is signed in, writes are dropped. */
const storage: Storage = {
  get length() {
    return own().length;
  },
  key: (i) => own()[i] ?? null,
  getItem: (key) => localStorage.getItem(key),
  setItem: (key, value) => {
    if (hasSession()) localStorage.setItem(key, value);
  },
  removeItem: (key) => localStorage.removeItem(key),
  clear: () => own().forEach((k) => localStorage.removeItem(k)),
};

/** GraphiQL's operation tabs are `<li role="tab">` elements holding the tab's button (and a close
 * button): a control inside a control, which screen readers announce badly (axe:
 * nested-interactive). The tab's role, and whether it is selected, move to the button that
 * selects it; the `li` becomes presentation. GraphiQL re-sets `aria-selected` on the `li` when
 * the selection changes, which this moves again. */
function fixTabRoles() {
  // Only what differs is written: every write is a mutation this observer hears again.
  const set = (el: HTMLElement, name: string, value: string) => el.getAttribute(name) !== value && el.setAttribute(name, value);
  const fix = () => {
    for (const li of document.querySelectorAll<HTMLElement>(".graphiql-tabs > li")) {
      const button = li.querySelector<HTMLElement>(".graphiql-tab-button");
      if (!button) continue;
      set(li, "role", "presentation");
      set(button, "role", "tab");
      const selected = li.getAttribute("aria-selected");
      if (selected !== null) {
        set(button, "aria-selected", selected);
        li.removeAttribute("aria-selected");
      } else if (!button.hasAttribute("aria-selected")) button.setAttribute("aria-selected", "false");
    }
  };
  new MutationObserver(fix).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["role", "aria-selected"] });
}

function SignInFirst() {
  return (
    <main className="sluice-signin">
      <h1>Sign in to use the GraphQL explorer</h1>
      <p>
        The explorer calls Sluice's API as you, with your sign-in. <a href={`/sign-in?next=${encodeURIComponent(ENDPOINT)}`}>Sign in</a>,
        and it opens here again; a sign-in in another tab of this browser counts too.
      </p>
    </main>
  );
}

function Explorer() {
  const auth = useAuth();
  const token = useRef(auth.token);
  token.current = auth.token;
  const username = auth.user?.username;
  // One fetcher per user: another user (after a sign-in elsewhere) gets the schema read again.
  const fetcher = useMemo<GraphiQLProps["fetcher"]>(
    () => async (params, opts) => {
      const bearer = await token.current();
      const resp = await fetch(ENDPOINT, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/graphql-response+json, application/json",
          ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
          // Headers typed into GraphiQL's own editor win: someone may want to try another token.
          ...opts?.headers,
        },
        body: JSON.stringify(params),
      });
      return resp.json();
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [username],
  );
  // Signed out (here or in another tab): what GraphiQL kept goes, including a write it made a
  // moment before this tab heard of the sign-out.
  useEffect(() => {
    if (!username) storage.clear();
  }, [username]);
  if (!username) return <SignInFirst />;
  return (
    <GraphiQL fetcher={fetcher} storage={storage} defaultQuery={firstQuery(username)}>
      <GraphiQL.Logo>
        <span className="sluice-logo">
          <a href="/">Sluice</a> GraphQL
          <small>signed in as {username}</small>
        </span>
      </GraphiQL.Logo>
    </GraphiQL>
  );
}

fixTabRoles();
const root = createRoot(document.getElementById("root")!);
loadConfig()
  .then((config) =>
    root.render(
      <AuthProvider config={config}>
        <Explorer />
      </AuthProvider>,
    ),
  )
  .catch((err: unknown) => root.render(<p role="alert">Sluice could not load its configuration: {String(err)}</p>));
