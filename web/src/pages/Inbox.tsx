/** Floating documents (flydende). */
export function Inbox() {
  return <main />;
}
