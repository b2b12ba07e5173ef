// The catalog needs the API's `searchCatalog`, which this server's schema does not have yet.
// Until it does, this page says so instead of pretending to search.
import { Alert } from "@mui/material";
import { PageTitle } from "../components/common";

export function CatalogPage() {
  return (
    <>
      <PageTitle>Catalog</PageTitle>
      <Alert severity="info">
        Catalog search is not available in this version of Sluice. Tables shared with you appear under Datasets; a table's page (from
        a link a colleague sends) has “Request access”.
      </Alert>
    </>
  );
}
