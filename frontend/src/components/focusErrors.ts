// After a form is submitted and refused, by its own checks or by the server, focus goes to what
// is wrong: the first field marked invalid, or else the form's first alert (a wrong password, a
// server error that names no field). A screen reader then reads the message, and a keyboard user
// is where they must act, instead of on a button or the page's body. One listener serves every
// <form> in the app, so a new form gets this by being a form.
import { useEffect } from "react";

/** How long after a submit an error may still arrive (a slow server) and take focus. */
const WAIT_MS = 30_000;

const FOCUSABLE = "input, select, textarea, button, a[href], [tabindex]";

function whatIsWrong(form: HTMLFormElement): HTMLElement | null {
  return (
    form.querySelector<HTMLElement>('[aria-invalid="true"]') ??
    form.querySelector<HTMLElement>('[role="alert"]') ??
    form.querySelector<HTMLElement>(".MuiFormHelperText-root.Mui-error")
  );
}

export function useFocusErrorsAfterSubmit() {
  useEffect(() => {
    let stop = () => {};
    const onSubmit = (e: Event) => {
      stop();
      const form = e.target;
      if (!(form instanceof HTMLFormElement)) return;
      const look = () => {
        if (!form.isConnected) return stop();
        // The user has gone on elsewhere: focus stays where they put it.
        const active = document.activeElement;
        if (active && active !== document.body && !form.contains(active)) return stop();
        const target = whatIsWrong(form);
        if (!target) return;
        if (!target.matches(FOCUSABLE)) target.setAttribute("tabindex", "-1");
        target.focus();
        stop();
      };
      // The form's own checks show at once (the next frame); the server's when it answers.
      const watch = new MutationObserver(look);
      watch.observe(form, { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-invalid", "role", "class"] });
      const frame = requestAnimationFrame(look);
      const timer = window.setTimeout(() => stop(), WAIT_MS);
      stop = () => {
        watch.disconnect();
        cancelAnimationFrame(frame);
        window.clearTimeout(timer);
        stop = () => {};
      };
    };
    // Capture: it runs before the form's own handler, which may unmount the form.
    document.addEventListener("submit", onSubmit, true);
    return () => {
      document.removeEventListener("submit", onSubmit, true);
      stop();
    };
  }, []);
}
