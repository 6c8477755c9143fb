import { Button, Field, makeStyles, Text, Textarea, tokens } from "@fluentui/react-components";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { TaskDetails } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Inert, visibleControls } from "../components/Inert.tsx";
import { Problem } from "../components/Problem.tsx";
import { useSectionStyles } from "../document/styles.ts";
import { useDraft } from "../drafts.ts";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";

const useStyles = makeStyles({
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "8px" },
  comment: { padding: "8px 12px", borderLeft: `3px solid ${tokens.colorBrandStroke2}`, backgroundColor: tokens.colorNeutralBackground2 },
  by: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  body: { margin: "4px 0 0", whiteSpace: "pre-wrap", overflowWrap: "anywhere" },
});

/** The task's comments, oldest first, and a new one (kept as a draft across an expired session). */
export function TaskComments({ task, onChanged }: { task: TaskDetails; onChanged(): Promise<unknown> }) {
  const s = useStyles();
  const section = useSectionStyles();
  const { t, language } = useTexts();
  const [body, setBody, clearBody] = useDraft(`task-comment:${task.id}`, "");
  const [empty, setEmpty] = useState(false);
  const add = useMutation({
    mutationFn: (text: string) => client.addTaskComment(task.id, text),
    onSuccess: async () => {
      clearBody();
      setBody("");
      await onChanged();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) return setEmpty(true);
    add.mutate(body.trim());
  };
  return (
    <>
      {task.comments.length ? (
        <ul className={s.list} data-testid="task-comments">
          {task.comments.map((c) => (
            <li key={c.id} className={s.comment}>
              <Text className={s.by}>
                {t("web.task.comments.by", { name: visibleControls(c.author.name || t("web.changedBy.formerUser")), at: formatMoment(c.createdAt, language) })}
              </Text>
              <p className={s.body}>
                <Inert text={c.body} />
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <Text className={section.muted}>{t("web.task.comments.none")}</Text>
      )}
      <form className={section.form} onSubmit={submit} data-testid="task-add-comment">
        <Field label={t("web.task.comments.new")} validationMessage={empty ? t("web.task.comments.empty") : undefined}>
          <Textarea
            value={body}
            onChange={(_, d) => {
              setBody(d.value);
              setEmpty(false);
            }}
            maxLength={10000}
            resize="vertical"
            data-testid="task-comment-body"
          />
        </Field>
        <div className={section.row}>
          <Button type="submit" disabled={add.isPending} data-testid="task-comment-add">
            {t("web.task.comments.add")}
          </Button>
        </div>
        {add.isError && <Problem error={add.error} />}
      </form>
    </>
  );
}
