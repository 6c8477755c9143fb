import { Badge, Button, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useParams } from "react-router";
import { type CasePatch, type CaseSummary, type Me } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { CaseDetails } from "../cases/CaseDetails.tsx";
import { CaseDocuments } from "../cases/CaseDocuments.tsx";
import { CaseHistory } from "../cases/CaseHistory.tsx";
import { CaseRefused } from "../cases/CaseRefused.tsx";
import { EditCase, hasEditDraft } from "../cases/EditCase.tsx";
import { caseDocumentsKey, caseHistoryKey, casePageKey, useColleagues, useJournalPlan, useNameOf, useTemplates } from "../cases/reference.ts";
import { Inert } from "../components/Inert.tsx";
import { usePageTitle } from "../components/page-title.ts";
import { useReturnFocus } from "../components/return-focus.ts";
import { RecordPage, retryUnlessRefused } from "../components/RecordPage.tsx";
import { DropToCase } from "../filing/DropToCase.tsx";
import { useTexts, type TextKey } from "../i18n.tsx";
import { useMe } from "../session.ts";
import { NotFound } from "./NotFound.tsx";
import { TasksSection } from "../tasks/TasksSection.tsx";
import { FollowCase } from "../notifications/FollowCase.tsx";
import { PartiesSection } from "../contacts/PartiesSection.tsx";

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", minWidth: 0, "@media (max-width: 600px)": { padding: "12px" } },
  header: { display: "flex", flexDirection: "column", gap: "8px", minWidth: 0 },
  kicker: { color: tokens.colorNeutralForeground3, textTransform: "uppercase", fontSize: tokens.fontSizeBase200, letterSpacing: "0.04em" },
  title: { overflowWrap: "anywhere", margin: 0 },
  badges: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "center" },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px" },
  section: {
    display: "flex",
    flexDirection: "column",
    gap: "12px",
    padding: "16px",
    minWidth: 0,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
    "@media (max-width: 600px)": { padding: "12px" },
  },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
});

/**
 * SAG (/sager/<number>): the case's information and custom fields, its documents (drop files onto them to file
 * more), its history from the audit log; edit, close or reopen, mark critical. Every change sends If-Match.
 */
export function CasePage() {
  const s = useStyles();
  const { number = "" } = useParams();
  const me = useMe();
  const found = useQuery({
    queryKey: casePageKey(number),
    queryFn: () => client.getCaseByNumber(number),
    retry: retryUnlessRefused,
  });
  return (
    <RecordPage record={found} me={me} className={s.page} notFound={<NotFound />}>
      {(c, user) => <CaseView c={c} me={user} number={number} reload={async () => (await found.refetch()).data} />}
    </RecordPage>
  );
}

type Done = Extract<TextKey, `web.case.done.${string}`>;

function CaseView({ c, me, number, reload }: { c: CaseSummary; me: Me; number: string; reload(): Promise<CaseSummary | undefined> }) {
  const s = useStyles();
  const { t } = useTexts();
  const queries = useQueryClient();
  const templates = useTemplates();
  const plan = useJournalPlan();
  const colleagues = useColleagues(me);
  const nameOf = useNameOf(me, colleagues.data);
  const template = templates.data?.find((x) => x.id === c.templateId);
  const [editing, setEditing] = useState(() => hasEditDraft(c.id));
  const [done, setDone] = useState<Done | null>(null);
  const editButton = useReturnFocus(editing);
  usePageTitle(c.title);

  /** The case as a change answered it: shown at once, its history and the lists asked again. */
  const changed = (updated: CaseSummary, said: Done) => {
    queries.setQueryData(casePageKey(number), updated);
    void queries.invalidateQueries({ queryKey: caseHistoryKey(c.id) });
    void queries.invalidateQueries({ queryKey: ["cases"] });
    setDone(said);
  };
  const act = useMutation({
    mutationFn: async (action: { kind: "close" } | { kind: "reopen" } | { kind: "patch"; patch: CasePatch }) => {
      if (action.kind === "close") return [await client.closeCase(c.id, { ifMatch: c.etag }), "web.case.done.closed"] as const;
      if (action.kind === "reopen") return [await client.reopenCase(c.id, { ifMatch: c.etag }), "web.case.done.reopened"] as const;
      const updated = await client.updateCase(c.id, action.patch, { ifMatch: c.etag });
      return [updated, updated.critical ? "web.case.done.critical" : "web.case.done.uncritical"] as const;
    },
    onMutate: () => setDone(null),
    onSuccess: ([updated, said]) => changed(updated, said),
  });
  const staff = me.role !== "external";
  const closed = c.status === "closed";
  // A closed case is read-only until it is reopened, except for administrators (policy.ts says the same).
  const mayChange = staff && (!closed || me.role === "admin");
  const filed = () => {
    void queries.invalidateQueries({ queryKey: caseDocumentsKey(c.id) });
    void queries.invalidateQueries({ queryKey: caseHistoryKey(c.id) });
  };

  return (
    <main className={s.page} data-testid="case-page" data-case-id={c.id}>
      <header className={s.header}>
        <Text className={s.kicker}>
          {t("web.case.kicker")} {c.number}
        </Text>
        <Text as="h1" size={700} weight="semibold" className={s.title} data-testid="case-title">
          <Inert text={c.title} />
        </Text>
        <div className={s.badges}>
          <Badge appearance="outline" color={closed ? "informative" : "success"} data-testid="case-status">
            {t(closed ? "web.case.status.closed" : "web.case.status.active")}
          </Badge>
          {c.critical && (
            <Badge appearance="filled" color="danger" data-testid="case-critical">
              {t("web.case.criticalBadge")}
            </Badge>
          )}
        </div>
      </header>
      <FollowCase caseId={c.id} />
      {staff && (
        <div className={s.actions} role="group" aria-label={t("web.case.actions")}>
          <Button ref={editButton} appearance="primary" disabled={!mayChange || editing} onClick={() => setEditing(true)} data-testid="case-edit">
            {t("web.case.edit")}
          </Button>
          {closed ? (
            <Button onClick={() => act.mutate({ kind: "reopen" })} disabled={act.isPending} data-testid="case-reopen">
              {t("web.case.reopen")}
            </Button>
          ) : (
            <Button onClick={() => act.mutate({ kind: "close" })} disabled={act.isPending || editing} data-testid="case-close">
              {t("web.case.close")}
            </Button>
          )}
          <Button
            onClick={() => act.mutate({ kind: "patch", patch: { critical: !c.critical } })}
            disabled={!mayChange || act.isPending || editing}
            aria-pressed={c.critical}
            data-testid="case-critical-toggle"
          >
            {t(c.critical ? "web.case.unmarkCritical" : "web.case.markCritical")}
          </Button>
        </div>
      )}
      {closed && staff && me.role !== "admin" && <Text className={s.muted}>{t("web.case.closedNote")}</Text>}
      <div role="status" data-testid="case-done">
        {done && <Text>{t(done)}</Text>}
      </div>
      {act.isError && (
        <CaseRefused
          error={act.error}
          onReload={() => {
            act.reset();
            void reload();
            void queries.invalidateQueries({ queryKey: caseHistoryKey(c.id) });
          }}
        />
      )}

      <section className={s.section} aria-labelledby="case-details-heading">
        <Text as="h2" size={500} weight="semibold" className={s.heading} id="case-details-heading">
          {t("web.case.details")}
        </Text>
        {editing ? (
          <EditCase
            c={c}
            template={template}
            me={me}
            colleagues={colleagues.data ?? []}
            plan={plan.data ?? []}
            nameOf={nameOf}
            reload={reload}
            onSaved={(saved) => {
              setEditing(false);
              changed(saved, "web.case.done.saved");
            }}
            onCancel={() => setEditing(false)}
          />
        ) : templates.isPending || plan.isPending ? (
          // Until the template and the journal plan are read, "no template" or a bare code would be said wrongly.
          <Spinner label={t("web.loading")} />
        ) : (
          <CaseDetails c={c} template={template} plan={plan.data ?? []} nameOf={nameOf} />
        )}
      </section>

      <PartiesSection on="case" id={c.id} closed={closed} />

      <section className={s.section} aria-labelledby="case-documents-heading">
        <Text as="h2" size={500} weight="semibold" className={s.heading} id="case-documents-heading">
          {t("web.case.documents")}
        </Text>
        <DropToCase caseId={c.id} onFiled={filed}>
          <CaseDocuments caseId={c.id} label={t("web.case.documents")} />
        </DropToCase>
      </section>

      <TasksSection on="case" id={c.id} />

      <section className={s.section} aria-labelledby="case-history-heading">
        <Text as="h2" size={500} weight="semibold" className={s.heading} id="case-history-heading">
          {t("web.case.history")}
        </Text>
        <CaseHistory caseId={c.id} template={template} />
      </section>
    </main>
  );
}
