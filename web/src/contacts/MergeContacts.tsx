import {
  Button,
  Dialog,
  DialogSurface,
  DialogTrigger,
  Field,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Text,
} from "@fluentui/react-components";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import type { Contact, ContactSummary } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { DialogForm } from "../components/FormDialog.tsx";
import { visibleControls } from "../components/Inert.tsx";
import { Problem } from "../components/Problem.tsx";
import { useTexts } from "../i18n.tsx";
import { contactHint, ContactPicker } from "./ContactPicker.tsx";
import { contactUrl } from "./keys.ts";
import { useAfterDialog } from "../components/after-dialog.ts";

const useStyles = makeStyles({
  surface: { maxWidth: "min(560px, calc(100vw - 24px))", boxSizing: "border-box" },
});

/** How the page the merge lands on learns what happened (router state, so a reload does not say it again). */
export interface MergedState {
  merged: string;
}

/**
 * FLET DUBLETTER: pick the contact that is the same person or organisation, choose which of the two is kept,
 * confirm; the duplicate's parties and history move to the survivor, the duplicate is retired, and the page
 * of the survivor is shown.
 */
export function MergeContacts({ c }: { c: Contact }) {
  const s = useStyles();
  const { t } = useTexts();
  const [open, setOpen] = useState(false);
  const after = useAfterDialog();
  return (
    <Dialog
      open={open}
      onOpenChange={(_e, d) => setOpen(d.open)}
      modalType="modal"
      surfaceMotion={{ onMotionFinish: (_e, d) => d.direction === "exit" && after.closed() }}
    >
      <DialogTrigger disableButtonEnhancement>
        <Button data-testid="contact-merge">{t("web.merge.open")}</Button>
      </DialogTrigger>
      <DialogSurface className={s.surface} aria-describedby={undefined} data-testid="merge-dialog">
        {open && (
          <MergeForm
            c={c}
            onDone={(go) => {
              if (go) after.later(go);
              setOpen(false);
            }}
          />
        )}
      </DialogSurface>
    </Dialog>
  );
}

function MergeForm({ c, onDone }: { c: Contact; onDone(then?: () => void): void }) {
  const { t } = useTexts();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [other, setOther] = useState<ContactSummary | null>(null);
  const [keep, setKeep] = useState<"this" | "other">("this");
  const [confirming, setConfirming] = useState(false);
  const [missing, setMissing] = useState(false);
  const survivor = keep === "this" ? c : other;
  const duplicate = keep === "this" ? other : c;
  const merge = useMutation({
    mutationFn: ({ survivorId, duplicateId }: { survivorId: string; duplicateId: string }) => client.mergeContacts(survivorId, duplicateId),
    onSuccess: (kept, { duplicateId }) => {
      for (const key of ["contact", "contact-cases", "contact-documents", "contacts", "parties"]) void queries.invalidateQueries({ queryKey: [key] });
      queries.removeQueries({ queryKey: ["contact", duplicateId] });
      const state: MergedState = { merged: duplicate?.name ?? "" };
      onDone(() => void navigate(contactUrl(kept.id), { state, replace: true }));
    },
  });
  const next = (e: FormEvent) => {
    e.preventDefault();
    if (!other) return setMissing(true);
    if (!confirming) return setConfirming(true);
    if (survivor && duplicate) merge.mutate({ survivorId: survivor.id, duplicateId: duplicate.id });
  };
  // Duplicates often share a name: an address, CVR or masked CPR number tells the two apart.
  const name = (x: ContactSummary | null) => {
    const hint = x ? contactHint(x) : "";
    return visibleControls(x ? (hint ? `${x.name} (${hint})` : x.name) : "");
  };
  return (
    <DialogForm
      title={t(confirming ? "web.merge.confirmTitle" : "web.merge.title")}
      onSubmit={next}
      submit={{ label: t(confirming ? "web.merge.submit" : "web.merge.next"), pending: merge.isPending, testId: confirming ? "merge-submit" : "merge-next" }}
      cancel={
        confirming
          ? { label: t("web.merge.back"), onClick: () => setConfirming(false), disabled: merge.isPending }
          : { label: t("web.merge.cancel"), onClick: () => onDone() }
      }
    >
      {merge.isError && <Problem error={merge.error} />}
      {confirming ? (
        <div role="alert" data-testid="merge-confirm">
          <MessageBar intent="warning" layout="multiline">
            <MessageBarBody>{t("web.merge.confirm", { duplicate: name(duplicate), survivor: name(survivor) })}</MessageBarBody>
          </MessageBar>
        </div>
      ) : (
        <>
          <Text>{t("web.merge.intro", { name: name(c) })}</Text>
          <ContactPicker
            label={t("web.merge.duplicate")}
            value={other}
            onChange={(picked) => {
              setOther(picked);
              setMissing(false);
            }}
            exclude={c.id}
            kind={c.kind}
            required
            validationMessage={missing ? t("web.merge.duplicateMissing") : undefined}
            testId="merge-duplicate"
          />
          <Field label={t("web.merge.keep")}>
            <RadioGroup value={keep} onChange={(_e, d) => setKeep(d.value as "this" | "other")} data-testid="merge-keep">
              <Radio value="this" label={t("web.merge.keepThis", { name: name(c) })} />
              <Radio value="other" disabled={!other} label={other ? t("web.merge.keepOther", { name: name(other) }) : t("web.merge.keepOtherNone")} />
            </RadioGroup>
          </Field>
        </>
      )}
    </DialogForm>
  );
}
