import { Button, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { Page } from "../../../shared/index.ts";
import { mustChangePassword } from "../api.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import { ChangePassword } from "./ChangePassword.tsx";
import { Problem } from "./Problem.tsx";

// A page of a listing; "Vis flere" fetches the next one from the cursor the service gave.
const PAGE_SIZE = 25;

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", alignItems: "flex-start" },
  muted: { color: tokens.colorNeutralForeground3 },
});

interface ListingProps<T> {
  title: TextKey;
  empty: TextKey;
  testId: string;
  queryKey: readonly string[];
  fetchPage(cursor: string | undefined, limit: number): Promise<Page<T>>;
  children(items: T[]): ReactNode;
}

/** A page listing everything of one kind the person may see, newest change first, a page at a time. */
export function Listing<T>({ title, empty, testId, queryKey, fetchPage, children }: ListingProps<T>) {
  const s = useStyles();
  const { t } = useTexts();
  const queries = useQueryClient();
  const list = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam, PAGE_SIZE),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  if (mustChangePassword(list.error)) {
    return (
      <main className={s.page}>
        <ChangePassword onChanged={() => void queries.invalidateQueries()} />
      </main>
    );
  }
  return (
    <main className={s.page} data-testid={testId}>
      <Text as="h1" size={600} weight="semibold">
        {t(title)}
      </Text>
      {list.isPending ? (
        <Spinner label={t("web.loading")} />
      ) : list.isError ? (
        <Problem error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length ? (
        children(items)
      ) : (
        <Text className={s.muted}>{t(empty)}</Text>
      )}
      {list.hasNextPage && (
        <Button onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {t("web.more")}
        </Button>
      )}
    </main>
  );
}
