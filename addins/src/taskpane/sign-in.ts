import { ApiError, fetchTransport, ImsClient } from "../../../shared/index.ts";
import type { ConnectionSettings, HostName, WebViewPort } from "../hosts/adapter.ts";

// Signing the pane in through the web view (PKCE, RFC 7636): the pane makes a verifier only it knows and opens
// <service>/forbind/<host>?challenge=<S256 of it> in Office's dialog. The person signs in there and confirms;
// the page sends back a one-time code (web/src/pages/DeviceSignIn.tsx), which the pane redeems with the
// verifier for its own credential. The credential never passes through the page or the dialog.

/** What the web view's page sends through Office.context.ui.messageParent. */
type DialogMessage = { type: "ims-case-device-code"; code: string } | { type: "ims-case-device-cancel" };

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

/** A PKCE verifier (32 random bytes) and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

function parseMessage(text: string): DialogMessage | null {
  try {
    const m = JSON.parse(text) as Partial<{ type: string; code: unknown }>;
    if (m.type === "ims-case-device-code" && typeof m.code === "string") return { type: m.type, code: m.code };
    if (m.type === "ims-case-device-cancel") return { type: m.type };
  } catch {
    // not one of ours
  }
  return null;
}

/**
 * Signs the pane in at `serviceUrl` through the web view: the settings to keep, or null when the person closed
 * the dialog or cancelled. A refusal of the code (ApiError) or of the dialog (HostError) is thrown.
 */
export async function signInThroughWebView(webView: WebViewPort, serviceUrl: string, host: HostName): Promise<ConnectionSettings | null> {
  const base = serviceUrl.trim().replace(/\/+$/, "");
  const { verifier, challenge } = await pkcePair();
  const answer = await webView.ask(`${base}/forbind/${host}?challenge=${challenge}`, new URL(base).origin);
  const message = answer === null ? null : parseMessage(answer);
  if (!message || message.type === "ims-case-device-cancel") return null;
  const credential = await new ImsClient({ baseUrl: base, transport: fetchTransport() }).redeemDeviceCode(message.code, verifier);
  return { serviceUrl: base, token: credential.token, deviceId: credential.id, signedInAs: credential.name };
}

/** "Log ud": the credential is revoked at the service (already revoked or unknown is as good), and the settings keep only the address. */
export async function signOut(settings: ConnectionSettings): Promise<ConnectionSettings> {
  if (settings.deviceId && settings.token) {
    const client = new ImsClient({ baseUrl: settings.serviceUrl, credential: async () => settings.token, transport: fetchTransport() });
    try {
      await client.endSession(settings.deviceId);
    } catch (err) {
      if (!(err instanceof ApiError && (err.status === 401 || err.status === 404))) throw err;
    }
  }
  return { serviceUrl: settings.serviceUrl, token: "" };
}

/** A page of the web view at the service the pane talks to: a case by its number, else the document. */
export function webViewLink(serviceUrl: string, target: { caseNumber?: string | null; documentId: string }): { href: string; kind: "case" | "document" } {
  const base = serviceUrl.replace(/\/+$/, "");
  return target.caseNumber
    ? { href: `${base}/sager/${encodeURIComponent(target.caseNumber)}`, kind: "case" }
    : { href: `${base}/dokumenter/${encodeURIComponent(target.documentId)}`, kind: "document" };
}
