// "Saved", "Revoked 2 items", …: every action says when it is done. One live region
// (role=status), so screen readers read each notice once without moving focus; a notice stays
// a few seconds and can be closed.
import { Alert, Snackbar } from "@mui/material";
import { useEffect, useState } from "react";

type Listener = (text: string) => void;
const listeners = new Set<Listener>();

/** Says that an action is done (or what became of it), in words. */
export function notify(text: string) {
  for (const l of listeners) l(text);
}

export function Notices() {
  const [notice, setNotice] = useState<{ text: string; key: number } | null>(null);
  useEffect(() => {
    const l: Listener = (text) => setNotice({ text, key: Date.now() });
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return (
    <Snackbar key={notice?.key} open={!!notice} autoHideDuration={6000} onClose={(_, why) => why !== "clickaway" && setNotice(null)}
      anchorOrigin={{ vertical: "bottom", horizontal: "center" }}>
      <Alert role="status" aria-live="polite" severity="success" variant="filled" onClose={() => setNotice(null)} sx={{ width: "100%" }}
        data-testid="notice">
        {notice?.text}
      </Alert>
    </Snackbar>
  );
}
