import { InteractionRequired, type NestableClient, type SsoHost } from "../taskpane/sso.ts";

// Office's side of single sign-on (taskpane/sso.ts decides when to use which). msal-browser is imported only here,
// dynamically: webpack puts it in a chunk of its own that loads when the service offers Microsoft sign-in, not with
// the pane's first screen.

/** Single sign-on as this Office offers it: nested app authentication through msal-browser, or Office's getAccessToken. */
export function officeSsoHost(): SsoHost {
  return {
    supportsNestedAppAuth: () => Boolean(Office.context.requirements?.isSetSupported("NestedAppAuth", "1.1")),
    async createNestableClient({ clientId, authority }): Promise<NestableClient> {
      const msal = await import(/* webpackChunkName: "msal" */ "@azure/msal-browser");
      const pca = await msal.createNestablePublicClientApplication({ auth: { clientId, authority } });
      const interactionRequired = (err: unknown) => (err instanceof msal.InteractionRequiredAuthError ? new InteractionRequired(err.message) : err);
      return {
        async acquireTokenSilent(scopes) {
          try {
            return (await pca.acquireTokenSilent({ scopes })).accessToken;
          } catch (err) {
            throw interactionRequired(err);
          }
        },
        async acquireTokenPopup(scopes) {
          return (await pca.acquireTokenPopup({ scopes })).accessToken;
        },
      };
    },
    // Office.auth is OfficeRuntime.auth under the name office-js types it by.
    officeAccessToken: typeof Office.auth?.getAccessToken === "function" ? (options) => Office.auth.getAccessToken(options) : undefined,
  };
}
