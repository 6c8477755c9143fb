/** A case's page. */
export function CasePage() {
  return <main />;
}
