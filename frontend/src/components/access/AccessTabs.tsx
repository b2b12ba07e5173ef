// The "Overview" and "Access" tabs of a dataset's or table's page, the tab kept in the URL
// (?tab=access) so a link and a reload keep it. Only those the API lets read the access (the
// dataset's admin team, platform admins) get the tabs; everyone else sees the overview alone.
import { Tab, Tabs } from "@mui/material";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router-dom";
import { EffectiveAccess, type AccessTargetType } from "./EffectiveAccess";

export function AccessTabs({ show, targetUri, targetType, children }: {
  show: boolean;
  targetUri: string;
  targetType: AccessTargetType;
  children: ReactNode;
}) {
  const [params, setParams] = useSearchParams();
  if (!show) return <>{children}</>;
  const tab = params.get("tab") === "access" ? "access" : "overview";
  const pick = (v: string) => {
    const next = new URLSearchParams(params);
    if (v === "access") next.set("tab", "access");
    else next.delete("tab");
    setParams(next);
  };
  return (
    <>
      <Tabs value={tab} onChange={(_, v: string) => pick(v)} aria-label="Views" sx={{ mb: 1 }}>
        <Tab value="overview" label="Overview" id="tab-overview" aria-controls="tabpanel" />
        <Tab value="access" label="Access" id="tab-access" aria-controls="tabpanel" />
      </Tabs>
      <div role="tabpanel" id="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === "access" ? <EffectiveAccess targetUri={targetUri} targetType={targetType} /> : children}
      </div>
    </>
  );
}
