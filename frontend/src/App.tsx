import { lazy, useMemo, type ComponentType, type ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { Provider } from "urql";
import { useAuth } from "./auth/AuthProvider";
import { CALLBACK_PATH } from "./auth/pkce";
import { makeClient } from "./client";
import { Layout } from "./components/Layout";
import { PageBoundary } from "./components/PageBoundary";
import { Empty } from "./components/common";
import { useFocusErrorsAfterSubmit } from "./components/focusErrors";

// Each area's pages are their own chunk, fetched on first visit: the first load carries the
// frame only, and sign-in is fetched when it is needed. `page` names the export, since a module
// holds several pages.
function page<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M & string) {
  return lazy(() => load().then((m) => ({ default: m[name] as ComponentType })));
}
const signIn = () => import("./auth/SignIn");
const SignInPage = page(signIn, "SignInPage");
const HostedCallback = page(signIn, "HostedCallback");
const organizations = () => import("./pages/organizations");
const environments = () => import("./pages/environments");
const datasets = () => import("./pages/datasets");
const datasetForms = () => import("./pages/datasetForms");
const shares = () => import("./pages/shares");
const OrganizationsPage = page(organizations, "OrganizationsPage");
const OrganizationPage = page(organizations, "OrganizationPage");
const EnvironmentsPage = page(environments, "EnvironmentsPage");
const LinkEnvironmentPage = page(environments, "LinkEnvironmentPage");
const EnvironmentPage = page(environments, "EnvironmentPage");
const DatasetsPage = page(datasets, "DatasetsPage");
const DatasetPage = page(datasets, "DatasetPage");
const TablePage = page(datasets, "TablePage");
const CreateDatasetPage = page(datasetForms, "CreateDatasetPage");
const ImportDatasetPage = page(datasetForms, "ImportDatasetPage");
const GlossariesPage = page(() => import("./pages/glossaries"), "GlossariesPage");
const GlossaryPage = page(() => import("./pages/glossariesDetail"), "GlossaryPage");
const CatalogPage = page(() => import("./pages/catalog"), "CatalogPage");
const SharesPage = page(shares, "SharesPage");
const SharePage = page(() => import("./pages/share"), "SharePage");
const AdminPage = page(() => import("./pages/admin"), "AdminPage");
const MyDataPage = page(() => import("./pages/myData"), "MyDataPage");
const ActivityPage = page(() => import("./pages/activity"), "ActivityPage");
const NotificationsPage = page(() => import("./pages/notifications"), "NotificationsPage");

function RequireUser({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

export function App() {
  const auth = useAuth();
  useFocusErrorsAfterSubmit();
  // A new client per session, so one user's cached answers never show to the next.
  const client = useMemo(
    () => makeClient(auth.token, auth.signOut),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [auth.user?.username],
  );
  return (
    <Provider value={client}>
      <Routes>
        <Route path="/sign-in" element={<PageBoundary resetKey="sign-in"><SignInPage /></PageBoundary>} />
        <Route path={CALLBACK_PATH} element={<PageBoundary resetKey="callback"><HostedCallback /></PageBoundary>} />
        <Route
          element={
            <RequireUser>
              <Layout />
            </RequireUser>
          }
        >
          <Route index element={<Navigate to="/organizations" replace />} />
          <Route path="organizations" element={<OrganizationsPage />} />
          <Route path="organizations/:uri" element={<OrganizationPage />} />
          <Route path="environments" element={<EnvironmentsPage />} />
          <Route path="environments/new" element={<LinkEnvironmentPage />} />
          <Route path="environments/:uri" element={<EnvironmentPage />} />
          <Route path="datasets" element={<DatasetsPage />} />
          <Route path="datasets/new" element={<CreateDatasetPage />} />
          <Route path="datasets/import" element={<ImportDatasetPage />} />
          <Route path="datasets/:uri" element={<DatasetPage />} />
          <Route path="tables/:uri" element={<TablePage />} />
          <Route path="catalog" element={<CatalogPage />} />
          <Route path="glossaries" element={<GlossariesPage />} />
          <Route path="glossaries/:uri" element={<GlossaryPage />} />
          <Route path="shares" element={<SharesPage />} />
          <Route path="shares/:uri" element={<SharePage />} />
          <Route path="my-data" element={<MyDataPage />} />
          <Route path="activity" element={<ActivityPage />} />
          <Route path="notifications" element={<NotificationsPage />} />
          <Route path="admin" element={<AdminPage />} />
          <Route path="*" element={<Empty>There is no page here. Pick one from the menu above.</Empty>} />
        </Route>
      </Routes>
    </Provider>
  );
}
