// Admin: tenant permissions, IAM principal mappings, the platform's tasks (retry the failed
// ones) and the catalog's search index, one tab each, the tab kept in the URL (?tab=tasks) so a
// link and a reload keep it. Platform admins only (the API says FORBIDDEN otherwise).
import { Tab, Tabs } from "@mui/material";
import { useSearchParams } from "react-router-dom";
import { useAuth } from "../auth/AuthProvider";
import { Empty, PageTitle } from "../components/common";
import { CatalogIndexTab } from "../components/admin/CatalogIndex";
import { IamMappingsTab } from "../components/admin/IamMappings";
import { TasksTab } from "../components/admin/Tasks";
import { TenantPermissionsTab } from "../components/admin/TenantPermissions";

const TABS = [
  { value: "permissions", label: "Tenant permissions", body: () => <TenantPermissionsTab /> },
  { value: "iam", label: "IAM mappings", body: () => <IamMappingsTab /> },
  { value: "tasks", label: "Tasks", body: () => <TasksTab /> },
  { value: "catalog", label: "Search index", body: () => <CatalogIndexTab /> },
] as const;

export function AdminPage() {
  const { isAdmin, config } = useAuth();
  const [params, setParams] = useSearchParams();
  if (!isAdmin) return <Empty>Only members of {config.adminGroup} administer the platform.</Empty>;
  const current = TABS.find((t) => t.value === params.get("tab")) ?? TABS[0];
  // A tab's own parameters (a task filter) mean nothing on another tab.
  const pick = (v: string) => setParams(v === TABS[0].value ? {} : { tab: v });
  return (
    <>
      <PageTitle>Administration</PageTitle>
      <Tabs value={current.value} onChange={(_, v: string) => pick(v)} aria-label="Administration" variant="scrollable"
        allowScrollButtonsMobile sx={{ mb: 2 }}>
        {TABS.map((t) => <Tab key={t.value} value={t.value} label={t.label} id={`admin-tab-${t.value}`} aria-controls="admin-tabpanel" />)}
      </Tabs>
      <div role="tabpanel" id="admin-tabpanel" aria-labelledby={`admin-tab-${current.value}`}>
        {current.body()}
      </div>
    </>
  );
}
