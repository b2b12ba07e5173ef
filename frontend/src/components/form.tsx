// Form errors in one place: the form's own checks and the server's BAD_USER_INPUT both show by
// the field they name; whatever names no field of the form shows above its buttons.
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from "@mui/material";
import { useId, useState, type ReactNode } from "react";
import type { CombinedError } from "urql";
import { apiErrors, fieldError, formErrors, type ApiError } from "../client";

export type Checks = Record<string, string | false | undefined | null>;

/** `fields`: the API field names this form shows a field for; a server error naming any other
 * shows above the buttons, so none is lost. */
export function useFieldErrors(error: CombinedError | undefined, fields: string[]) {
  const [local, setLocal] = useState<Record<string, string>>({});
  // Fields edited since the last submit: their old message no longer describes what is there.
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const errors = apiErrors(error);
  const err = (f: string) => (edited.has(f) ? undefined : local[f] || fieldError(errors, f));
  return {
    err,
    /** Props for a TextField: red with the message, or the hint when all is well. The input
     * event bubbles from the field's input or select, so typing clears the field's message. */
    field: (f: string, hint?: ReactNode) => ({
      error: !!err(f),
      helperText: err(f) || hint,
      onInput: () => edited.has(f) || setEdited(new Set(edited).add(f)),
    }),
    /** Errors the form shows above its buttons. */
    rest: formErrors(errors, fields),
    /** Records the failed checks (message per field); true when all passed. */
    check: (checks: Checks) => {
      const failed: Record<string, string> = {};
      for (const [f, why] of Object.entries(checks)) if (why) failed[f] = why;
      setLocal(failed);
      setEdited(new Set());
      return Object.keys(failed).length === 0;
    },
    clear: () => (setLocal({}), setEdited(new Set())),
  };
}

export function FormAlerts({ errors }: { errors: ApiError[] }) {
  if (!errors.length) return null;
  return (
    <Box>
      {errors.map((e, i) => (
        <Alert key={i} severity="error" data-code={e.code}>{e.message}</Alert>
      ))}
    </Box>
  );
}

/** IdP group names as the API accepts them: at most 255 characters, none of them control characters. */
export function groupProblem(name: string): string | undefined {
  const n = name.trim();
  if (!n) return "Enter a team (IdP group) name.";
  // eslint-disable-next-line no-control-regex
  if ([...n].length > 255 || /[\u0000-\u001f\u007f-\u009f]/.test(n)) return "A team name has at most 255 printable characters.";
  return undefined;
}

/** An accessible "are you sure" for destructive actions; the dialog is named by its title. */
export function ConfirmDialog({
  open, title, children, confirm, color = "error", busy, error, onConfirm, onClose,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirm: string;
  color?: "error" | "warning" | "primary";
  busy?: boolean;
  error?: CombinedError;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const id = useId();
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`} fullWidth maxWidth="sm">
      <DialogTitle id={`${id}-title`}>{title}</DialogTitle>
      <DialogContent>
        <DialogContentText id={`${id}-text`} component="div">{children}</DialogContentText>
        <FormAlerts errors={apiErrors(error)} />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" color={color} onClick={onConfirm} disabled={busy}>{confirm}</Button>
      </DialogActions>
    </Dialog>
  );
}
