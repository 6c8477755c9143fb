import { ApiError, fetchTransport, ImsClient, type SignedIn } from "../../shared/index.ts";

/** The service that served the page; no bearer credential: the httpOnly session cookie signs every request. */
export const client = new ImsClient({ baseUrl: window.location.origin, transport: fetchTransport() });

/** Signs in with e-mail and password; the session comes back as a cookie the page cannot read. */
export const signIn = (email: string, password: string) => client.json<SignedIn>("POST", "/api/auth/sign-in", { email, password });

/** Signs out; after a session opened with Microsoft, the answer says where to sign out of Microsoft too. */
export const signOut = () => client.signOut();

export const changePassword = (currentPassword: string, newPassword: string) =>
  client.json<void>("POST", "/api/auth/password", { currentPassword, newPassword });

/** Not signed in (no session, or it ended): the page to show is the sign-in page. */
export const isSignedOut = (err: unknown) => err instanceof ApiError && err.status === 401;

/** Signed in with a temporary password: nothing else answers until it is changed. */
export const mustChangePassword = (err: unknown) => err instanceof ApiError && err.code === "password_change_required";
