import { Button, makeStyles, Text, tokens } from "@fluentui/react-components";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Following } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { useTexts } from "../i18n.tsx";

const useStyles = makeStyles({
  row: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: "8px 12px" },
  note: { color: tokens.colorNeutralForeground2 },
});

const followingKey = (caseId: string) => ["case-following", caseId] as const;

/** FØLG SAGEN / STOP MED AT FØLGE: whether changes to the case reach the person as notifications, and why (owner and responsible follow automatically). */
export function FollowCase({ caseId }: { caseId: string }) {
  const s = useStyles();
  const { t } = useTexts();
  const queries = useQueryClient();
  const state = useQuery({ queryKey: followingKey(caseId), queryFn: () => client.following(caseId) });
  const toggle = useMutation({
    mutationFn: (follow: boolean) => (follow ? client.follow(caseId) : client.unfollow(caseId)),
    onSuccess: (now: Following) => queries.setQueryData(followingKey(caseId), now),
  });
  if (state.isPending) return null;
  if (state.isError) return <Problem error={state.error} onRetry={() => void state.refetch()} />;
  const following = state.data.following;
  return (
    <div className={s.row} data-testid="follow-case" data-following={following ? "true" : "false"}>
      <Button onClick={() => toggle.mutate(!following)} disabled={toggle.isPending} data-testid="follow-toggle">
        {t(following ? "web.follow.unfollow" : "web.follow.follow")}
      </Button>
      <Text className={s.note} role="status" data-testid="follow-state">
        {t(!following ? "web.follow.notFollowing" : state.data.automatic ? "web.follow.followingAutomatic" : "web.follow.following")}
      </Text>
      {toggle.isError && <Problem error={toggle.error} />}
    </div>
  );
}
