// The urql client: every request carries the current (fresh) id token.
import { Client, cacheExchange, fetchExchange, type CombinedError } from "urql";

export function makeClient(token: () => Promise<string | null>, onUnauthenticated: () => void): Client {
  return new Client({
    url: "/graphql",
    exchanges: [cacheExchange, fetchExchange],
    // Lists change under the user's feet (stacks, shares): ask the server again on each visit.
    requestPolicy: "cache-and-network",
    fetch: async (input, init) => {
      const t = await token();
      const headers = new Headers(init?.headers);
      if (t) headers.set("Authorization", `Bearer ${t}`);
      const resp = await fetch(input, { ...init, headers });
      const copy = resp.clone();
      copy
        .json()
        .then((body: { errors?: { extensions?: { code?: string } }[] }) => {
          if (body.errors?.some((e) => e.extensions?.code === "UNAUTHENTICATED")) onUnauthenticated();
        })
        .catch(() => undefined);
      return resp;
    },
  });
}

export interface ApiError {
  message: string;
  code?: string;
  /** The input field a BAD_USER_INPUT is about, when the server names one. */
  field?: string;
}

export function apiErrors(error: CombinedError | undefined): ApiError[] {
  if (!error) return [];
  if (error.networkError) return [{ message: `The server could not be reached: ${error.networkError.message}` }];
  return error.graphQLErrors.map((e) => ({
    // `message` leads with data.all's wording for its scripts; `reason` is the part for people.
    message: humanize(typeof e.extensions?.reason === "string" ? e.extensions.reason : e.message),
    code: typeof e.extensions?.code === "string" ? e.extensions.code : undefined,
    field: typeof e.extensions?.field === "string" ? e.extensions.field : undefined,
  }));
}

const norm = (s: string) => s.toLowerCase().replace(/^input\./, "").replace(/[^a-z0-9]/g, "");

/** The message without the `field: ` the server leads it with: shown by the field, it is noise. */
function bare(e: ApiError): string {
  return e.field && e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
}

/** Server errors for one field, matched loosely (`AwsAccountId`, `awsAccountId`, `input.AwsAccountId`). */
export function fieldError(errors: ApiError[], field: string): string | undefined {
  const e = errors.find((e) => e.field && norm(e.field) === norm(field));
  return e && bare(e);
}

/** Errors not shown by a field. */
export function formErrors(errors: ApiError[], fields: string[]): ApiError[] {
  return errors.filter((e) => !e.field || !fields.some((f) => norm(f) === norm(e.field!)));
}

const VERBS: Record<string, string> = {
  GET: "see", LIST: "list", UPDATE: "change", DELETE: "delete", CREATE: "create", MANAGE: "manage", ADD: "add",
  REMOVE: "remove", INVITE: "invite teams to", APPROVE: "approve", REJECT: "reject", SUBMIT: "submit", REVOKE: "revoke",
  SYNC: "sync", LINK: "link", CREDENTIALS: "get credentials for",
};

/** A permission constant as words: `UPDATE_DATASET` on a dataset is "change this dataset",
 * `MANAGE_DATASETS` (a tenant permission) is "manage datasets". */
const PHRASES: Record<string, string> = {
  CREATE_SHARE_OBJECT: "request data into", CREATE_DATASET: "create datasets in", LINK_ENVIRONMENT: "link environments to",
  INVITE_ENVIRONMENT_GROUP: "invite teams to", INVITE_ORGANIZATION_GROUP: "invite teams to", APPROVE_SHARE_OBJECT: "approve requests for",
  SUBMIT_SHARE_OBJECT: "submit", CREATE_DATASET_FOLDER: "add folders to",
};

function deed(permission: string, kind?: string): string {
  const k0 = kind?.replace(/_/g, " ").replace(/^share object$/, "share");
  if (PHRASES[permission]) return `${PHRASES[permission]}${k0 ? ` this ${k0}` : ""}`;
  const [first, ...rest] = permission.toLowerCase().replace(/share_object/g, "share").split("_");
  const verb = VERBS[first.toUpperCase()] ?? first;
  const object = rest.join(" ");
  const k = k0;
  if (k && (object === k || object === "")) return `${verb} this ${k}`;
  return k ? `${verb} ${object} in this ${k}` : `${verb} ${object}`.trim();
}

const upper = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** A hint in words: permission constants left in it become what they allow. */
const sentence = (s: string) =>
  upper(s.trim().replace(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g, (c) => `the right to ${deed(c)}`)).replace(/([^.!?])$/, "$1.");

/** The server's refusals name permission constants and ids, for its logs and scripts; people
 * read what they may not do and what to do about it. Other messages pass unchanged. */
export function humanize(message: string): string {
  const resource = /^([A-Z][A-Z0-9_]+) on ([a-z_ ]+?) \S+ is not granted to any of your teams(?:; (.*))?$/.exec(message);
  if (resource) {
    const [, permission, kind, hint] = resource;
    return `None of your teams may ${deed(permission, kind)}.${hint ? ` ${sentence(hint)}` : ""}`;
  }
  const tenant = /^the tenant permission ([A-Z][A-Z0-9_]+) is not granted to any of your teams(?:; (.*))?$/.exec(message);
  if (tenant) {
    const [, permission, hint] = tenant;
    return `None of your teams may ${deed(permission)}.${hint ? ` ${sentence(hint)}` : ""}`;
  }
  // A filter (or a table's filters) in use: the share ids and the operation's name are for scripts.
  const filter = /^filter (.+) is attached to (\d+) share item\(s\) of share\(s\) [^;]*; remove it from them/.exec(message);
  if (filter) {
    const [, name, n] = filter;
    return `The filter ${name} is in use: ${items(n)} ${n === "1" ? "asks" : "ask"} for the table through it. `
      + `Take it off ${n === "1" ? "that item" : "those items"} on ${n === "1" ? "its share's page" : "their shares' pages"} first, then delete it.`;
  }
  const table = /^table (.+) has filters attached to (\d+) share item\(s\) of share\(s\) [^;]*;/.exec(message);
  if (table) {
    const [, name, n] = table;
    return `${name} has filters that ${items(n)} ${n === "1" ? "uses" : "use"}. Take them off on the share's page first, then remove the table.`;
  }
  return message;
}

const items = (n: string) => (n === "1" ? "a share's item" : `${n} share items`);
