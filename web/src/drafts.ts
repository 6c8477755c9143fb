import { useCallback, useEffect, useState } from "react";

// What a person has typed into a form is kept in this tab's sessionStorage while they type, so a session
// that expires (and the trip through the sign-in page it causes) loses nothing: back on the page, the form
// is filled in as it was. A draft is cleared once the form is saved or cancelled.

const PREFIX = "imsCase.draft.";

function readDraft<T>(key: string): T | undefined {
  try {
    const stored = sessionStorage.getItem(PREFIX + key);
    return stored === null ? undefined : (JSON.parse(stored) as T);
  } catch {
    return undefined;
  }
}

/** Forgets a form's draft (after it was saved, or the person cancelled). */
export function clearDraft(key: string): void {
  try {
    sessionStorage.removeItem(PREFIX + key);
  } catch {
    // Nothing was kept.
  }
}

/**
 * useState for a form's values that survives a reload and a sign-in in between. `key` names the form and
 * the thing it edits (e.g. `case-edit:<id>`); the returned `clear` forgets the draft.
 */
export function useDraft<T>(key: string, initial: T | (() => T)): [T, (next: T | ((previous: T) => T)) => void, () => void] {
  const [value, setValue] = useState<T>(() => readDraft<T>(key) ?? (typeof initial === "function" ? (initial as () => T)() : initial));
  useEffect(() => {
    try {
      sessionStorage.setItem(PREFIX + key, JSON.stringify(value));
    } catch {
      // A browser that keeps no storage still has the form, for this visit.
    }
  }, [key, value]);
  const clear = useCallback(() => clearDraft(key), [key]);
  return [value, setValue, clear];
}

/** Whether a form has a kept draft (a page can open its editor again after the person signed back in). */
export function hasDraft(key: string): boolean {
  return readDraft(key) !== undefined;
}

/**
 * Whether a form kept in a dialog is open: open at first when its draft exists (the person was editing before
 * a trip through the sign-in page), and closing it forgets the draft, so the draft lives only while it is open.
 */
export function useDraftedDialog(key: string): { open: boolean; show(): void; close(): void } {
  const [open, setOpen] = useState(() => hasDraft(key));
  const show = useCallback(() => setOpen(true), []);
  const close = useCallback(() => {
    clearDraft(key);
    setOpen(false);
  }, [key]);
  return { open, show, close };
}
