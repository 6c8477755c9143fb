import { Button, MessageBar, MessageBarActions, MessageBarBody } from "@fluentui/react-components";
import { messageFor } from "../../../shared/index.ts";
import { useTexts } from "../i18n.tsx";

/** A failure in words a person can act on (the shared problem texts), announced to screen readers. */
export function Problem({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, say } = useTexts();
  return (
    <div role="alert" data-testid="problem">
      <MessageBar intent="error">
        <MessageBarBody>{say(messageFor(error))}</MessageBarBody>
        {onRetry && (
          <MessageBarActions>
            <Button onClick={onRetry}>{t("web.retry")}</Button>
          </MessageBarActions>
        )}
      </MessageBar>
    </div>
  );
}
