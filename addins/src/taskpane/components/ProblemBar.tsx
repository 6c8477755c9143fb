import { makeStyles, MessageBar, MessageBarActions, MessageBarBody, Text, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";
import type { Message } from "../../../../shared/index.ts";
import { useTexts } from "../i18n.tsx";

const useStyles = makeStyles({ detail: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, overflowWrap: "anywhere" } });

/** A failure as the pane shows it: what happened and what to do, in the pane's language; the service's own sentence below, as details. */
export function ProblemBar({ message, testId, children }: { message: Message; testId?: string; children?: ReactNode }) {
  const s = useStyles();
  const { t, say } = useTexts();
  return (
    <MessageBar intent="error" layout={message.detail ? "multiline" : "auto"} data-testid={testId}>
      <MessageBarBody>
        <Text block data-testid="problem-text">
          {say(message)}
        </Text>
        {message.detail && (
          <Text block className={s.detail} data-testid="problem-detail">
            {t("error.detail", { detail: message.detail })}
          </Text>
        )}
      </MessageBarBody>
      {children && <MessageBarActions>{children}</MessageBarActions>}
    </MessageBar>
  );
}
