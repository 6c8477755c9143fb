import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  makeStyles,
  Spinner,
  type DialogSurfaceProps,
} from "@fluentui/react-components";
import type { FormEvent, ReactElement, ReactNode } from "react";
import { useDraftedDialog } from "../drafts.ts";

const useStyles = makeStyles({ content: { display: "flex", flexDirection: "column", gap: "12px" } });

interface DraftedDialogProps {
  /** The form's draft (useDraftedDialog): the dialog opens again with it after a trip through the sign-in page. */
  draftKey: string;
  /** The button that opens it; focus returns to it when the dialog closes. */
  trigger: ReactElement;
  surface?: Pick<DialogSurfaceProps, "className"> & { "data-testid"?: string };
  /** The form, mounted while the dialog is open; `close` forgets its draft. */
  children(close: () => void): ReactNode;
}

/** A modal dialog opened by its own button around a form whose draft lives only while it is open. */
export function DraftedDialog({ draftKey, trigger, surface, children }: DraftedDialogProps) {
  const { open, show, close } = useDraftedDialog(draftKey);
  return (
    <Dialog open={open} onOpenChange={(_, data) => (data.open ? show() : close())} modalType="modal">
      <DialogTrigger disableButtonEnhancement>{trigger}</DialogTrigger>
      <DialogSurface aria-describedby={undefined} {...surface}>
        {children(close)}
      </DialogSurface>
    </Dialog>
  );
}

interface DialogFormProps {
  title: string;
  onSubmit(e: FormEvent): void;
  /** The primary button; while `pending` it is disabled, and shows a spinner when it has a `pendingLabel`. */
  submit: { label: string; pending: boolean; pendingLabel?: string; testId?: string };
  /** The secondary button: cancel, or a step back. */
  cancel: { label: string; onClick(): void; disabled?: boolean; testId?: string };
  testId?: string;
  children: ReactNode;
}

/** The form inside a dialog: its title, its fields (and problems), then send and cancel. */
export function DialogForm({ title, onSubmit, submit, cancel, testId, children }: DialogFormProps) {
  const s = useStyles();
  return (
    <form onSubmit={onSubmit} noValidate data-testid={testId}>
      <DialogBody>
        <DialogTitle>{title}</DialogTitle>
        <DialogContent className={s.content}>{children}</DialogContent>
        <DialogActions>
          <Button type="submit" appearance="primary" disabled={submit.pending} data-testid={submit.testId}>
            {submit.pending && submit.pendingLabel ? <Spinner size="tiny" label={submit.pendingLabel} /> : submit.label}
          </Button>
          <Button onClick={cancel.onClick} disabled={cancel.disabled} data-testid={cancel.testId}>
            {cancel.label}
          </Button>
        </DialogActions>
      </DialogBody>
    </form>
  );
}
