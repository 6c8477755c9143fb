import { Button } from "@fluentui/react-components";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Me, NewTask, TaskDetails } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { DialogForm, DraftedDialog } from "../components/FormDialog.tsx";
import { Problem } from "../components/Problem.tsx";
import { useDraft } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";
import { assigneeOf, useAssignees } from "./queries.ts";
import { checkTask, emptyTask, TaskFormFields, type TaskProblems, type TaskValues } from "./TaskFormFields.tsx";

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
  return (
    <DraftedDialog
      draftKey={draftKey(on, id)}
      trigger={
        <Button appearance="primary" data-testid="task-new">
          {t("web.task.form.new")}
        </Button>
      }
    >
      {(close) => (
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
      )}
    </DraftedDialog>
  );
}

function CreateForm({ on, id, me, onCreated, onCancel }: Props & { onCancel(): void }) {
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
    <DialogForm
      title={t("web.task.form.newTitle")}
      onSubmit={submit}
      submit={{ label: t("web.task.form.create"), pending: create.isPending, pendingLabel: t("web.task.form.saving"), testId: "task-create" }}
      cancel={{ label: t("web.task.form.cancel"), onClick: onCancel }}
      testId="task-form"
    >
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
    </DialogForm>
  );
}
