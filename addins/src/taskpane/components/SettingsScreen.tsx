import { Button, Field, Input, makeStyles, Text } from "@fluentui/react-components";
import { useState } from "react";
import { messageFor, type Message } from "../../../../shared/index.ts";
import type { ConnectionSettings } from "../../hosts/adapter.ts";
import { clientFor } from "../connection.ts";
import { useTexts } from "../i18n.tsx";
import { ProblemBar } from "./ProblemBar.tsx";

const useStyles = makeStyles({ section: { display: "flex", flexDirection: "column", gap: "10px" } });

/** Service URL and API token; checks them against /api/me before keeping them. */
export function SettingsScreen({ initial, onSaved }: { initial: ConnectionSettings; onSaved(settings: ConnectionSettings): Promise<void> }) {
  const s = useStyles();
  const { t } = useTexts();
  const [serviceUrl, setServiceUrl] = useState(initial.serviceUrl);
  const [token, setToken] = useState(initial.token);
  const [problem, setProblem] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const urlValid = /^https?:\/\/[^\s/]+/.test(serviceUrl.trim());
  return (
    <form
      className={s.section}
      onSubmit={async (e) => {
        e.preventDefault();
        if (!urlValid) return;
        setBusy(true);
        setProblem(null);
        const settings = { serviceUrl: serviceUrl.trim().replace(/\/+$/, ""), token: token.trim() };
        try {
          await clientFor(settings).me();
          await onSaved(settings);
        } catch (err) {
          setProblem(messageFor(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <Text as="h2" weight="semibold" size={400}>
        {t("settings.title")}
      </Text>
      {problem && <ProblemBar message={problem} testId="settings-problem" />}
      <Field label={t("settings.serviceUrl")} required validationMessage={urlValid ? undefined : t("settings.invalidUrl")}>
        <Input type="url" value={serviceUrl} onChange={(_, d) => setServiceUrl(d.value)} data-testid="service-url" />
      </Field>
      <Field label={t("settings.token")} required>
        <Input type="password" value={token} onChange={(_, d) => setToken(d.value)} autoComplete="off" data-testid="token" />
      </Field>
      <div>
        <Button type="submit" appearance="primary" disabled={busy || !urlValid || !token.trim()} data-testid="save-settings">
          {t("settings.save")}
        </Button>
      </div>
    </form>
  );
}
