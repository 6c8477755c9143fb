/** A document's page. */
export function DocumentPage() {
  return <main />;
}
