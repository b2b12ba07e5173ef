// The "Overview" and "Consumption roles" tabs of an environment's page, the tab kept in the URL
// (?tab=consumption-roles) so a link and a reload keep it. Teams that may not list the roles
// see the overview alone.
import { Tab, Tabs } from "@mui/material";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router-dom";
import { ConsumptionRolesTab } from "./ConsumptionRoles";

const ROLES = "consumption-roles";

export function EnvironmentTabs({ showRoles, env, children }: {
  showRoles: boolean;
  env: { environmentUri: string; label: string; AwsAccountId?: string | null };
  children: ReactNode;
}) {
  const [params, setParams] = useSearchParams();
  if (!showRoles) return <>{children}</>;
  const tab = params.get("tab") === ROLES ? ROLES : "overview";
  const pick = (v: string) => {
    const next = new URLSearchParams(params);
    if (v === ROLES) next.set("tab", ROLES);
    else next.delete("tab");
    setParams(next);
  };
  return (
    <>
      <Tabs value={tab} onChange={(_, v: string) => pick(v)} aria-label="Views" sx={{ mb: 1 }} variant="scrollable" allowScrollButtonsMobile>
        <Tab value="overview" label="Overview" id="env-tab-overview" aria-controls="env-tabpanel" />
        <Tab value={ROLES} label="Consumption roles" id={`env-tab-${ROLES}`} aria-controls="env-tabpanel" />
      </Tabs>
      <div role="tabpanel" id="env-tabpanel" aria-labelledby={`env-tab-${tab}`}>
        {tab === ROLES ? <ConsumptionRolesTab env={env} /> : children}
      </div>
    </>
  );
}
