// Cognito's own API (InitiateAuth), as the local emulator serves it: USER_PASSWORD_AUTH to sign
// in and REFRESH_TOKEN_AUTH to refresh. Real deployments use the hosted UI (pkce.ts).
import { type Tokens, tokensFrom } from "./session";

interface Endpoint {
  endpoint: string;
  clientId: string;
}

async function initiateAuth(ep: Endpoint, flow: string, params: Record<string, string>) {
  const resp = await fetch(`${ep.endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
    },
    body: JSON.stringify({ AuthFlow: flow, ClientId: ep.clientId, AuthParameters: params }),
  });
  const body = (await resp.json().catch(() => ({}))) as {
    AuthenticationResult?: { IdToken: string; RefreshToken?: string };
    ChallengeName?: string;
    __type?: string;
    message?: string;
  };
  if (!resp.ok) {
    const type = (body.__type ?? "").split("#").pop();
    if (type === "NotAuthorizedException" || type === "UserNotFoundException") {
      throw new Error("Wrong username or password.");
    }
    throw new Error(body.message ?? `Sign-in failed (${resp.status}).`);
  }
  if (!body.AuthenticationResult) {
    throw new Error(`Cognito asks for ${body.ChallengeName ?? "a challenge"}, which this form does not handle.`);
  }
  return body.AuthenticationResult;
}

export async function passwordSignIn(ep: Endpoint, username: string, password: string): Promise<Tokens> {
  const r = await initiateAuth(ep, "USER_PASSWORD_AUTH", { USERNAME: username, PASSWORD: password });
  return tokensFrom(r.IdToken, r.RefreshToken);
}

export async function passwordRefresh(ep: Endpoint, refreshToken: string): Promise<Tokens> {
  const r = await initiateAuth(ep, "REFRESH_TOKEN_AUTH", { REFRESH_TOKEN: refreshToken });
  // Cognito does not rotate refresh tokens on this flow: keep the one we have.
  return tokensFrom(r.IdToken, r.RefreshToken ?? refreshToken);
}
