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
} from "@fluentui/react-components";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Me, NewTask, TaskDetails } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { useDraft, useDraftedDialog } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";
import { assigneeOf, useAssignees } from "./queries.ts";
import { checkTask, emptyTask, TaskFormFields, type TaskProblems, type TaskValues } from "./TaskFormFields.tsx";

const useStyles = makeStyles({ form: { display: "flex", flexDirection: "column", gap: "12px" } });

const draftKey = (on: "case" | "document", id: string) => `task-new:${on}:${id}`;

interface Props {
  on: "case" | "document";
  id: string;
  me: Me;
  onCreated(task: TaskDetails): void;
}

/** NY OPGAVE on a case or a document: a dialog with title, description, assignee, start date and deadline. What was typed survives an expired session. */
export function CreateTask({ on, id, me, onCreated }: Props) {
  const { t } = useTexts();
  const { open, show, close } = useDraftedDialog(draftKey(on, id));
  return (
    <Dialog open={open} onOpenChange={(_, data) => (data.open ? show() : close())} modalType="modal">
      <DialogTrigger disableButtonEnhancement>
        <Button appearance="primary" data-testid="task-new">
          {t("web.task.form.new")}
        </Button>
      </DialogTrigger>
      <DialogSurface aria-describedby={undefined}>
        <CreateForm
          on={on}
          id={id}
          me={me}
          onCreated={(task) => {
            close();
            onCreated(task);
          }}
          onCancel={close}
        />
      </DialogSurface>
    </Dialog>
  );
}

function CreateForm({ on, id, me, onCreated, onCancel }: Props & { onCancel(): void }) {
  const s = useStyles();
  const { t } = useTexts();
  const [values, setValues] = useDraft<TaskValues>(draftKey(on, id), emptyTask);
  const [problems, setProblems] = useState<TaskProblems>({});
  const { people, groups } = useAssignees(me);
  const create = useMutation({ mutationFn: (input: NewTask) => client.createTask(input), onSuccess: onCreated });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = checkTask(values);
    if (found) return setProblems(found);
    create.mutate({
      title: values.title.trim(),
      description: values.description.trim(),
      ...(on === "case" ? { caseId: id } : { documentId: id }),
      assignee: assigneeOf(values.assignee),
      startDate: values.startDate || null,
      deadline: values.deadline || null,
    });
  };
  return (
    <form onSubmit={submit} noValidate data-testid="task-form">
      <DialogBody>
        <DialogTitle>{t("web.task.form.newTitle")}</DialogTitle>
        <DialogContent className={s.form}>
          <TaskFormFields
            values={values}
            problems={problems}
            people={people}
            groups={groups}
            onChange={(change) => {
              setValues((v) => ({ ...v, ...change }));
              setProblems({});
            }}
          />
          {create.isError && <Problem error={create.error} />}
        </DialogContent>
        <DialogActions>
          <Button type="submit" appearance="primary" disabled={create.isPending} data-testid="task-create">
            {create.isPending ? <Spinner size="tiny" label={t("web.task.form.saving")} /> : t("web.task.form.create")}
          </Button>
          <Button onClick={onCancel}>{t("web.task.form.cancel")}</Button>
        </DialogActions>
      </DialogBody>
    </form>
  );
}
