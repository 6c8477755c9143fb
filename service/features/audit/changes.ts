/** `{ field: { from, to } }` for every field of `next` that differs from `current`: what an audit event records. */
export function diff(current: object, next: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const was = current as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(next)
      .filter(([k, v]) => was[k] !== v)
      .map(([k, v]) => [k, { from: was[k], to: v }]),
  );
}
