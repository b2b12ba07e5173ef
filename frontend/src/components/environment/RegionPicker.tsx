// The AWS regions Sluice accepts for an environment, to pick from rather than type. The API has
// no query for them: this list mirrors core's `environments::model::REGIONS`, which checks
// `createEnvironment`'s region; a region missing here can't be linked there either.
import { TextField, type TextFieldProps } from "@mui/material";

const REGIONS: [string, string][] = [
  ["us-east-1", "US East (N. Virginia)"],
  ["us-east-2", "US East (Ohio)"],
  ["us-west-1", "US West (N. California)"],
  ["us-west-2", "US West (Oregon)"],
  ["af-south-1", "Africa (Cape Town)"],
  ["ap-east-1", "Asia Pacific (Hong Kong)"],
  ["ap-south-1", "Asia Pacific (Mumbai)"],
  ["ap-south-2", "Asia Pacific (Hyderabad)"],
  ["ap-southeast-1", "Asia Pacific (Singapore)"],
  ["ap-southeast-2", "Asia Pacific (Sydney)"],
  ["ap-southeast-3", "Asia Pacific (Jakarta)"],
  ["ap-southeast-4", "Asia Pacific (Melbourne)"],
  ["ap-northeast-1", "Asia Pacific (Tokyo)"],
  ["ap-northeast-2", "Asia Pacific (Seoul)"],
  ["ap-northeast-3", "Asia Pacific (Osaka)"],
  ["ca-central-1", "Canada (Central)"],
  ["ca-west-1", "Canada West (Calgary)"],
  ["eu-central-1", "Europe (Frankfurt)"],
  ["eu-central-2", "Europe (Zurich)"],
  ["eu-west-1", "Europe (Ireland)"],
  ["eu-west-2", "Europe (London)"],
  ["eu-west-3", "Europe (Paris)"],
  ["eu-south-1", "Europe (Milan)"],
  ["eu-south-2", "Europe (Spain)"],
  ["eu-north-1", "Europe (Stockholm)"],
  ["il-central-1", "Israel (Tel Aviv)"],
  ["me-south-1", "Middle East (Bahrain)"],
  ["me-central-1", "Middle East (UAE)"],
  ["sa-east-1", "South America (São Paulo)"],
  ["cn-north-1", "China (Beijing)"],
  ["cn-northwest-1", "China (Ningxia)"],
  ["us-gov-east-1", "AWS GovCloud (US-East)"],
  ["us-gov-west-1", "AWS GovCloud (US-West)"],
];

/** A native select (the phone's own picker, typing a letter jumps), labelled "Region". */
export function RegionPicker({ value, onChange, ...field }: { value: string; onChange: (region: string) => void } & Pick<TextFieldProps, "error" | "helperText" | "onInput">) {
  return (
    <TextField select label="Region" value={value} onChange={(e) => onChange(e.target.value)} slotProps={{ select: { native: true } }} {...field}>
      {REGIONS.map(([code, name]) => <option key={code} value={code}>{`${code}: ${name}`}</option>)}
    </TextField>
  );
}
