// What the server tells the UI at /config.json: how to sign in, and the admin group.

export type SignIn =
  | { mode: "password"; endpoint: string; region: string; clientId: string }
  | { mode: "hosted"; domain: string; clientId: string; scopes: string[] }
  | { mode: "token" };

export interface UiConfig {
  auth: SignIn;
  adminGroup: string;
}

export async function loadConfig(): Promise<UiConfig> {
  const resp = await fetch("/config.json", { cache: "no-store" });
  if (!resp.ok) throw new Error(`/config.json answered ${resp.status}`);
  return (await resp.json()) as UiConfig;
}
