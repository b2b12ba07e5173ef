// Team pickers offer only what the API would accept: the caller's teams in an environment whose
// permissions there allow the action. (Sluice knows a caller's teams from their sign-in; the
// environment's teams and what each holds come from the API.)
import { useQuery } from "urql";
import { useAuth } from "../../auth/AuthProvider";
import { graphql } from "../../gql";

const TeamPermissions = graphql(`
  query EnvironmentTeamPermissions($uri: String!) {
    listEnvironmentGroups(environmentUri: $uri, filter: { pageSize: 100 }) {
      nodes {
        groupUri
        environmentPermissions(environmentUri: $uri) {
          name
        }
      }
    }
  }
`);

/** The caller's teams that hold `permission` on the environment; undefined until known (no
 * environment yet, still loading, or the API refused to say). */
export function useTeamsThatMay(environmentUri: string, permission: string): string[] | undefined {
  const { user } = useAuth();
  const [{ data }] = useQuery({ query: TeamPermissions, variables: { uri: environmentUri }, pause: !environmentUri });
  if (!environmentUri || !data) return undefined;
  const mine = new Set(user?.groups ?? []);
  return data.listEnvironmentGroups.nodes
    .filter((g) => mine.has(g.groupUri) && g.environmentPermissions.some((p) => p.name === permission))
    .map((g) => g.groupUri);
}
