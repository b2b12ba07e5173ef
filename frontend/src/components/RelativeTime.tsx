// A moment as people say it ("3 minutes ago"), with the full local date and time on hover and
// for machines (`<time datetime>`). It moves on by itself once a minute.
import { useEffect, useState } from "react";

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

// In English, as the rest of the UI; the full date in the reader's own format.
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "medium" });

/** "just now", "3 minutes ago", "yesterday", "2 weeks ago"; in the future the same way. */
export function ago(then: Date, now: Date): string {
  const seconds = (then.getTime() - now.getTime()) / 1000;
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "minute") return relative.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

/** The current time, again every `ms`. */
function useNow(ms: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = window.setInterval(() => setNow(new Date()), ms);
    return () => window.clearInterval(t);
  }, [ms]);
  return now;
}

export function RelativeTime({ iso }: { iso?: string | null }) {
  const now = useNow(60_000);
  if (!iso) return null;
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return <>{iso}</>;
  return (
    <time dateTime={iso} title={full.format(then)}>
      {ago(then, now)}
    </time>
  );
}
