import { Spinner } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { ApiError, type Me } from "../../../shared/index.ts";
import { mustChangePassword } from "../api.ts";
import { useTexts } from "../i18n.tsx";
import { ChangePasswordPage } from "./ChangePassword.tsx";
import { Problem } from "./Problem.tsx";

/** The record is not there for this person: none, or not theirs to see (the service answers both 404; a malformed id 400). */
export const isNotFound = (err: unknown) => err instanceof ApiError && (err.status === 404 || err.status === 400);

/** A record's query asks again only when the service failed, never after it refused (4xx). */
export const retryUnlessRefused = (count: number, err: unknown) => !(err instanceof ApiError && err.status < 500) && count < 2;

/** What the page needs of a query (useQuery's result). */
interface Loading<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch(): unknown;
}

interface RecordPageProps<T> {
  record: Loading<T>;
  me: Loading<Me | null>;
  /** The page's own class, for what shows in its place. */
  className: string;
  notFound: ReactNode;
  children(record: T, me: Me): ReactNode;
}

/** A record's page (a case, a contact, a task): loading, not found, the password to change first, the problem, or the page. */
export function RecordPage<T>({ record, me, className, notFound, children }: RecordPageProps<T>) {
  const { t } = useTexts();
  if (record.isPending || me.isPending) return <Spinner label={t("web.loading")} />;
  if (isNotFound(record.error)) return notFound;
  if (mustChangePassword(record.error)) return <ChangePasswordPage className={className} />;
  if (record.isError || record.data === undefined || !me.data) {
    return (
      <main className={className}>
        <Problem error={record.error} onRetry={() => void record.refetch()} />
      </main>
    );
  }
  return children(record.data, me.data);
}
