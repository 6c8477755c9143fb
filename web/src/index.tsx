import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { isSignedOut, mustChangePassword } from "./api.ts";
import { router } from "./App.tsx";
import { TextsProvider } from "./i18n.tsx";
import { prefetchDashboard } from "./pages/Dashboard.tsx";
import { ME, meQuery } from "./session.ts";

// A session that ended (expired, revoked, signed out in another tab) shows as 401 on whatever was asked
// next: then nobody is signed in, and the page goes to sign-in and back. Forms keep their input as drafts.
const signedOut = (err: unknown) => {
  if (isSignedOut(err)) queries.setQueryData(ME, null);
};

// A refusal for who one is will not change by asking again; anything else gets one more try.
const queries: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: signedOut }),
  mutationCache: new MutationCache({ onError: signedOut }),
  defaultOptions: { queries: { retry: (count, err) => count < 1 && !isSignedOut(err) && !mustChangePassword(err), refetchOnWindowFocus: false } },
});

// Opened on the dashboard (the usual start), its requests go out now, beside who is signed in.
void queries.prefetchQuery(meQuery);
if (window.location.pathname === "/") prefetchDashboard(queries);

createRoot(document.getElementById("root")!).render(
  <FluentProvider theme={webLightTheme}>
    <QueryClientProvider client={queries}>
      <TextsProvider>
        <RouterProvider router={router} />
      </TextsProvider>
    </QueryClientProvider>
  </FluentProvider>,
);
