// Reader and activity words: how a reader reads and whether AWS agrees, said for people rather
// than as the API's enum values.
import type { AccessReaderVia, AwsAccessState } from "../../gql/graphql";

export const VIA: Record<AccessReaderVia, string> = {
  OWNER_TEAM: "Owner team",
  STEWARDS: "Stewards",
  SHARE: "Share",
  OUTSIDE_SLUICE: "Outside Sluice",
};

export const AWS_STATE: Record<AwsAccessState, string> = {
  OK: "AWS agrees",
  MISSING_IN_AWS: "Missing in AWS",
  NOT_GRANTED_BY_SLUICE: "Not granted by Sluice",
  NOT_COMPARED: "Not compared",
};

/** What a team does about a state, when it should do something. */
export const AWS_HINT: Partial<Record<AwsAccessState, string>> = {
  MISSING_IN_AWS: "Re-apply the share to make the missing grants again.",
  NOT_GRANTED_BY_SLUICE: "Someone granted this in AWS by hand; Sluice does not manage or revoke it.",
};

export const OUTCOMES = ["success", "denied", "failed"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_WORDS: Record<Outcome, string> = {
  success: "Done",
  denied: "Refused",
  failed: "Failed",
};

export function outcomeWords(outcome: string): string {
  return (OUTCOME_WORDS as Record<string, string>)[outcome] ?? outcome;
}
