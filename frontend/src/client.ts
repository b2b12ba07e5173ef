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
    message: typeof e.extensions?.reason === "string" ? e.extensions.reason : e.message,
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
