// A box that scrolls by itself (a wide table on a phone) must be reachable from the keyboard, or
// a keyboard user cannot see what is off to the side. It becomes a named, focusable region only
// while it overflows, so a table that fits adds no stop to the Tab order.
import { useEffect, useState } from "react";

export function useScrollRegion<T extends HTMLElement>(label: string) {
  // A callback ref: the box may appear after the first render (once its data has loaded).
  const [el, ref] = useState<T | null>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    if (!el) return;
    const check = () => setOverflows(el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
    check();
    // The box's own size follows the window; its first child's follows the content.
    const watch = new ResizeObserver(check);
    watch.observe(el);
    if (el.firstElementChild) watch.observe(el.firstElementChild);
    return () => watch.disconnect();
  }, [el]);
  return overflows ? { ref, tabIndex: 0, role: "region", "aria-label": label } : { ref };
}
