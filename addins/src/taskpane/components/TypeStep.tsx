import { Button, makeStyles, Radio, RadioGroup, Text, tokens } from "@fluentui/react-components";
import { allowedTypes, type FlowState } from "../../../../shared/index.ts";
import { useTexts } from "../i18n.tsx";
import type { SaveFlowApi } from "../useSaveFlow.ts";

const useStyles = makeStyles({
  implies: { display: "block", color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  section: { display: "flex", flexDirection: "column", gap: "8px" },
});

/** Document types the case allows, each showing what it implies before saving. */
export function TypeStep({ state, flow, accessGroupName }: { state: FlowState; flow: SaveFlowApi; accessGroupName(id: string | null): string | null }) {
  const s = useStyles();
  const { t, language, say } = useTexts();
  const types = allowedTypes(state);
  return (
    <div className={s.section}>
      {types.length === 0 && <Text>{t("type.none")}</Text>}
      <RadioGroup value={state.documentTypeId ?? ""} onChange={(_, d) => flow.chooseType(d.value)} aria-label={t("type.label")} data-testid="types">
        {types.map((type) => {
          const group = accessGroupName(type.accessGroupId ?? (state.target?.kind === "case" ? state.target.case.accessGroupId : null));
          return (
            <Radio
              key={type.id}
              value={type.id}
              label={
                <span>
                  {type.name}
                  <span className={s.implies}>
                    {t("type.category")}: {type.category} · {t("type.retention")}: {language === "en" ? type.retention.en : type.retention.da}
                    {group ? ` · ${t("type.accessGroup")}: ${group}` : ""}
                  </span>
                </span>
              }
            />
          );
        })}
      </RadioGroup>
      {state.errors.documentTypeId && <Text role="alert">{say(state.errors.documentTypeId)}</Text>}
      <div>
        <Button onClick={() => flow.goTo("case")}>{t("nav.back")}</Button>{" "}
        <Button appearance="primary" disabled={!state.documentTypeId} onClick={() => state.documentTypeId && flow.chooseType(state.documentTypeId)}>
          {t("nav.next")}
        </Button>
      </div>
    </div>
  );
}
