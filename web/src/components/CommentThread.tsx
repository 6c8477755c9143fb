import { Button, Field, makeStyles, Text, Textarea, tokens } from "@fluentui/react-components";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useSectionStyles } from "../document/styles.ts";
import { useDraft } from "../drafts.ts";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { Inert, visibleControls } from "./Inert.tsx";
import { Problem } from "./Problem.tsx";

const useStyles = makeStyles({
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "8px" },
  comment: { padding: "8px 12px", borderLeft: `3px solid ${tokens.colorBrandStroke2}`, backgroundColor: tokens.colorNeutralBackground2 },
  by: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  body: { margin: "4px 0 0", whiteSpace: "pre-wrap", overflowWrap: "anywhere" },
});

/** A comment as the thread shows it; `author` is already a name (the caller's word for one it no longer knows). */
export interface ThreadComment {
  id: string;
  author: string;
  body: string;
  createdAt: string;
}

interface CommentThreadProps {
  comments: ThreadComment[];
  /** Names the new comment's draft and the thing it is on: `document-comment:<id>`, `task-comment:<id>`. */
  draftKey: string;
  add(body: string): Promise<unknown>;
  onChanged(): Promise<unknown>;
  /** Put before the thread's test ids ("task-" makes `task-comments`, `task-comment-body`, …). */
  testIdPrefix?: string;
}

/** Comments, oldest first, and a new one (kept as a draft across an expired session). */
export function CommentThread({ comments, draftKey, add, onChanged, testIdPrefix = "" }: CommentThreadProps) {
  const s = useStyles();
  const section = useSectionStyles();
  const { t, language } = useTexts();
  const [body, setBody, clearBody] = useDraft(draftKey, "");
  const [empty, setEmpty] = useState(false);
  const send = useMutation({
    mutationFn: add,
    onSuccess: async () => {
      clearBody();
      setBody("");
      await onChanged();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) return setEmpty(true);
    send.mutate(body.trim());
  };
  return (
    <>
      {comments.length ? (
        <ul className={s.list} data-testid={`${testIdPrefix}comments`}>
          {comments.map((c) => (
            <li key={c.id} className={s.comment}>
              <Text className={s.by}>{t("web.comments.by", { name: visibleControls(c.author), at: formatMoment(c.createdAt, language) })}</Text>
              <p className={s.body}>
                <Inert text={c.body} />
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <Text className={section.muted}>{t("web.comments.none")}</Text>
      )}
      <form className={section.form} onSubmit={submit} data-testid={`${testIdPrefix}add-comment`}>
        <Field label={t("web.comments.new")} validationMessage={empty ? t("web.comments.empty") : undefined}>
          <Textarea
            value={body}
            onChange={(_, d) => {
              setBody(d.value);
              setEmpty(false);
            }}
            maxLength={10000}
            resize="vertical"
            data-testid={`${testIdPrefix}comment-body`}
          />
        </Field>
        <div className={section.row}>
          <Button type="submit" disabled={send.isPending} data-testid={`${testIdPrefix}comment-add`}>
            {t("web.comments.add")}
          </Button>
        </div>
        {send.isError && <Problem error={send.error} />}
      </form>
    </>
  );
}
