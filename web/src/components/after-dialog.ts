import { useRef } from "react";

// A modal dialog hides the rest of the app from screen readers (Fluent's focus trap sets aria-hidden on it) and
// gives it back a moment after the dialog has closed. Leaving the page in that moment leaves the app hidden for
// good: the trap is gone and nothing takes the aria-hidden off again. So a dialog that ends by opening another
// page closes first, and the page changes once the app is visible again.

/** Whether something beside the dialog layer is still hidden by a modal (the trap's own focus sentinels aside). */
const hiddenByModal = () => [...document.body.children].some((e) => e.getAttribute("aria-hidden") === "true" && !e.hasAttribute("data-tabster-dummy"));

/** Longest wait for the trap to let go: past it, the page changes anyway. */
const AT_MOST_MS = 2000;

function whenVisible(go: () => void): void {
  if (!hiddenByModal()) return go();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    observer.disconnect();
    window.clearTimeout(timer);
    go();
  };
  const observer = new MutationObserver(() => {
    if (!hiddenByModal()) finish();
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ["aria-hidden"], subtree: false, childList: true });
  for (const child of document.body.children) observer.observe(child, { attributes: true, attributeFilter: ["aria-hidden"] });
  const timer = window.setTimeout(finish, AT_MOST_MS);
}

/** A page to open once a modal dialog has closed: `later(go)` when the dialog's work is done, `closed()` from its exit. */
export function useAfterDialog(): { later(go: () => void): void; closed(): void } {
  const pending = useRef<(() => void) | null>(null);
  return {
    later: (go) => {
      pending.current = go;
    },
    closed: () => {
      const go = pending.current;
      pending.current = null;
      if (go) whenVisible(go);
    },
  };
}
