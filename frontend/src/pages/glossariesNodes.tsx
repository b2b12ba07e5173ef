// Changing a glossary's nodes: the dialog that adds a category or term or edits any node, and
// the delete dialog. A node that holds categories, terms or links is refused by the server,
// which says what holds it; the dialog shows that and offers deleting everything under it as a
// second, confirmed step.
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack, TextField } from "@mui/material";
import { useId, useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { useAuth } from "../auth/AuthProvider";
import { FormAlerts, useFieldErrors } from "../components/form";
import { apiErrors, type ApiError } from "../client";
import { graphql } from "../gql";

export type NodeType = "Glossary" | "Category" | "Term";

export interface GlossaryNodeInfo {
  nodeType: NodeType;
  nodeUri: string;
  label: string;
  readme?: string | null;
  /** The owner team; glossaries only. */
  admin?: string;
}

const CreateCategory = graphql(`
  mutation CreateCategory($parentUri: String!, $label: String!, $readme: String!) {
    createCategory(parentUri: $parentUri, input: { label: $label, readme: $readme }) {
      nodeUri
    }
  }
`);

const CreateTerm = graphql(`
  mutation CreateTerm($parentUri: String!, $label: String!, $readme: String!) {
    createTerm(parentUri: $parentUri, input: { label: $label, readme: $readme }) {
      nodeUri
    }
  }
`);

const UpdateGlossary = graphql(`
  mutation UpdateGlossary($uri: String!, $label: String!, $readme: String!, $admin: String!) {
    updateGlossary(nodeUri: $uri, input: { label: $label, readme: $readme, admin: $admin }) {
      nodeUri
    }
  }
`);

const UpdateCategory = graphql(`
  mutation UpdateCategory($uri: String!, $label: String!, $readme: String!) {
    updateCategory(nodeUri: $uri, input: { label: $label, readme: $readme }) {
      nodeUri
    }
  }
`);

const UpdateTerm = graphql(`
  mutation UpdateTerm($uri: String!, $label: String!, $readme: String!) {
    updateTerm(nodeUri: $uri, input: { label: $label, readme: $readme }) {
      nodeUri
    }
  }
`);

const DeleteGlossary = graphql(`
  mutation DeleteGlossary($uri: String!, $cascade: Boolean!) {
    deleteGlossary(nodeUri: $uri, cascade: $cascade)
  }
`);

const DeleteCategory = graphql(`
  mutation DeleteCategory($uri: String!, $cascade: Boolean!) {
    deleteCategory(nodeUri: $uri, cascade: $cascade)
  }
`);

const DeleteTerm = graphql(`
  mutation DeleteTerm($uri: String!, $cascade: Boolean!) {
    deleteTerm(nodeUri: $uri, cascade: $cascade)
  }
`);

const FIELDS = ["label", "readme", "admin"];
const KIND: Record<NodeType, string> = { Glossary: "glossary", Category: "category", Term: "term" };

/** Adds a category or term under `parent`, or edits `node`. `onClose` gets the message to show
 * once it saved, or nothing when cancelled. */
export function NodeDialog({ parent, create, node, onClose }: {
  parent?: { nodeUri: string; label: string };
  create?: "Category" | "Term";
  node?: GlossaryNodeInfo;
  onClose: (saved?: string) => void;
}) {
  const { user } = useAuth();
  const id = useId();
  const [label, setLabel] = useState(node?.label ?? "");
  const [readme, setReadme] = useState(node?.readme ?? "");
  const [team, setTeam] = useState(node?.admin ?? "");
  const [cat, createCategory] = useMutation(CreateCategory);
  const [term, createTerm] = useMutation(CreateTerm);
  const [ug, updateGlossary] = useMutation(UpdateGlossary);
  const [uc, updateCategory] = useMutation(UpdateCategory);
  const [ut, updateTerm] = useMutation(UpdateTerm);
  const type: NodeType = node?.nodeType ?? create ?? "Term";
  const last = node ? { Glossary: ug, Category: uc, Term: ut }[type] : type === "Category" ? cat : term;
  const f = useFieldErrors(last.error, FIELDS);
  const teams = node?.admin ? [node.admin, ...(user?.groups ?? []).filter((g) => g !== node.admin)] : [];
  const title = node ? `Edit ${KIND[type]} ${node.label}` : `New ${KIND[type]} in ${parent?.label}`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = label.trim();
    const ok = f.check({
      label: !name ? `Give the ${KIND[type]} a name.` : [...name].length > 255 && "At most 255 characters.",
      readme: [...readme].length > 5000 && "At most 5,000 characters.",
    });
    if (!ok) return;
    const vars = { label: name, readme };
    const r = !node
      ? await (type === "Category" ? createCategory : createTerm)({ parentUri: parent?.nodeUri ?? "", ...vars })
      : type === "Glossary"
        ? await updateGlossary({ uri: node.nodeUri, ...vars, admin: team })
        : await (type === "Category" ? updateCategory : updateTerm)({ uri: node.nodeUri, ...vars });
    if (!r.error) onClose(node ? `Saved ${KIND[type]} “${name}”.` : `Added ${KIND[type]} “${name}” to ${parent?.label}.`);
  };
  return (
    <Dialog open onClose={() => onClose()} fullWidth aria-labelledby={`${id}-title`}>
      <Box component="form" onSubmit={submit} noValidate>
        <DialogTitle id={`${id}-title`}>{title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ mt: 1 }}>
            <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} required autoFocus {...f.field("label")} />
            <TextField label="Description" value={readme} onChange={(e) => setReadme(e.target.value)} multiline minRows={2}
              {...f.field("readme", type === "Term" ? "What the term means, in the business's words." : undefined)} />
            {type === "Glossary" && (
              <TextField select label="Owner team" value={team} onChange={(e) => setTeam(e.target.value)} slotProps={{ select: { native: true } }}
                {...f.field("admin", "The team that edits the glossary and approves links to its terms.")}>
                {teams.map((g) => <option key={g} value={g}>{g}</option>)}
              </TextField>
            )}
            <FormAlerts errors={f.rest} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => onClose()}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={last.fetching}>{node ? "Save" : "Add"}</Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}

/** A refusal that more rights or another try would not change: something is under the node. */
function heldBySomething(errors: ApiError[]): boolean {
  return errors.some((e) => !!e.code && !["FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED", "INTERNAL"].includes(e.code));
}

/** Deletes `node`: first as asked, then, when the server refuses because something is under
 * it, everything under it too, after a second confirmation. */
export function DeleteNodeDialog({ node, onClose }: { node: GlossaryNodeInfo; onClose: (deleted?: string) => void }) {
  const id = useId();
  // ask: the first question; refused: the server's reason and the offer; cascade: the second question.
  const [step, setStep] = useState<"ask" | "refused" | "cascade">("ask");
  const [g, delGlossary] = useMutation(DeleteGlossary);
  const [c, delCategory] = useMutation(DeleteCategory);
  const [t, delTerm] = useMutation(DeleteTerm);
  const state = { Glossary: g, Category: c, Term: t }[node.nodeType];
  const del = { Glossary: delGlossary, Category: delCategory, Term: delTerm }[node.nodeType];
  const kind = KIND[node.nodeType];
  const run = async (cascade: boolean) => {
    const r = await del({ uri: node.nodeUri, cascade });
    if (!r.error) onClose(`Deleted ${kind} “${node.label}”${cascade ? " and everything under it" : ""}.`);
    else if (!cascade && heldBySomething(apiErrors(r.error))) setStep("refused");
  };
  const errors = apiErrors(state.error);
  const title = step === "cascade" ? `Delete ${node.label} and everything under it?` : `Delete ${node.label}?`;
  return (
    <Dialog open onClose={() => onClose()} fullWidth maxWidth="sm" aria-labelledby={`${id}-title`}>
      <DialogTitle id={`${id}-title`}>{title}</DialogTitle>
      <DialogContent>
        <DialogContentText component="div">
          {step === "ask" && <>The {kind} “{node.label}” will be deleted. This cannot be undone.</>}
          {step === "refused" && <>It was not deleted:</>}
          {step === "cascade" && (
            <>
              This deletes the {kind} “{node.label}”, every category and term under it, and every link from them to datasets, tables,
              columns and folders. This cannot be undone.
            </>
          )}
        </DialogContentText>
        {/* What holds the node is a warning to weigh, not a failure; anything else is an error. */}
        {errors.map((e, i) => (
          <Alert key={i} severity={step === "ask" ? "error" : "warning"} data-code={e.code} sx={{ mt: 1 }}>
            {e.message.charAt(0).toUpperCase() + e.message.slice(1)}
          </Alert>
        ))}
      </DialogContent>
      <DialogActions sx={{ flexWrap: "wrap", gap: 1 }}>
        <Button onClick={() => onClose()}>Cancel</Button>
        {step === "ask" && <Button variant="contained" color="error" disabled={state.fetching} onClick={() => run(false)}>Delete</Button>}
        {step === "refused" && (
          <Button variant="outlined" color="error" onClick={() => setStep("cascade")}>Delete with everything under it</Button>
        )}
        {step === "cascade" && (
          <Button variant="contained" color="error" disabled={state.fetching} onClick={() => run(true)}>Yes, delete everything</Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
