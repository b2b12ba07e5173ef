import { CssBaseline, ThemeProvider } from "@mui/material";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import { App } from "./App";
import { AuthProvider } from "./auth/AuthProvider";
import { loadConfig } from "./config";
import { theme } from "./theme";

const root = createRoot(document.getElementById("root")!);

loadConfig()
  .then((config) =>
    root.render(
      <ThemeProvider theme={theme}>
        <CssBaseline />
        <BrowserRouter>
          <AuthProvider config={config}>
            <App />
          </AuthProvider>
        </BrowserRouter>
      </ThemeProvider>,
    ),
  )
  .catch((err: unknown) => root.render(<p role="alert">Sluice could not load its configuration: {String(err)}</p>));
