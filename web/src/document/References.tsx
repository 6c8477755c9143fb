import { Button, Combobox, Field, makeStyles, Option, Radio, RadioGroup, Select, Text, tokens } from "@fluentui/react-components";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { DocumentDetails, DocumentReference, ReferenceKind } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { useTexts, type TextKey } from "../i18n.tsx";
import { AppLink, documentLink } from "../components/AppLink.tsx";
import { Inert, visibleControls } from "../components/Inert.tsx";
import { useSectionStyles } from "./styles.ts";

const useStyles = makeStyles({
  lists: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(min(280px, 100%), 1fr))", gap: "16px" },
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "4px" },
  item: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: "8px", overflowWrap: "anywhere" },
  kind: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
});

/** How a reference reads from the document that makes it ("svar på"), and from the one it points to ("besvaret af"). */
const OUTGOING: Record<ReferenceKind, TextKey> = {
  reply_to: "web.doc.ref.out.reply_to",
  relates_to: "web.doc.ref.out.relates_to",
  replaces: "web.doc.ref.out.replaces",
  appendix_to: "web.doc.ref.out.appendix_to",
};
const INCOMING: Record<ReferenceKind, TextKey> = {
  reply_to: "web.doc.ref.in.reply_to",
  relates_to: "web.doc.ref.in.relates_to",
  replaces: "web.doc.ref.in.replaces",
  appendix_to: "web.doc.ref.in.appendix_to",
};

const KINDS = Object.keys(OUTGOING) as ReferenceKind[];

/** References both ways: what this document refers to, what refers to it; adding one by finding the other document; removing either. */
export function References({ doc, onChanged }: { doc: DocumentDetails; onChanged(): Promise<unknown> }) {
  const s = useStyles();
  const { t } = useTexts();
  const queries = useQueryClient();
  const remove = useMutation({
    // A reference belongs to the document it starts from: an incoming one is removed there.
    mutationFn: ({ from, ref }: { from: string; ref: DocumentReference }) => client.removeReference(from, ref.id),
    onSuccess: async (_, { ref }) => {
      await queries.invalidateQueries({ queryKey: ["document", ref.documentId] });
      await onChanged();
    },
  });
  const list = (refs: DocumentReference[], direction: "outgoing" | "incoming") => (
    <ul className={s.list} data-testid={`references-${direction}`}>
      {refs.map((ref) => (
        <li key={ref.id} className={s.item} data-reference-id={ref.id}>
          <span className={s.kind}>{t((direction === "outgoing" ? OUTGOING : INCOMING)[ref.kind])}</span>
          <AppLink to={documentLink(ref.documentId)}>
            <Inert text={ref.title} />
          </AppLink>
          <Button
            size="small"
            appearance="subtle"
            aria-label={t("web.doc.ref.remove", { title: visibleControls(ref.title) })}
            disabled={remove.isPending}
            onClick={() => remove.mutate({ from: direction === "outgoing" ? doc.id : ref.documentId, ref })}
          >
            {t("web.doc.ref.removeShort")}
          </Button>
        </li>
      ))}
    </ul>
  );
  return (
    <>
      <div className={s.lists}>
        <div>
          <Text as="h3" block weight="semibold" size={300}>
            {t("web.doc.ref.outgoing")}
          </Text>
          {doc.references.outgoing.length ? list(doc.references.outgoing, "outgoing") : <Text className={s.kind}>{t("web.doc.ref.none")}</Text>}
        </div>
        <div>
          <Text as="h3" block weight="semibold" size={300}>
            {t("web.doc.ref.incoming")}
          </Text>
          {doc.references.incoming.length ? list(doc.references.incoming, "incoming") : <Text className={s.kind}>{t("web.doc.ref.none")}</Text>}
        </div>
      </div>
      {remove.isError && <Problem error={remove.error} />}
      <AddReference doc={doc} onAdded={onChanged} />
    </>
  );
}

/** How many of the documents found are offered at once; typing narrows them. */
const SHOWN = 50;

function AddReference({ doc, onAdded }: { doc: DocumentDetails; onAdded(): Promise<unknown> }) {
  const section = useSectionStyles();
  const { t } = useTexts();
  const queries = useQueryClient();
  const [query, setQuery] = useState("");
  const [other, setOther] = useState<{ id: string; title: string } | null>(null);
  const [kind, setKind] = useState<ReferenceKind>("relates_to");
  const [direction, setDirection] = useState<"outgoing" | "incoming">("outgoing");
  const [missing, setMissing] = useState(false);
  // The documents one may see, newest change first, as the listing gives them; the search issue brings a real search.
  const found = useInfiniteQuery({
    queryKey: ["documents", "reference-candidates"],
    queryFn: ({ pageParam }) => client.listDocuments({ cursor: pageParam, limit: 200 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 30_000,
  });
  const needle = query.trim().toLocaleLowerCase();
  const candidates = (found.data?.pages.flatMap((p) => p.items) ?? []).filter((d) => d.id !== doc.id);
  const matches = (other && query === other.title ? candidates : candidates.filter((d) => d.title.toLocaleLowerCase().includes(needle))).slice(0, SHOWN);
  const add = useMutation({
    mutationFn: (target: string) => (direction === "outgoing" ? client.addReference(doc.id, target, kind) : client.addReference(target, doc.id, kind)),
    onSuccess: async (_, target) => {
      setQuery("");
      setOther(null);
      await queries.invalidateQueries({ queryKey: ["document", target] });
      await onAdded();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!other) return setMissing(true);
    add.mutate(other.id);
  };
  return (
    <form className={section.form} onSubmit={submit} data-testid="add-reference">
      <Text as="h3" block weight="semibold" size={300}>
        {t("web.doc.ref.add.title")}
      </Text>
      <Field label={t("web.doc.ref.add.document")} validationMessage={missing ? t("web.doc.ref.add.missing") : undefined}>
        <Combobox
          value={query}
          selectedOptions={other ? [other.id] : []}
          onChange={(e) => {
            setQuery(e.target.value);
            setOther(null);
            setMissing(false);
          }}
          onOptionSelect={(_, data) => {
            const picked = candidates.find((d) => d.id === data.optionValue);
            if (!picked) return;
            setOther({ id: picked.id, title: picked.title });
            setQuery(picked.title);
            setMissing(false);
          }}
          placeholder={t("web.doc.ref.add.placeholder")}
          data-testid="reference-document"
        >
          {matches.map((d) => (
            <Option key={d.id} value={d.id} text={d.title}>
              {visibleControls(d.title)}
            </Option>
          ))}
          {!matches.length && (
            <Option disabled value="" text={t("web.doc.ref.add.nothing")}>
              {found.isPending ? t("web.loading") : t("web.doc.ref.add.nothing")}
            </Option>
          )}
        </Combobox>
      </Field>
      {found.hasNextPage && (
        <div>
          <Button size="small" onClick={() => void found.fetchNextPage()} disabled={found.isFetchingNextPage}>
            {t("web.doc.ref.add.more")}
          </Button>
        </div>
      )}
      <Field label={t("web.doc.ref.add.kind")}>
        <Select value={kind} onChange={(_, d) => setKind(d.value as ReferenceKind)} data-testid="reference-kind">
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(OUTGOING[k])}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t("web.doc.ref.add.direction")}>
        <RadioGroup value={direction} onChange={(_, d) => setDirection(d.value as "outgoing" | "incoming")} data-testid="reference-direction">
          <Radio value="outgoing" label={t("web.doc.ref.add.fromThis")} />
          <Radio value="incoming" label={t("web.doc.ref.add.toThis")} />
        </RadioGroup>
      </Field>
      <div className={section.row}>
        <Button type="submit" disabled={add.isPending} data-testid="reference-add">
          {t("web.doc.ref.add.submit")}
        </Button>
      </div>
      {add.isError && <Problem error={add.error} />}
    </form>
  );
}
