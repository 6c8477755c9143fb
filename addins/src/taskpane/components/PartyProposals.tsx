import {
  Badge,
  Button,
  Checkbox,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Select,
  Spinner,
  Text,
  tokens,
} from "@fluentui/react-components";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import type { ImsClient } from "../../../../shared/index.ts";
import {
  addedParties,
  addParties,
  chooseAlsoOnCase,
  chooseRole,
  createContactFor,
  editNewContact,
  loadPartyProposals,
  pendingParties,
  roleName,
  selectParty,
  skipParties,
  type PartyProposal,
  type PartyProposals as Proposals,
  type PartySource,
} from "../../../../shared/flow/parties.ts";
import { useTexts } from "../i18n.tsx";
import { ProblemBar } from "./ProblemBar.tsx";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: "10px", minWidth: 0 },
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "10px" },
  row: { display: "flex", flexDirection: "column", gap: "4px", minWidth: 0 },
  line: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: "6px", minWidth: 0 },
  muted: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, overflowWrap: "anywhere" },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px" },
});

const HEADER_KEY = { from: "meta.from", to: "meta.to", cc: "meta.cc" } as const;

/** The proposal bound to React state: every step goes through the shared flow; one conversation at a time. */
function useProposals(client: ImsClient, source: PartySource) {
  const [proposals, setProposals] = useState<Proposals | null>(null);
  const [busy, setBusy] = useState(false);
  const latest = useRef<Proposals | null>(null);
  const update = useCallback((next: Proposals) => {
    latest.current = next;
    setProposals(next);
  }, []);
  const { documentId, caseId } = source;
  const mail = JSON.stringify(source.mail);
  const load = useCallback(async () => {
    setBusy(true);
    update(await loadPartyProposals(client, { documentId, caseId, mail: JSON.parse(mail) }));
    setBusy(false);
  }, [client, documentId, caseId, mail, update]);
  useEffect(() => {
    void load();
  }, [load]);
  const step = (fn: (p: Proposals) => Proposals) => latest.current && update(fn(latest.current));
  const talk = async (fn: (p: Proposals) => Promise<Proposals>) => {
    if (!latest.current || busy) return;
    setBusy(true);
    try {
      update(await fn(latest.current));
    } finally {
      setBusy(false);
    }
  };
  return { proposals, busy, load, step, talk, update };
}

/**
 * "Parter" after a mail is saved: the sender and recipients who are contacts, to add as parties of the
 * document (and of the case); addresses without a contact can become one. The save is done already; this
 * may be skipped and can fail without touching it.
 */
export function PartyProposals({ client, source }: { client: ImsClient; source: PartySource }) {
  const s = useStyles();
  const { t, say, language } = useTexts();
  const { proposals: p, busy, load, step, talk, update } = useProposals(client, source);
  const headingId = useId();

  if (!p) return <Spinner size="tiny" label={t("parties.loading")} data-testid="party-proposals-loading" />;
  if (p.phase === "skipped")
    return (
      <Text className={s.muted} data-testid="parties-skipped">
        {t("parties.skipped")}
      </Text>
    );
  if (p.rows.length === 0 && p.phase !== "unavailable") return null;
  const roleOf = (id: string) => p.roles.find((r) => r.id === id);
  const caseRole = p.caseRoleId ? roleOf(p.caseRoleId) : undefined;
  const known = p.rows.filter((r) => r.contact);
  const unknown = p.rows.filter((r) => !r.contact);
  const pending = pendingParties(p).length;
  const adding = p.phase === "adding";

  const contactRow = (r: PartyProposal) => {
    const name = r.contact!.name;
    const role = roleOf(r.roleId);
    return (
      <li key={r.key} className={s.row} data-testid="party-row" data-address={r.address} data-contact-id={r.contact!.id}>
        <div className={s.line}>
          <Checkbox
            label={t("parties.contact", { name, address: r.address })}
            checked={r.selected}
            disabled={r.added.document || busy}
            onChange={(_, d) => step((x) => selectParty(x, r.key, Boolean(d.checked)))}
          />
          <Text className={s.muted}>{t(HEADER_KEY[r.header])}</Text>
          {r.created && <Badge appearance="outline">{t("parties.created")}</Badge>}
          {r.onCase && (
            <Badge appearance="outline" color="informative">
              {t("parties.onCase")}
            </Badge>
          )}
        </div>
        {r.added.document ? (
          <Text data-testid="party-added">{t("parties.added", { role: role ? roleName(role, language) : "" })}</Text>
        ) : (
          <Select
            aria-label={t("parties.roleOf", { name })}
            value={r.roleId}
            disabled={!r.selected || busy}
            onChange={(_, d) => step((x) => chooseRole(x, r.key, d.value))}
          >
            {p.roles.map((x) => (
              <option key={x.id} value={x.id}>
                {roleName(x, language)}
              </option>
            ))}
          </Select>
        )}
        {r.failure && <ProblemBar message={r.failure} testId="party-failure" />}
      </li>
    );
  };

  const unknownRow = (r: PartyProposal) => (
    <li key={r.key} className={s.row} data-testid="unknown-address" data-address={r.address}>
      <Text className={s.muted}>
        {t(HEADER_KEY[r.header])}: {r.address}
      </Text>
      <Field label={t("parties.name", { address: r.address })} validationMessage={r.failure ? say(r.failure) : undefined}>
        <Input value={r.name} disabled={busy} onChange={(_, d) => step((x) => editNewContact(x, r.key, { name: d.value }))} data-testid="new-contact-name" />
      </Field>
      <div className={s.line}>
        <Select
          aria-label={t("parties.kind")}
          value={r.kind}
          disabled={busy}
          onChange={(_, d) => step((x) => editNewContact(x, r.key, { kind: d.value === "organisation" ? "organisation" : "person" }))}
        >
          <option value="person">{t("parties.kind.person")}</option>
          <option value="organisation">{t("parties.kind.organisation")}</option>
        </Select>
        <Button
          disabled={busy}
          aria-label={t("parties.createFor", { address: r.address })}
          onClick={() => void talk((x) => createContactFor(client, x, r.key))}
          data-testid="create-contact"
        >
          {t("parties.create")}
        </Button>
      </div>
    </li>
  );

  return (
    <section className={s.section} aria-labelledby={headingId} data-testid="party-proposals" data-phase={p.phase}>
      <Text as="h2" weight="semibold" size={400} id={headingId}>
        {t("parties.title")}
      </Text>
      {p.phase === "unavailable" && (
        <MessageBar intent="warning" data-testid="parties-unavailable">
          <MessageBarBody>
            {t("parties.unavailable")} {p.failure && say(p.failure)}
          </MessageBarBody>
          <MessageBarActions>
            <Button disabled={busy} onClick={() => void load()}>
              {t("error.retry")}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {p.phase === "finished" ? (
        <MessageBar intent="success" data-testid="parties-finished">
          <MessageBarBody>
            {t("parties.finished", {
              names: addedParties(p)
                .map((r) => r.contact!.name)
                .join(", "),
            })}
          </MessageBarBody>
        </MessageBar>
      ) : (
        p.phase !== "unavailable" && (
          <>
            <Text className={s.muted}>{t("parties.intro")}</Text>
            {p.rows.some((r) => r.failure && r.contact) && !adding && (
              <Text role="alert" data-testid="parties-some-failed">
                {t("parties.someFailed")}
              </Text>
            )}
            {known.length > 0 && <ul className={s.list}>{known.map(contactRow)}</ul>}
            {unknown.length > 0 && (
              <>
                <Text as="h3" weight="semibold">
                  {t("parties.unknown")}
                </Text>
                <ul className={s.list}>{unknown.map(unknownRow)}</ul>
              </>
            )}
            {caseRole && known.length > 0 && (
              <Checkbox
                label={t("parties.alsoOnCase", { role: roleName(caseRole, language) })}
                checked={p.alsoOnCase}
                disabled={busy}
                onChange={(_, d) => step((x) => chooseAlsoOnCase(x, Boolean(d.checked)))}
                data-testid="also-on-case"
              />
            )}
            <div className={s.actions}>
              <Button
                appearance="primary"
                disabled={busy || pending === 0}
                onClick={() => void talk((x) => addParties(client, x, update))}
                data-testid="add-parties"
              >
                {adding ? t("parties.adding") : t("parties.add")}
              </Button>
              <Button disabled={busy} onClick={() => step(skipParties)} data-testid="skip-parties">
                {t("parties.skip")}
              </Button>
            </div>
          </>
        )
      )}
    </section>
  );
}
