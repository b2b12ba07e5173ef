// An organization's webhooks, for its admins: the list, adding one (its signing secret shown
// once, with a copy button), deleting one after a confirmation, sending a test event, and each
// webhook's delivery log with another round for dead letters. The API refuses everyone else, so
// the organization page shows this only to teams holding UPDATE_ORGANIZATION.
import {
  Alert, Box, Button, Checkbox, Chip, FormControlLabel, FormGroup, FormLabel, MenuItem, Paper, Stack, TextField, Typography,
} from "@mui/material";
import { useCallback, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import type { EventDeliveryStatus } from "../gql/graphql";
import { Empty, Errors, Loading, usePolling } from "./common";
import { ConfirmDialog, FormAlerts, useFieldErrors } from "./form";
import { notify } from "./Notices";
import { PagedTable } from "./PagedTable";
import { RelativeTime } from "./RelativeTime";

/** The event types a webhook may pick (core's `EventType::ALL`); none picked means all. */
const EVENT_TYPES = [
  "share.requested", "share.approved", "share.rejected", "share.succeeded", "share.failed", "share.revoked", "share.expired",
  "dataset.created", "dataset.deleted", "stack.failed", "environment.linked",
];

const DELIVERY_PAGE = 10;

const ListSubscriptions = graphql(`
  query ListEventSubscriptions($org: String!) {
    listEventSubscriptions(organizationUri: $org) {
      subscriptionUri
      label
      url
      eventTypes
      createdBy
      created
    }
  }
`);

const CreateSubscription = graphql(`
  mutation CreateEventSubscription($input: NewEventSubscriptionInput!) {
    createEventSubscription(input: $input) {
      secret
      subscription {
        subscriptionUri
        label
      }
    }
  }
`);

const DeleteSubscription = graphql(`
  mutation DeleteEventSubscription($uri: String!) {
    deleteEventSubscription(subscriptionUri: $uri)
  }
`);

const TestSubscription = graphql(`
  mutation TestEventSubscription($uri: String!) {
    testEventSubscription(subscriptionUri: $uri) {
      deliveryUri
    }
  }
`);

const ListDeliveries = graphql(`
  query ListEventDeliveries($uri: String!, $filter: EventDeliveryFilter) {
    listEventDeliveries(subscriptionUri: $uri, filter: $filter) {
      count
      nodes {
        deliveryUri
        eventUri
        eventType
        targetUri
        status
        attempts
        nextAttemptAt
        lastStatusCode
        lastError
        updated
      }
    }
  }
`);

const Redeliver = graphql(`
  mutation RedeliverEventDelivery($uri: String!) {
    redeliverEventDelivery(deliveryUri: $uri) {
      deliveryUri
      status
    }
  }
`);

type Subscription = { subscriptionUri: string; label: string; url: string; eventTypes: string[]; created: string };

export function EventSubscriptions({ organizationUri }: { organizationUri: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: ListSubscriptions, variables: { org: organizationUri } });
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<{ label: string; secret: string } | null>(null);
  const [deleting, setDeleting] = useState<Subscription | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [deleted, remove] = useMutation(DeleteSubscription);
  const [tested, test] = useMutation(TestSubscription);
  const reload = () => refetch({ requestPolicy: "network-only" });
  const subs = data?.listEventSubscriptions ?? [];
  const sendTest = async (s: Subscription) => {
    const r = await test({ uri: s.subscriptionUri });
    if (!r.error) (notify(`A test event is on its way to ${s.label}.`), setOpen(s.subscriptionUri));
  };
  return (
    <Box component="section" aria-labelledby="webhooks-title" sx={{ mt: 3 }}>
      <Stack direction="row" spacing={1} alignItems="center" sx={{ flexWrap: "wrap" }}>
        <Typography variant="h6" id="webhooks-title" sx={{ flexGrow: 1 }}>Webhooks</Typography>
        {!adding && <Button variant="outlined" onClick={() => (setAdding(true), setSecret(null))}>Add webhook</Button>}
      </Stack>
      <Typography color="text.secondary" variant="body2">
        Sluice POSTs this organization's events (shares, datasets, stacks, environments), signed, to each webhook.
      </Typography>
      {adding && (
        <AddWebhook organizationUri={organizationUri}
          onDone={(created) => (setAdding(false), created && (setSecret(created), reload()))} />
      )}
      {secret && <SecretOnce {...secret} onClose={() => setSecret(null)} />}
      <Errors error={error ?? tested.error} />
      {fetching && !data && <Loading />}
      {data && subs.length === 0 && <Empty>No webhook yet. Add one to have this organization's events sent to your own service.</Empty>}
      {subs.length > 0 && (
        <PagedTable label="Webhooks" rows={subs} count={subs.length} page={1} pageSize={100} onPage={() => undefined}
          rowKey={(s) => s.subscriptionUri}
          columns={[
            { label: "Name", render: (s) => s.label },
            { label: "URL", render: (s) => <Box component="code" sx={{ wordBreak: "break-all" }}>{s.url}</Box> },
            { label: "Events", render: (s) => (s.eventTypes.length ? s.eventTypes.join(", ") : "all") },
            { label: "Created", render: (s) => <RelativeTime iso={s.created} /> },
            {
              label: "Actions",
              render: (s) => (
                <Stack direction="row" useFlexGap sx={{ flexWrap: "wrap", gap: 1, "& button": { whiteSpace: "nowrap" } }}>
                  <Button size="small" aria-expanded={open === s.subscriptionUri} aria-label={`Deliveries of ${s.label}`}
                    onClick={() => setOpen(open === s.subscriptionUri ? null : s.subscriptionUri)}>Deliveries</Button>
                  <Button size="small" aria-label={`Send a test event to ${s.label}`} disabled={tested.fetching}
                    onClick={() => sendTest(s)}>Test</Button>
                  <Button size="small" color="error" aria-label={`Delete ${s.label}`} onClick={() => setDeleting(s)}>Delete</Button>
                </Stack>
              ),
            },
          ]} />
      )}
      {open && subs.some((s) => s.subscriptionUri === open) && (
        <Deliveries subscription={subs.find((s) => s.subscriptionUri === open)!} />
      )}
      <ConfirmDialog open={!!deleting} title={`Delete the webhook ${deleting?.label ?? ""}?`} confirm="Delete" busy={deleted.fetching}
        error={deleted.error} onClose={() => setDeleting(null)}
        onConfirm={async () => {
          const r = await remove({ uri: deleting?.subscriptionUri ?? "" });
          if (!r.error) {
            notify(`The webhook ${deleting?.label} is deleted.`);
            if (open === deleting?.subscriptionUri) setOpen(null);
            setDeleting(null);
            reload();
          }
        }}>
        Events stop going to {deleting?.url}, and its delivery log, undelivered events included, is deleted. This cannot be undone.
      </ConfirmDialog>
    </Box>
  );
}

function AddWebhook({ organizationUri, onDone }: {
  organizationUri: string;
  onDone: (created?: { label: string; secret: string }) => void;
}) {
  const [label, setLabel] = useState("");
  const [url, setUrl] = useState("https://");
  const [types, setTypes] = useState<string[]>([]);
  const [result, create] = useMutation(CreateSubscription);
  const f = useFieldErrors(result.error, ["label", "url", "eventTypes"]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = f.check({
      label: !label.trim() ? "Give the webhook a name." : [...label.trim()].length > 255 && "At most 255 characters.",
      url: !/^https?:\/\/[^/\s]+/.test(url.trim()) && "Enter the receiver's URL, https://…",
    });
    if (!ok) return;
    const r = await create({ input: { organizationUri, label: label.trim(), url: url.trim(), eventTypes: types } });
    const created = r.data?.createEventSubscription;
    if (created) onDone({ label: created.subscription.label, secret: created.secret });
  };
  const toggle = (t: string) => setTypes((now) => (now.includes(t) ? now.filter((x) => x !== t) : [...now, t]));
  return (
    <Paper component="form" onSubmit={submit} noValidate sx={{ p: 2, my: 2 }} aria-label="Add webhook">
      <Stack spacing={2}>
        <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} required {...f.field("label")} />
        <TextField label="URL" value={url} onChange={(e) => setUrl(e.target.value)} required
          {...f.field("url", "Where events are POSTed. https only; private addresses only where the operator allows them.")} />
        <Box component="fieldset" sx={{ border: 0, p: 0, m: 0 }}>
          <FormLabel component="legend">Events (none ticked: every event)</FormLabel>
          <FormGroup row>
            {EVENT_TYPES.map((t) => (
              <FormControlLabel key={t} label={t} control={<Checkbox size="small" checked={types.includes(t)} onChange={() => toggle(t)} />} />
            ))}
          </FormGroup>
        </Box>
        <FormAlerts errors={f.rest} />
        <Stack direction="row" spacing={1}>
          <Button type="submit" variant="contained" disabled={result.fetching}>Add</Button>
          <Button onClick={() => onDone()}>Cancel</Button>
        </Stack>
      </Stack>
    </Paper>
  );
}

/** The signing secret, shown this once. */
function SecretOnce({ label, secret, onClose }: { label: string; secret: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      notify("The browser did not let Sluice copy: select the secret and copy it yourself.");
    }
  };
  return (
    <Alert severity="warning" sx={{ my: 2 }} role="region" aria-label="Signing secret"
      action={<Button color="inherit" size="small" onClick={onClose}>Done</Button>}>
      <Typography>
        The webhook {label} is added. Keep its signing secret now: it is not shown again. Your receiver checks each request's
        Sluice-Signature header with it.
      </Typography>
      <Stack direction="row" spacing={1} alignItems="center" sx={{ mt: 1, flexWrap: "wrap" }}>
        <Box component="code" aria-label="Secret" sx={{ wordBreak: "break-all", fontSize: 14 }}>{secret}</Box>
        <Button size="small" variant="outlined" color="inherit" onClick={copy}>{copied ? "Copied" : "Copy secret"}</Button>
      </Stack>
    </Alert>
  );
}

const STATUS_COLOR = { PENDING: "info", DELIVERED: "success", DEAD: "error" } as const;

function Deliveries({ subscription }: { subscription: Subscription }) {
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<EventDeliveryStatus | "">("");
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ListDeliveries,
    variables: { uri: subscription.subscriptionUri, filter: { page, pageSize: DELIVERY_PAGE, status: status || null } },
    requestPolicy: "cache-and-network",
  });
  const [redelivered, redeliver] = useMutation(Redeliver);
  const reload = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const list = data?.listEventDeliveries;
  usePolling(!!list?.nodes.some((d) => d.status === "PENDING"), reload);
  return (
    <Box component="section" aria-label={`Deliveries of ${subscription.label}`} sx={{ mt: 2 }}>
      <Stack direction="row" spacing={1} alignItems="center" sx={{ flexWrap: "wrap", mb: 1 }}>
        <Typography variant="subtitle1" component="h3" sx={{ flexGrow: 1 }}>Deliveries of {subscription.label}</Typography>
        <TextField select size="small" label="Status" value={status} sx={{ minWidth: 140 }}
          onChange={(e) => (setStatus(e.target.value as EventDeliveryStatus | ""), setPage(1))}>
          <MenuItem value="">All</MenuItem>
          <MenuItem value={"PENDING"}>Pending</MenuItem>
          <MenuItem value={"DELIVERED"}>Delivered</MenuItem>
          <MenuItem value={"DEAD"}>Dead</MenuItem>
        </TextField>
        <Button size="small" onClick={reload}>Refresh</Button>
      </Stack>
      <Errors error={error ?? redelivered.error} />
      {fetching && !list && <Loading />}
      {list && list.count === 0 && <Empty>Nothing here yet. Send a test event, or wait for the organization's next event.</Empty>}
      {list && list.count > 0 && (
        <PagedTable label={`Deliveries of ${subscription.label}`} rows={list.nodes} count={list.count} page={page}
          pageSize={DELIVERY_PAGE} onPage={setPage} rowKey={(d) => d.deliveryUri}
          columns={[
            { label: "Event", render: (d) => <><div>{d.eventType}</div><Box component="code" sx={{ fontSize: 12 }}>{d.eventUri}</Box></> },
            { label: "Target", render: (d) => <code>{d.targetUri}</code> },
            { label: "Status", render: (d) => <Chip size="small" variant="outlined" label={d.status.toLowerCase()} color={STATUS_COLOR[d.status]} /> },
            { label: "Attempts", render: (d) => d.attempts },
            {
              label: "Last answer",
              render: (d) => [d.lastStatusCode && `HTTP ${d.lastStatusCode}`, d.lastError].filter(Boolean).join(": ") || "—",
            },
            {
              label: "When",
              render: (d) => (d.nextAttemptAt
                ? <>next try <RelativeTime iso={d.nextAttemptAt} /></>
                : <RelativeTime iso={d.updated} />),
            },
            {
              label: "Redeliver",
              render: (d) => d.status === "DEAD" && (
                <Button size="small" aria-label={`Redeliver ${d.eventType} ${d.eventUri}`} disabled={redelivered.fetching}
                  onClick={async () => {
                    const r = await redeliver({ uri: d.deliveryUri });
                    if (r.error) return;
                    notify(`${d.eventType} gets another round of attempts.`);
                    // The redelivered row is pending now: show every state, so it stays in view
                    // (and the list keeps polling) until it settles.
                    if (status === "DEAD") (setStatus(""), setPage(1));
                    else reload();
                  }}>Redeliver</Button>
              ),
            },
          ]} />
      )}
    </Box>
  );
}
