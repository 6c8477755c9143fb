import { useEffect, useRef } from "react";

/** Back from a form shown in the page (saved or cancelled), focus returns to the button that opened it. */
export function useReturnFocus(editing: boolean) {
  const button = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(editing);
  useEffect(() => {
    if (wasEditing.current && !editing) button.current?.focus();
    wasEditing.current = editing;
  }, [editing]);
  return button;
}
