import { Button, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { Page } from "../../../shared/index.ts";
import { mustChangePassword } from "../api.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import { ChangePasswordPage } from "./ChangePassword.tsx";
import { Problem } from "./Problem.tsx";

// A page of a listing; "Vis flere" fetches the next one from the cursor the service gave.
export const PAGE_SIZE = 25;

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", alignItems: "flex-start" },
  muted: { color: tokens.colorNeutralForeground3 },
  more: { alignSelf: "flex-start" },
});

/** A listing the service gives a page at a time: `items` are the pages fetched so far, in order. */
export function usePagedList<T>(queryKey: QueryKey, fetchPage: (cursor: string | undefined, limit: number) => Promise<Page<T>>) {
  const list = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam, PAGE_SIZE),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return { list, items: list.data?.pages.flatMap((p) => p.items) ?? [] };
}

/** What a paged listing shows of its query. */
export interface PagedState {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch(): unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): unknown;
}

interface PagedListProps {
  list: PagedState;
  count: number;
  /** What an empty listing says. */
  empty: TextKey;
  emptyTestId?: string;
  moreTestId?: string;
  /** The items, shown when there are some. */
  children: ReactNode;
}

/** A paged listing in its state: loading, its problem (to try again), the empty text or the items; "Vis flere" while there are more. */
export function PagedList({ list, count, empty, emptyTestId, moreTestId, children }: PagedListProps) {
  const s = useStyles();
  const { t } = useTexts();
  return (
    <>
      {list.isPending ? (
        <Spinner label={t("web.loading")} />
      ) : list.isError ? (
        <Problem error={list.error} onRetry={() => void list.refetch()} />
      ) : count ? (
        children
      ) : (
        <Text className={s.muted} data-testid={emptyTestId}>
          {t(empty)}
        </Text>
      )}
      {list.hasNextPage && (
        <Button className={s.more} onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage} data-testid={moreTestId}>
          {t("web.more")}
        </Button>
      )}
    </>
  );
}

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
  const { list, items } = usePagedList(queryKey, fetchPage);
  if (mustChangePassword(list.error)) return <ChangePasswordPage className={s.page} />;
  return (
    <main className={s.page} data-testid={testId}>
      <Text as="h1" size={600} weight="semibold">
        {t(title)}
      </Text>
      <PagedList list={list} count={items.length} empty={empty}>
        {children(items)}
      </PagedList>
    </main>
  );
}
