// A task's progress as a sentence ("3 tables read from Glue database sales_db, 2 minutes
// ago"), never its JSON.
import { RelativeTime } from "./RelativeTime";

/** The `message` of a task's progress JSON (`{"done": n, "message": "…"}`), or "n done". */
export function progressWords(progress?: string | null): string | undefined {
  if (!progress) return undefined;
  try {
    const p = JSON.parse(progress) as { done?: number; message?: string };
    if (typeof p.message === "string" && p.message) return p.message;
    if (typeof p.done === "number") return `${p.done} done so far`;
  } catch {
    // Not JSON: already words.
    return progress;
  }
  return undefined;
}

const STATE: Record<string, string> = { pending: "Waiting to start", started: "Running", succeeded: "Finished", failed: "Failed" };

export function taskSentence(t: { status: string; progress?: string | null; updated?: string | null }) {
  const words = progressWords(t.progress);
  return (
    <>
      {STATE[t.status] ?? t.status}
      {words && `: ${words}`}
      {t.updated && <>, <RelativeTime iso={t.updated} /></>}.
    </>
  );
}
