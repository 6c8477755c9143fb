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
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import {
  addedParties,
  addParties,
  chooseAlsoOnCase,
  chooseRole,
  createContactFor,
  editNewContact,
  loadPartyProposals,
  mailPartiesOfView,
  pendingParties,
  roleName,
  selectParty,
  skipParties,
  type PartyProposal,
  type PartyProposals as Proposals,
  type PartySource,
} from "../../../shared/flow/parties.ts";
import type { DocumentDetails } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { useTexts } from "../i18n.tsx";

const useStyles = makeStyles({
  section: {
    display: "flex",
    flexDirection: "column",
    gap: "10px",
    minWidth: 0,
    paddingTop: "8px",
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "12px" },
  row: { display: "flex", flexDirection: "column", gap: "4px", minWidth: 0 },
  line: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: "8px", minWidth: 0 },
  label: { overflowWrap: "anywhere" },
  muted: { color: tokens.colorNeutralForeground3, overflowWrap: "anywhere" },
  field: { minWidth: "min(240px, 100%)" },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px" },
});

const HEADER_KEY = { from: "meta.from", to: "meta.to", cc: "meta.cc" } as const;
/** How long to wait for the service to read a dropped mail before offering to look again (polls once a second). */
const PARSE_POLLS = 60;

const isRead = (d: DocumentDetails | undefined) => Boolean(d?.mail && (d.mail.parsed || d.mail.parse.status !== "pending"));

/**
 * "Parter" under a dropped mail once it is filed: the service reads the mail after the save, then its sender
 * and recipients who are contacts are proposed as parties of the document (and of its case), and addresses
 * without a contact can become one. The filing is done already; this may be skipped and cannot undo it.
 */
export function PartyProposals({ documentId, name }: { documentId: string; name: string }) {
  const { t } = useTexts();
  const s = useStyles();
  const queries = useQueryClient();
  const queryKey = ["filing", "mail-read", documentId];
  const read = useQuery({
    queryKey,
    queryFn: () => client.getDocument(documentId),
    refetchInterval: (q) => (isRead(q.state.data) || q.state.dataUpdateCount >= PARSE_POLLS ? false : 1000),
  });
  const doc = read.data;
  if (read.isError) return <Problem error={read.error} onRetry={() => void read.refetch()} />;
  if (!doc?.mail) return null;
  if (!isRead(doc)) {
    const gaveUp = !read.isFetching && (queries.getQueryState(queryKey)?.dataUpdateCount ?? 0) >= PARSE_POLLS;
    return gaveUp ? (
      <Button appearance="subtle" onClick={() => void queries.resetQueries({ queryKey })}>
        {t("parties.show")}
      </Button>
    ) : (
      <Spinner size="tiny" label={t("web.filing.parties.reading")} className={s.muted} />
    );
  }
  return <Proposal name={name} source={{ documentId, caseId: doc.case?.id ?? null, mail: mailPartiesOfView(doc.mail) }} />;
}

/** The proposal bound to React state: every step goes through the shared flow; one conversation at a time. */
function useProposals(source: PartySource) {
  const queries = useQueryClient();
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
  }, [documentId, caseId, mail, update]);
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
      // The page's own lists of parties and contacts show what was added here.
      for (const key of ["parties", "contacts", "contact-cases", "contact-documents"]) void queries.invalidateQueries({ queryKey: [key] });
    }
  };
  return { proposals, busy, load, step, talk, update };
}

/** `name`: the mail's file name, which tells this proposal from the page's own parties and from another mail's. */
function Proposal({ source, name }: { source: PartySource; name: string }) {
  const s = useStyles();
  const { t, say, language } = useTexts();
  const { proposals: p, busy, load, step, talk, update } = useProposals(source);

  if (!p) return <Spinner size="tiny" label={t("parties.loading")} />;
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
  const adding = p.phase === "adding";

  const contactRow = (r: PartyProposal) => {
    const name = r.contact!.name;
    const role = roleOf(r.roleId);
    return (
      <li key={r.key} className={s.row} data-testid="party-row" data-address={r.address} data-contact-id={r.contact!.id}>
        <div className={s.line}>
          <Checkbox
            className={s.label}
            label={t("parties.contact", { name, address: r.address })}
            checked={r.selected}
            disabled={r.added.document || busy}
            onChange={(_, d) => step((x) => selectParty(x, r.key, Boolean(d.checked)))}
          />
          <Text size={200} className={s.muted}>
            {t(HEADER_KEY[r.header])}
          </Text>
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
            className={s.field}
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
        {r.failure && (
          <MessageBar intent="error" data-testid="party-failure">
            <MessageBarBody>{say(r.failure)}</MessageBarBody>
          </MessageBar>
        )}
      </li>
    );
  };

  const unknownRow = (r: PartyProposal) => (
    <li key={r.key} className={s.row} data-testid="unknown-address" data-address={r.address}>
      <Text size={200} className={s.muted}>
        {t(HEADER_KEY[r.header])}: {r.address}
      </Text>
      <div className={s.line}>
        <Field
          className={s.field}
          label={t("parties.name", { address: r.address })}
          validationState={r.failure ? "error" : "none"}
          validationMessage={r.failure ? say(r.failure) : undefined}
        >
          <Input value={r.name} disabled={busy} onChange={(_, d) => step((x) => editNewContact(x, r.key, { name: d.value }))} data-testid="new-contact-name" />
        </Field>
        <Field label={t("parties.kind")}>
          <Select
            value={r.kind}
            disabled={busy}
            onChange={(_, d) => step((x) => editNewContact(x, r.key, { kind: d.value === "organisation" ? "organisation" : "person" }))}
          >
            <option value="person">{t("parties.kind.person")}</option>
            <option value="organisation">{t("parties.kind.organisation")}</option>
          </Select>
        </Field>
      </div>
      <div>
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
    <section className={s.section} aria-label={t("web.filing.parties.of", { name })} data-testid="party-proposals" data-phase={p.phase}>
      <Text as="h3" weight="semibold">
        {t("parties.title")}
      </Text>
      {p.phase === "unavailable" && (
        <MessageBar intent="warning" data-testid="parties-unavailable">
          <MessageBarBody>
            {t("parties.unavailable")} {p.failure && say(p.failure)}
          </MessageBarBody>
          <MessageBarActions>
            <Button disabled={busy} onClick={() => void load()}>
              {t("web.retry")}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {p.phase === "finished" && (
        <MessageBar intent="success" data-testid="parties-finished">
          <MessageBarBody>
            {t("parties.finished", {
              names: addedParties(p)
                .map((r) => r.contact!.name)
                .join(", "),
            })}
          </MessageBarBody>
        </MessageBar>
      )}
      {(p.phase === "ready" || adding) && (
        <>
          <Text className={s.muted}>{t("parties.intro")}</Text>
          {p.rows.some((r) => r.failure && r.contact) && !adding && (
            <Text role="alert" data-testid="parties-some-failed">
              {t("parties.someFailed")}
            </Text>
          )}
          {known.length > 0 && (
            <ul className={s.list} aria-label={t("web.filing.parties.of", { name })}>
              {known.map(contactRow)}
            </ul>
          )}
          {unknown.length > 0 && (
            <>
              <Text as="h4" weight="semibold">
                {t("parties.unknown")}
              </Text>
              <ul className={s.list} aria-label={t("parties.unknown")}>
                {unknown.map(unknownRow)}
              </ul>
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
              disabled={busy || pendingParties(p).length === 0}
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
      )}
    </section>
  );
}
