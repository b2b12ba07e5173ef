// Around each page: a spinner while its chunk loads, and a way out when loading fails, which is
// what a tab opened before a redeploy meets (its chunk names are gone from the server).
import { Alert, Button } from "@mui/material";
import { Component, Suspense, type ReactNode } from "react";
import { Loading } from "./common";

class Boundary extends Component<{ children: ReactNode }, { error: unknown }> {
  state = { error: null as unknown };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  render() {
    if (this.state.error == null) return this.props.children;
    return (
      <Alert severity="error" action={<Button color="inherit" onClick={() => window.location.reload()}>Reload</Button>}>
        This page could not be shown ({String(this.state.error)}). Sluice may have been updated since this tab opened: reload it.
      </Alert>
    );
  }
}

/** `resetKey` (the path) clears a failure when the user navigates elsewhere. */
export function PageBoundary({ resetKey, children }: { resetKey: string; children: ReactNode }) {
  return (
    <Boundary key={resetKey}>
      <Suspense fallback={<Loading />}>{children}</Suspense>
    </Boundary>
  );
}
