import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { isSignedOut, mustChangePassword } from "./api.ts";
import { router } from "./App.tsx";
import { TextsProvider } from "./i18n.tsx";

// A refusal for who one is will not change by asking again; anything else gets one more try.
const queries = new QueryClient({
  defaultOptions: { queries: { retry: (count, err) => count < 1 && !isSignedOut(err) && !mustChangePassword(err), refetchOnWindowFocus: false } },
});

createRoot(document.getElementById("root")!).render(
  <FluentProvider theme={webLightTheme}>
    <QueryClientProvider client={queries}>
      <TextsProvider>
        <RouterProvider router={router} />
      </TextsProvider>
    </QueryClientProvider>
  </FluentProvider>,
);
