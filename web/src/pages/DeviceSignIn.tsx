import { Button, makeStyles, MessageBar, MessageBarBody, Spinner, Text, tokens } from "@fluentui/react-components";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useParams, useSearchParams } from "react-router";
import type { DeviceSignIn as Device } from "../../../shared/api/schemas/auth.ts";
import type { Me } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { formatMoment } from "../format.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import { useMe } from "../session.ts";

// /forbind/<client>: a person signed in here lets an add-in in. An Office add-in opened this page in Office's
// dialog with the PKCE challenge of a verifier only it holds; the page gets a one-time code for it and hands it
// back with Office.context.ui.messageParent (office.js is loaded for that, on this page only, and only when an
// add-in asked). The Gmail add-on opened it with a link request: the page shows which Google account it is and
// links it once confirmed. Below, the add-ins signed in as oneself, each to sign out.

const OFFICE_CLIENTS = ["outlook", "word", "excel", "powerpoint"] as const;
type OfficeClient = (typeof OFFICE_CLIENTS)[number];
type Client = OfficeClient | "gmail";
const isClient = (c: string): c is Client => c === "gmail" || (OFFICE_CLIENTS as readonly string[]).includes(c);
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";
/** What the task pane listens for (addins/src/taskpane/sign-in.ts). */
const MESSAGE = { code: "ims-case-device-code", cancel: "ims-case-device-cancel" } as const;
const DEVICES = ["auth", "sessions"] as const;

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", maxWidth: "720px", "@media (max-width: 600px)": { padding: "12px" } },
  section: { display: "flex", flexDirection: "column", gap: "12px" },
  heading: { margin: 0 },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px" },
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "8px" },
  device: {
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
  deviceText: { display: "flex", flexDirection: "column", gap: "2px", minWidth: 0, overflowWrap: "anywhere" },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function DeviceSignIn() {
  const s = useStyles();
  const { t } = useTexts();
  const { client: asked = "" } = useParams();
  const [params] = useSearchParams();
  const me = useMe().data;
  if (!me) return null;
  return (
    <main className={s.page}>
      <Text as="h1" size={600} weight="semibold" className={s.heading}>
        {t("web.devices.title")}
      </Text>
      {!isClient(asked) ? (
        <MessageBar intent="warning" data-testid="unknown-client">
          <MessageBarBody>{t("web.devices.unknownClient", { client: asked })}</MessageBarBody>
        </MessageBar>
      ) : asked === "gmail" ? (
        <GmailLink token={params.get("request")} me={me} />
      ) : (
        <OfficeSignIn client={asked} challenge={params.get("challenge")} me={me} />
      )}
      <DeviceList />
    </main>
  );
}

const clientName = (t: (key: TextKey) => string, c: string) => (isClient(c) ? t(`web.devices.client.${c}`) : c);

// ---------------------------------------------------------------------------------------------------------
// Office: the code goes back through Office's dialog

interface OfficeDialogHost {
  onReady(): Promise<unknown>;
  context?: { ui?: { messageParent?(message: string): void } };
}
type MessageParent = (message: string) => void;

let officeLoading: Promise<MessageParent | null> | undefined;

/** office.js, loaded once, and the dialog's channel to the add-in that opened it; null outside Office's dialog. */
function officeDialog(): Promise<MessageParent | null> {
  officeLoading ??= new Promise((resolve) => {
    const ready = () => {
      const office = (window as unknown as { Office?: OfficeDialogHost }).Office;
      if (!office) return resolve(null);
      office.onReady().then(
        () => {
          const ui = office.context?.ui;
          resolve(typeof ui?.messageParent === "function" ? (message) => ui.messageParent!(message) : null);
        },
        () => resolve(null),
      );
    };
    if ((window as unknown as { Office?: unknown }).Office) return ready();
    const script = document.createElement("script");
    script.src = OFFICE_JS;
    script.onload = ready;
    script.onerror = () => resolve(null);
    document.head.appendChild(script);
  });
  return officeLoading;
}

function OfficeSignIn({ client: c, challenge, me }: { client: OfficeClient; challenge: string | null; me: Me }) {
  const s = useStyles();
  const { t } = useTexts();
  const name = clientName(t, c);
  const asked = challenge !== null && SECRET.test(challenge);
  const [dialog, setDialog] = useState<MessageParent | null | undefined>(undefined);
  const [cancelled, setCancelled] = useState(false);
  useEffect(() => {
    // A function in state is set through an updater, or React would call it as one.
    if (asked) void officeDialog().then((found) => setDialog(() => found));
  }, [asked]);
  const confirm = useMutation({
    mutationFn: async () => {
      const code = await client.deviceCode(c, challenge!);
      dialog!(JSON.stringify({ type: MESSAGE.code, code: code.code }));
      return code;
    },
  });

  if (!asked) return <Notice testId="not-from-office" text={t("web.devices.office.notFromOffice", { client: name })} />;
  if (dialog === undefined) return <Spinner label={t("web.devices.office.loading", { client: name })} />;
  if (dialog === null) return <Notice testId="no-dialog" text={t("web.devices.office.noDialog", { client: name })} />;
  if (confirm.isSuccess) return <Notice testId="device-done" intent="success" text={t("web.devices.office.done", { client: name, name: me.name })} />;
  if (cancelled) return <Notice testId="device-cancelled" text={t("web.devices.cancelled")} />;
  return (
    <section className={s.section} aria-labelledby="device-question" data-testid="device-confirm">
      <Text as="h2" size={500} weight="semibold" id="device-question" className={s.heading}>
        {t("web.devices.question", { client: name, name: me.name })}
      </Text>
      <Text>{t("web.devices.office.explain", { client: name })}</Text>
      {confirm.isError && <Problem error={confirm.error} />}
      <div className={s.actions}>
        <Button appearance="primary" disabled={confirm.isPending} onClick={() => confirm.mutate()} data-testid="confirm-device">
          {t("web.devices.office.confirm", { client: name })}
        </Button>
        <Button
          disabled={confirm.isPending}
          onClick={() => {
            dialog(JSON.stringify({ type: MESSAGE.cancel }));
            setCancelled(true);
          }}
        >
          {t("web.devices.cancel")}
        </Button>
      </div>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Gmail: the Google account of the add-on's link request

function GmailLink({ token, me }: { token: string | null; me: Me }) {
  const s = useStyles();
  const { t } = useTexts();
  const queries = useQueryClient();
  const asked = token !== null && SECRET.test(token);
  const pending = useQuery({
    queryKey: ["google-link", token],
    queryFn: () => client.googleLinkRequest(token!),
    enabled: asked,
    retry: false,
    staleTime: Infinity,
  });
  const confirm = useMutation({
    mutationFn: () => client.confirmGoogleLink(token!),
    onSuccess: () => void queries.invalidateQueries({ queryKey: DEVICES }),
  });

  if (!asked) return <Notice testId="not-from-gmail" text={t("web.devices.gmail.noRequest")} />;
  if (pending.isPending) return <Spinner label={t("web.loading")} />;
  if (pending.isError) return <Problem error={pending.error} />;
  const account = pending.data.account;
  if (confirm.isSuccess) return <Notice testId="device-done" intent="success" text={t("web.devices.gmail.done", { account, name: me.name })} />;
  return (
    <section className={s.section} aria-labelledby="device-question" data-testid="device-confirm">
      <Text as="h2" size={500} weight="semibold" id="device-question" className={s.heading}>
        {t("web.devices.gmail.question", { account, name: me.name })}
      </Text>
      <Text>{t("web.devices.gmail.explain")}</Text>
      <MessageBar intent="warning">
        <MessageBarBody>{t("web.devices.gmail.warning")}</MessageBarBody>
      </MessageBar>
      {confirm.isError && <Problem error={confirm.error} />}
      <div className={s.actions}>
        <Button appearance="primary" disabled={confirm.isPending} onClick={() => confirm.mutate()} data-testid="confirm-device">
          {t("web.devices.gmail.confirm")}
        </Button>
      </div>
    </section>
  );
}

function Notice({ text, testId, intent = "info" }: { text: string; testId: string; intent?: "info" | "success" | "warning" }) {
  return (
    <div role="status" data-testid={testId}>
      <MessageBar intent={intent}>
        <MessageBarBody>{text}</MessageBarBody>
      </MessageBar>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------
// The add-ins signed in as oneself

function DeviceList() {
  const s = useStyles();
  const { t, language } = useTexts();
  const queries = useQueryClient();
  const sessions = useQuery({ queryKey: DEVICES, queryFn: () => client.sessions() });
  const [signedOut, setSignedOut] = useState<string | null>(null);
  const end = useMutation({
    mutationFn: async (device: Device) => {
      await client.endSession(device.id);
      return device;
    },
    onSuccess: (device) => {
      setSignedOut(clientName(t, device.client));
      void queries.invalidateQueries({ queryKey: DEVICES });
    },
  });
  const at = (iso: string) => formatMoment(iso, language);
  return (
    <section className={s.section} aria-labelledby="devices-title" data-testid="devices">
      <Text as="h2" size={500} weight="semibold" id="devices-title" className={s.heading}>
        {t("web.devices.list.title")}
      </Text>
      {signedOut && (
        <div role="status">
          <Text data-testid="signed-out">{t("web.devices.list.signedOut", { client: signedOut })}</Text>
        </div>
      )}
      {end.isError && <Problem error={end.error} />}
      {sessions.isPending ? (
        <Spinner label={t("web.loading")} />
      ) : sessions.isError ? (
        <Problem error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : sessions.data.devices.length === 0 ? (
        <Text className={s.muted}>{t("web.devices.list.none")}</Text>
      ) : (
        <ul className={s.list}>
          {sessions.data.devices.map((d) => {
            const name = clientName(t, d.client);
            return (
              <li key={d.id} className={s.device} data-device-id={d.id} data-client={d.client}>
                <div className={s.deviceText}>
                  <Text weight="semibold">{d.account ? `${name} · ${d.account}` : name}</Text>
                  <Text size={200} className={s.muted}>
                    {t("web.devices.list.signedIn", { at: at(d.createdAt) })} ·{" "}
                    {d.lastUsedAt ? t("web.devices.list.lastUsed", { at: at(d.lastUsedAt) }) : t("web.devices.list.neverUsed")}
                  </Text>
                </div>
                <Button
                  disabled={end.isPending}
                  onClick={() => end.mutate(d)}
                  aria-label={
                    d.account
                      ? t("web.devices.list.unlinkOf", { account: d.account })
                      : t("web.devices.list.signOutOf", { client: name, when: at(d.createdAt) })
                  }
                >
                  {d.account ? t("web.devices.list.unlink") : t("web.devices.list.signOut")}
                </Button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
