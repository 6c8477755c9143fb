import { Button, Field, Input, makeStyles, Select, Text, tokens } from "@fluentui/react-components";
import type { CaseSummary, FlowState } from "../../../../shared/index.ts";
import { useTexts } from "../i18n.tsx";
import type { SaveFlowApi } from "../useSaveFlow.ts";

const useStyles = makeStyles({
  list: { display: "flex", flexDirection: "column", gap: "4px", margin: 0, padding: 0, listStyleType: "none" },
  option: { justifyContent: "flex-start", textAlign: "left", width: "100%", minHeight: "44px" },
  number: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, display: "block" },
  section: { display: "flex", flexDirection: "column", gap: "8px" },
  proposal: { borderLeft: `3px solid ${tokens.colorBrandStroke1}`, paddingLeft: "8px" },
});

function CaseButton({ c, onPick }: { c: CaseSummary; onPick(c: CaseSummary): void }) {
  const s = useStyles();
  const { t } = useTexts();
  return (
    <li>
      <Button className={s.option} appearance="subtle" onClick={() => onPick(c)} data-case-id={c.id}>
        <span>
          <span>{c.title}</span>
          <span className={s.number}>
            {c.number}
            {c.status === "closed" ? ` · ${t("case.closed")}` : ""}
            {c.critical ? ` · ${t("case.critical")}` : ""}
          </span>
        </span>
      </Button>
    </li>
  );
}

export function CaseStep({ state, flow }: { state: FlowState; flow: SaveFlowApi }) {
  const s = useStyles();
  const { t, say } = useTexts();
  const shown = state.query.trim() ? state.suggestions : state.recent;
  const draft = state.newCase;
  const template = state.templates.find((x) => x.id === draft?.templateId);
  return (
    <div className={s.section}>
      {state.proposal && (
        <div className={s.proposal} data-testid="proposal">
          <Text weight="semibold">{t("case.proposed")}</Text>
          <Text size={200} block>
            {t(state.proposal.reason === "sender" ? "case.proposed.sender" : "case.proposed.thread", { case: state.proposal.case.number })}
          </Text>
          <ul className={s.list}>
            <CaseButton c={state.proposal.case} onPick={flow.chooseCase} />
          </ul>
        </div>
      )}
      <Field label={t("case.search.label")}>
        <Input
          type="search"
          value={state.query}
          placeholder={t("case.search.placeholder")}
          onChange={(_, d) => flow.search(d.value)}
          aria-label={t("case.search.label")}
          data-testid="case-search"
        />
      </Field>
      {!state.query.trim() && state.recent.length > 0 && <Text weight="semibold">{t("case.recent")}</Text>}
      <ul className={s.list} data-testid="case-results">
        {shown.map((c) => (
          <CaseButton key={c.id} c={c} onPick={flow.chooseCase} />
        ))}
      </ul>
      {state.query.trim() && state.suggestions.length === 0 && <Text>{t("case.none")}</Text>}
      <Button onClick={flow.chooseFloating} data-testid="floating">
        {t("case.floating")}
      </Button>
      {!draft ? (
        <Button appearance="secondary" onClick={flow.startNewCase} data-testid="new-case">
          {t("case.create")}
        </Button>
      ) : (
        <form
          className={s.section}
          onSubmit={(e) => {
            e.preventDefault();
            void flow.createCase();
          }}
        >
          <Field label={t("case.create.template")} validationMessage={say(state.errors.templateId)}>
            <Select value={draft.templateId} onChange={(_, d) => flow.editNewCase({ templateId: d.value })}>
              {state.templates.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t("case.create.title")} required validationMessage={say(state.errors.newCaseTitle)}>
            <Input value={draft.title} onChange={(_, d) => flow.editNewCase({ title: d.value })} />
          </Field>
          {template?.fields.map((f) => (
            <Field key={f.name} label={f.label} required={f.required} validationMessage={say(state.errors[f.name])}>
              {f.type === "choice" ? (
                <Select value={draft.fields[f.name] ?? ""} onChange={(_, d) => flow.editNewCase({ fields: { [f.name]: d.value } })}>
                  <option value="" />
                  {f.options?.map((o) => (
                    <option key={o}>{o}</option>
                  ))}
                </Select>
              ) : (
                <Input
                  type={f.type === "date" ? "date" : f.type === "number" ? "number" : "text"}
                  value={draft.fields[f.name] ?? ""}
                  onChange={(_, d) => flow.editNewCase({ fields: { [f.name]: d.value } })}
                />
              )}
            </Field>
          ))}
          <div>
            <Button type="submit" appearance="primary">
              {t("case.create.submit")}
            </Button>{" "}
            <Button onClick={flow.cancelNewCase}>{t("nav.back")}</Button>
          </div>
        </form>
      )}
    </div>
  );
}
