import { useMemo, type ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { Provider } from "urql";
import { useAuth } from "./auth/AuthProvider";
import { HostedCallback, SignInPage } from "./auth/SignIn";
import { CALLBACK_PATH } from "./auth/pkce";
import { makeClient } from "./client";
import { Layout } from "./components/Layout";
import { AdminPage } from "./pages/admin";
import { CatalogPage } from "./pages/catalog";
import { CreateDatasetPage, ImportDatasetPage } from "./pages/datasetForms";
import { DatasetPage, DatasetsPage, TablePage } from "./pages/datasets";
import { EnvironmentPage, EnvironmentsPage, LinkEnvironmentPage } from "./pages/environments";
import { OrganizationPage, OrganizationsPage } from "./pages/organizations";
import { SharePage, SharesPage } from "./pages/shares";
import { Empty } from "./components/common";

function RequireUser({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

export function App() {
  const auth = useAuth();
  // A new client per session, so one user's cached answers never show to the next.
  const client = useMemo(
    () => makeClient(auth.token, auth.signOut),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [auth.user?.username],
  );
  return (
    <Provider value={client}>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path={CALLBACK_PATH} element={<HostedCallback />} />
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
          <Route path="shares" element={<SharesPage />} />
          <Route path="shares/:uri" element={<SharePage />} />
          <Route path="admin" element={<AdminPage />} />
          <Route path="*" element={<Empty>There is no page here. Pick one from the menu above.</Empty>} />
        </Route>
      </Routes>
    </Provider>
  );
}
