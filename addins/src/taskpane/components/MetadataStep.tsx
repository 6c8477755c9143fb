import { Button, Checkbox, Field, Input, makeStyles, Radio, RadioGroup, Select, Text, Textarea, tokens } from "@fluentui/react-components";
import { caseLabel, selectedType, type AttachmentChoice, type FlowState } from "../../../../shared/index.ts";
import { useTexts } from "../i18n.tsx";
import { ProblemBar } from "./ProblemBar.tsx";
import type { SaveFlowApi } from "../useSaveFlow.ts";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: "10px" },
  summary: { display: "flex", justifyContent: "space-between", alignItems: "baseline", gap: "8px" },
  muted: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  attachments: { display: "flex", flexDirection: "column", gap: "10px", border: "none", margin: 0, padding: 0, minWidth: 0 },
  attachment: { display: "flex", flexDirection: "column", gap: "2px" },
});

const formatSize = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

export function MetadataStep({ state, flow }: { state: FlowState; flow: SaveFlowApi }) {
  const s = useStyles();
  const { t, language, say } = useTexts();
  const type = selectedType(state);
  const mail = state.capture.mail;
  const target = state.target?.kind === "case" ? caseLabel(state.target.case) : t("case.floating");
  return (
    <form
      className={s.section}
      onSubmit={(e) => {
        e.preventDefault();
        void flow.save();
      }}
    >
      {state.failure && <ProblemBar message={state.failure} testId="failure" />}
      {state.asNewVersion ? (
        <div className={s.summary} data-testid="new-version-of">
          <Text>
            {t("save.newVersionOf")}: <strong>{state.existing?.title}</strong>
            <span className={s.muted}>
              {" "}
              · {t("meta.currentVersion", { version: state.existing?.version ?? "" })}
              {state.existing?.caseLabel ? ` · ${state.existing.caseLabel}` : ""}
            </span>
          </Text>
          <Button appearance="transparent" onClick={() => flow.chooseNewVersion(false)}>
            {t("meta.asNewDocument")}
          </Button>
        </div>
      ) : (
        <>
          <div className={s.summary}>
            <Text>
              {t("step.case")}: <strong data-testid="chosen-case">{target}</strong>
            </Text>
            <Button appearance="transparent" onClick={() => flow.goTo("case")}>
              {t("nav.change")}
            </Button>
          </div>
          <div className={s.summary}>
            <Text>
              {t("step.type")}: <strong>{type?.name}</strong>
              {type && <span className={s.muted}> · {language === "en" ? type.retention.en : type.retention.da}</span>}
            </Text>
            <Button appearance="transparent" onClick={() => flow.goTo("type")}>
              {t("nav.change")}
            </Button>
          </div>
        </>
      )}
      {!state.asNewVersion && (
        <>
          <Field label={t("meta.title")} required validationMessage={say(state.errors.title)}>
            <Input value={state.title} onChange={(_, d) => flow.edit({ title: d.value })} data-testid="title" />
          </Field>
          <Field label={t("meta.status")}>
            <RadioGroup layout="horizontal" value={state.status} onChange={(_, d) => flow.edit({ status: d.value as "draft" | "final" })}>
              <Radio value="draft" label={t("meta.status.draft")} />
              <Radio value="final" label={t("meta.status.final")} />
            </RadioGroup>
          </Field>
          <Field label={t("meta.documentDate")} validationMessage={say(state.errors.documentDate)}>
            <Input type="date" value={state.documentDate} onChange={(_, d) => flow.edit({ documentDate: d.value })} />
          </Field>
        </>
      )}
      <Field label={t("meta.comment")}>
        <Textarea value={state.comment} onChange={(_, d) => flow.edit({ comment: d.value })} resize="vertical" />
      </Field>
      {mail && (
        <div data-testid="parties">
          <Text weight="semibold">{t("meta.parties")}</Text>
          <Text block className={s.muted}>
            {t("meta.from")}: {mail.from}
          </Text>
          {mail.to.length > 0 && (
            <Text block className={s.muted}>
              {t("meta.to")}: {mail.to.join(", ")}
            </Text>
          )}
          {mail.cc.length > 0 && (
            <Text block className={s.muted}>
              {t("meta.cc")}: {mail.cc.join(", ")}
            </Text>
          )}
        </div>
      )}
      {!state.asNewVersion && state.capture.attachments.length > 0 && (
        <fieldset className={s.attachments} data-testid="attachments">
          <legend>
            <Text weight="semibold">{t("meta.attachments")}</Text>
          </legend>
          {state.capture.attachments.map((a) => (
            <div key={a.id} className={s.attachment}>
              <Checkbox
                label={`${a.filename} (${formatSize(a.size)})`}
                checked={state.attachmentChoices[a.id] !== "skip"}
                onChange={(_, d) => flow.chooseAttachment(a.id, d.checked ? "attachment" : "skip")}
                data-attachment={a.filename}
              />
              <Select
                aria-label={a.filename}
                value={state.attachmentChoices[a.id]}
                disabled={state.attachmentChoices[a.id] === "skip"}
                onChange={(_, d) => flow.chooseAttachment(a.id, d.value as AttachmentChoice)}
              >
                <option value="attachment">{t("meta.attachments.asAttachment")}</option>
                <option value="document">{t("meta.attachments.asDocument")}</option>
                <option value="skip">{t("meta.attachments.skip")}</option>
              </Select>
            </div>
          ))}
        </fieldset>
      )}
      {!state.asNewVersion && state.capture.pdfAvailable && (
        <Checkbox label={t("meta.pdf")} checked={state.savePdf} onChange={(_, d) => flow.edit({ savePdf: Boolean(d.checked) })} />
      )}
      <div>
        {!state.asNewVersion && <Button onClick={() => flow.goTo("type")}>{t("nav.back")}</Button>}{" "}
        <Button type="submit" appearance="primary" data-testid="save">
          {state.asNewVersion ? t("save.newVersion") : t("save.button")}
        </Button>
      </div>
    </form>
  );
}
