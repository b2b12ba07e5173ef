// The tabs of an environment's page: "Overview", "Consumption roles" and "Networks", the tab
// kept in the URL (?tab=consumption-roles) so a link and a reload keep it. A tab shows only to
// teams that may list what it holds.
import { Tab, Tabs } from "@mui/material";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router-dom";
import { ConsumptionRolesTab } from "./ConsumptionRoles";
import { NetworksTab } from "./Networks";

const ROLES = "consumption-roles";
const NETWORKS = "networks";

export function EnvironmentTabs({ showRoles, showNetworks, env, children }: {
  showRoles: boolean;
  showNetworks: boolean;
  env: { environmentUri: string; label: string; SamlGroupName: string; AwsAccountId?: string | null };
  children: ReactNode;
}) {
  const [params, setParams] = useSearchParams();
  const shown = [...(showRoles ? [ROLES] : []), ...(showNetworks ? [NETWORKS] : [])];
  if (shown.length === 0) return <>{children}</>;
  const asked = params.get("tab") ?? "";
  const tab = shown.includes(asked) ? asked : "overview";
  const pick = (v: string) => {
    const next = new URLSearchParams(params);
    if (v === "overview") next.delete("tab");
    else next.set("tab", v);
    setParams(next);
  };
  return (
    <>
      <Tabs value={tab} onChange={(_, v: string) => pick(v)} aria-label="Views" sx={{ mb: 1 }} variant="scrollable" allowScrollButtonsMobile>
        <Tab value="overview" label="Overview" id="env-tab-overview" aria-controls="env-tabpanel" />
        {showRoles && <Tab value={ROLES} label="Consumption roles" id={`env-tab-${ROLES}`} aria-controls="env-tabpanel" />}
        {showNetworks && <Tab value={NETWORKS} label="Networks" id={`env-tab-${NETWORKS}`} aria-controls="env-tabpanel" />}
      </Tabs>
      <div role="tabpanel" id="env-tabpanel" aria-labelledby={`env-tab-${tab}`}>
        {tab === ROLES ? <ConsumptionRolesTab env={env} /> : tab === NETWORKS ? <NetworksTab env={env} /> : children}
      </div>
    </>
  );
}
