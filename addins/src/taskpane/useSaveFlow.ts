import { useCallback, useEffect, useRef, useState } from "react";
import {
  chooseAttachment,
  chooseCase,
  chooseFloating,
  chooseNewVersion,
  chooseType,
  createDraftedCase,
  editMetadata,
  editNewCase,
  goTo,
  initialState,
  loadStart,
  messageFor,
  randomKey,
  save,
  saveAnother,
  searchCases,
  startNewCase,
  cancelNewCase,
  withQuery,
  type AttachmentChoice,
  type CaseSummary,
  type FlowState,
  type ImsClient,
  type Language,
  type Message,
} from "../../../shared/index.ts";
import { HostError, type FiledMark, type HostAdapter } from "../hosts/adapter.ts";

const failureOf = (err: unknown): Message => (err instanceof HostError ? err.userMessage : messageFor(err));

/** Binds the shared flow to React state: the pane renders `state`, the handlers step it. */
export function useSaveFlow(adapter: HostAdapter, client: ImsClient, language: Language) {
  const [state, setState] = useState<FlowState | null>(null);
  const [loadFailure, setLoadFailure] = useState<Message | null>(null);
  const [mark, setMark] = useState<FiledMark | null>(null);
  /** Why the host could not mark the item or file as saved, after a save that succeeded. */
  const [markFailure, setMarkFailure] = useState<Message | null>(null);
  const latest = useRef<FlowState | null>(null);
  latest.current = state;
  const update = useCallback((next: FlowState) => {
    latest.current = next;
    setState(next);
  }, []);

  const load = useCallback(async () => {
    setLoadFailure(null);
    try {
      const capture = await adapter.capture();
      setMark(await adapter.filedMark().catch(() => null));
      update(await loadStart(client, initialState(capture, randomKey())));
    } catch (err) {
      setLoadFailure(failureOf(err));
    }
  }, [adapter, client, update]);

  useEffect(() => {
    void load();
  }, [load]);

  const searchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const search = useCallback(
    (query: string) => {
      if (!latest.current) return;
      update(withQuery(latest.current, query));
      clearTimeout(searchTimer.current);
      searchTimer.current = setTimeout(() => {
        if (!latest.current) return;
        searchCases(client, latest.current, query).then(
          (next) =>
            latest.current && update({ ...latest.current, suggestions: next.query === latest.current.query ? next.suggestions : latest.current.suggestions }),
          (err) => latest.current && update({ ...latest.current, failure: failureOf(err) }),
        );
      }, 150);
    },
    [client, update],
  );

  const step = useCallback((fn: (s: FlowState) => FlowState) => latest.current && update(fn(latest.current)), [update]);

  return {
    state,
    loadFailure,
    mark,
    markFailure,
    reload: load,
    search,
    chooseCase: (c: CaseSummary) => step((s) => chooseCase(s, c)),
    chooseFloating: () => step(chooseFloating),
    startNewCase: () => step((s) => startNewCase(s)),
    editNewCase: (patch: Parameters<typeof editNewCase>[1]) => step((s) => editNewCase(s, patch)),
    cancelNewCase: () => step(cancelNewCase),
    createCase: async () => latest.current && update(await createDraftedCase(client, latest.current, language)),
    chooseType: (id: string) => step((s) => chooseType(s, id)),
    edit: (patch: Parameters<typeof editMetadata>[1]) => step((s) => editMetadata(s, patch)),
    chooseAttachment: (id: string, choice: AttachmentChoice) => step((s) => chooseAttachment(s, id, choice)),
    chooseNewVersion: (v: boolean) => step((s) => chooseNewVersion(s, v)),
    goTo: (to: "case" | "type" | "metadata") => step((s) => goTo(s, to)),
    async save() {
      const s = latest.current;
      if (!s) return;
      try {
        const next = await save(client, s, adapter.sources(s.capture), { language, onState: update });
        update(next);
        if (next.result) {
          setMarkFailure(null);
          await adapter.markFiled(next.result).catch((err) => setMarkFailure(failureOf(err)));
          setMark({ documentId: next.result.document.id, etag: next.result.document.etag, caseLabel: next.result.caseLabel });
        }
      } catch (err) {
        update({ ...s, step: "metadata", progress: null, failure: failureOf(err) });
      }
    },
    /** A document host re-reads the file so a second version carries the ETag the first one produced. */
    saveAnother: () => (latest.current?.capture.kind === "document" ? void load() : step((s) => saveAnother(s, randomKey()))),
  };
}

export type SaveFlowApi = ReturnType<typeof useSaveFlow>;
