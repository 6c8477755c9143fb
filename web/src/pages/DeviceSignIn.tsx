/** Signing in an add-in. */
export function DeviceSignIn() {
  return <main />;
}
