import { Spinner } from "@fluentui/react-components";
import { createBrowserRouter, Navigate, Outlet, useLocation } from "react-router";
import { Problem } from "./components/Problem.tsx";
import { TopBar } from "./components/TopBar.tsx";
import { useTexts, withPageTexts } from "./i18n.tsx";
import { Cases } from "./pages/Cases.tsx";
import { Dashboard } from "./pages/Dashboard.tsx";
import { Documents } from "./pages/Documents.tsx";
import { NotFound } from "./pages/NotFound.tsx";
import { SignIn } from "./pages/SignIn.tsx";
import { useMe } from "./session.ts";

/** Every page but the sign-in page: only for someone signed in; anyone else signs in and comes back here. */
function SignedInLayout() {
  const { t } = useTexts();
  const location = useLocation();
  const me = useMe();
  if (me.isPending) return <Spinner label={t("web.loading")} />;
  if (me.isError) return <Problem error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) {
    const asked = `${location.pathname}${location.search}`;
    return <Navigate to={asked === "/" ? "/log-ind" : `/log-ind?next=${encodeURIComponent(asked)}`} replace />;
  }
  return (
    <>
      <TopBar me={me.data} />
      <Outlet />
    </>
  );
}

// The sign-in page and the dashboard load with the app; every other page is its own chunk, fetched when opened.
export const router = createBrowserRouter([
  { path: "/log-ind", element: <SignIn /> },
  {
    path: "/",
    element: <SignedInLayout />,
    children: [
      { index: true, element: <Dashboard /> },
      { path: "sager", element: <Cases /> },
      { path: "sager/:number", lazy: async () => ({ Component: (await withPageTexts(import("./pages/CasePage.tsx"))).CasePage }) },
      { path: "dokumenter", element: <Documents /> },
      { path: "dokumenter/:id", lazy: async () => ({ Component: (await withPageTexts(import("./pages/DocumentPage.tsx"))).DocumentPage }) },
      { path: "soeg", lazy: async () => ({ Component: (await withPageTexts(import("./pages/Search.tsx"))).Search }) },
      { path: "soeg/avanceret", lazy: async () => ({ Component: (await withPageTexts(import("./pages/AdvancedSearch.tsx"))).AdvancedSearch }) },
      { path: "flydende", lazy: async () => ({ Component: (await withPageTexts(import("./pages/Inbox.tsx"))).Inbox }) },
      { path: "sessioner", lazy: async () => ({ Component: (await withPageTexts(import("./pages/Sessions.tsx"))).Sessions }) },
      { path: "forbind/:client", lazy: async () => ({ Component: (await withPageTexts(import("./pages/DeviceSignIn.tsx"))).DeviceSignIn }) },
      { path: "parter", lazy: async () => ({ Component: (await withPageTexts(import("./pages/Contacts.tsx"))).Contacts }) },
      { path: "parter/:id", lazy: async () => ({ Component: (await withPageTexts(import("./pages/ContactPage.tsx"))).ContactPage }) },
      { path: "opgaver", lazy: async () => ({ Component: (await withPageTexts(import("./pages/Tasks.tsx"))).Tasks }) },
      { path: "opgaver/:id", lazy: async () => ({ Component: (await withPageTexts(import("./tasks/TaskPage.tsx"))).TaskPage }) },
      { path: "notifikationer", lazy: async () => ({ Component: (await withPageTexts(import("./pages/Notifications.tsx"))).Notifications }) },
      { path: "*", element: <NotFound /> },
    ],
  },
]);
