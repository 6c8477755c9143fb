import { Badge, Button, makeStyles, MessageBar, MessageBarBody, Spinner, Text, tokens } from "@fluentui/react-components";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import type { LinkedAccount, WebSession } from "../../../shared/api/schemas/auth.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { formatMoment } from "../format.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import { ssoStart, useSsoFailure } from "./SignIn.tsx";

// /sessioner: one's browser sessions, each to end, and the Microsoft and Google accounts that sign in as
// oneself: connect one (link mode: the service sends the browser to the provider and back here with
// ?linked=<provider> or ?sso=<reason>), or disconnect it. The add-ins are on /forbind/<client>.

const SESSIONS = ["auth", "sessions"] as const;

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "24px", maxWidth: "720px", "@media (max-width: 600px)": { padding: "12px" } },
  section: { display: "flex", flexDirection: "column", gap: "12px" },
  heading: { margin: 0 },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px" },
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "8px" },
  item: {
    display: "flex",
    flexWrap: "wrap",
    justifyContent: "space-between",
    alignItems: "center",
    gap: "8px 16px",
    padding: "12px",
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
  },
  itemText: { display: "flex", flexDirection: "column", gap: "2px", minWidth: 0, overflowWrap: "anywhere" },
  muted: { color: tokens.colorNeutralForeground3 },
});

const METHODS = ["password", "invite", "microsoft", "google"] as const;

export function Sessions() {
  const s = useStyles();
  const { t } = useTexts();
  const [params] = useSearchParams();
  const failure = useSsoFailure(params);
  const linked = params.get("linked");
  const linkedName = linked === "microsoft" || linked === "google" ? t(`web.sso.provider.${linked}`) : null;
  const sessions = useQuery({ queryKey: SESSIONS, queryFn: () => client.sessions() });
  return (
    <main className={s.page}>
      <Text as="h1" size={600} weight="semibold" className={s.heading}>
        {t("web.sessions.title")}
      </Text>
      {linkedName && (
        <div role="status">
          <MessageBar intent="success" data-testid="sso-linked">
            <MessageBarBody>{t("web.sessions.linked", { provider: linkedName })}</MessageBarBody>
          </MessageBar>
        </div>
      )}
      {failure && (
        <div role="alert">
          <MessageBar intent="error" data-testid="sso-failure">
            <MessageBarBody>{failure}</MessageBarBody>
          </MessageBar>
        </div>
      )}
      {sessions.isPending ? (
        <Spinner label={t("web.loading")} />
      ) : sessions.isError ? (
        <Problem error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <>
          <LinkedAccounts accounts={sessions.data.identities} />
          <SessionList sessions={sessions.data.items} />
        </>
      )}
    </main>
  );
}

function LinkedAccounts({ accounts }: { accounts: LinkedAccount[] }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const queries = useQueryClient();
  const providers = useQuery({ queryKey: ["sso-providers"], queryFn: () => client.ssoProviders(), staleTime: Infinity, retry: false });
  const [disconnected, setDisconnected] = useState<string | null>(null);
  const name = (p: LinkedAccount["provider"]) => t(`web.sso.provider.${p}`);
  const end = useMutation({
    mutationFn: async (account: LinkedAccount) => {
      await client.endSession(account.id);
      return account;
    },
    onSuccess: (account) => {
      setDisconnected(name(account.provider));
      void queries.invalidateQueries({ queryKey: SESSIONS });
    },
  });
  const at = (iso: string) => formatMoment(iso, language);
  const connect = { returnTo: "/sessioner", mode: "link" };
  return (
    <section className={s.section} aria-labelledby="accounts-title" data-testid="linked-accounts">
      <Text as="h2" size={500} weight="semibold" id="accounts-title" className={s.heading}>
        {t("web.sessions.accounts.title")}
      </Text>
      <Text>{t("web.sessions.accounts.explain")}</Text>
      {disconnected && (
        <div role="status">
          <Text data-testid="disconnected">{t("web.sessions.accounts.disconnected", { provider: disconnected })}</Text>
        </div>
      )}
      {end.isError && <Problem error={end.error} />}
      {accounts.length === 0 ? (
        <Text className={s.muted}>{t("web.sessions.accounts.none")}</Text>
      ) : (
        <ul className={s.list}>
          {accounts.map((a) => (
            <li key={a.id} className={s.item} data-identity-id={a.id} data-provider={a.provider}>
              <div className={s.itemText}>
                <Text weight="semibold">{a.account ? `${name(a.provider)} · ${a.account}` : name(a.provider)}</Text>
                <Text size={200} className={s.muted}>
                  {t("web.sessions.accounts.linkedAt", { at: at(a.createdAt) })} ·{" "}
                  {a.lastUsedAt ? t("web.sessions.accounts.lastUsed", { at: at(a.lastUsedAt) }) : t("web.sessions.accounts.neverUsed")}
                </Text>
              </div>
              <Button
                disabled={end.isPending}
                onClick={() => end.mutate(a)}
                aria-label={t("web.sessions.accounts.disconnectOf", { provider: name(a.provider), account: a.account ?? "" })}
              >
                {t("web.sessions.accounts.disconnect")}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {(providers.data?.microsoft?.webSignIn || providers.data?.google) && (
        <div className={s.actions}>
          {/* Plain links: the service sends the browser to the provider and back here. */}
          {providers.data.microsoft?.webSignIn && (
            <Button as="a" href={ssoStart("microsoft", connect)} data-testid="connect-microsoft">
              {t("web.sessions.connect.microsoft")}
            </Button>
          )}
          {providers.data.google && (
            <Button as="a" href={ssoStart("google", connect)} data-testid="connect-google">
              {t("web.sessions.connect.google")}
            </Button>
          )}
        </div>
      )}
    </section>
  );
}

function SessionList({ sessions }: { sessions: WebSession[] }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const queries = useQueryClient();
  const [ended, setEnded] = useState(false);
  const end = useMutation({
    mutationFn: (id: string) => client.endSession(id),
    onSuccess: () => {
      setEnded(true);
      void queries.invalidateQueries({ queryKey: SESSIONS });
    },
  });
  const at = (iso: string) => formatMoment(iso, language);
  const method = (m: string) => ((METHODS as readonly string[]).includes(m) ? t(`web.sessions.method.${m}` as TextKey) : m);
  return (
    <section className={s.section} aria-labelledby="sessions-title" data-testid="sessions">
      <Text as="h2" size={500} weight="semibold" id="sessions-title" className={s.heading}>
        {t("web.sessions.list.title")}
      </Text>
      {ended && (
        <div role="status">
          <Text>{t("web.sessions.list.ended")}</Text>
        </div>
      )}
      {end.isError && <Problem error={end.error} />}
      <ul className={s.list}>
        {sessions.map((session) => (
          <li key={session.id} className={s.item} data-session-id={session.id} data-method={session.method}>
            <div className={s.itemText}>
              <Text weight="semibold">
                {session.userAgent ?? session.ip ?? session.id}{" "}
                {session.current && (
                  <Badge appearance="tint" color="brand">
                    {t("web.sessions.list.current")}
                  </Badge>
                )}
              </Text>
              <Text size={200} className={s.muted}>
                {t("web.sessions.list.signedIn", { at: at(session.createdAt), method: method(session.method) })} ·{" "}
                {t("web.sessions.list.lastSeen", { at: at(session.lastSeenAt) })}
              </Text>
            </div>
            {!session.current && (
              <Button
                disabled={end.isPending}
                onClick={() => end.mutate(session.id)}
                aria-label={t("web.sessions.list.endOf", { when: at(session.createdAt) })}
              >
                {t("web.sessions.list.end")}
              </Button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
