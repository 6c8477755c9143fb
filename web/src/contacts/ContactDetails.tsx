import { makeStyles, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";
import type { Contact, PostalAddress } from "../../../shared/index.ts";
import { Inert } from "../components/Inert.tsx";
import { formatMoment } from "../format.ts";
import { useTexts, type TextKey } from "../i18n.tsx";

const useStyles = makeStyles({
  list: { display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(min(220px, 100%), 1fr))", gap: "12px 24px", margin: 0 },
  item: { display: "flex", flexDirection: "column", gap: "2px", minWidth: 0, overflowWrap: "anywhere" },
  term: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  value: { margin: 0, fontWeight: tokens.fontWeightSemibold },
  lines: { listStyleType: "none", margin: 0, padding: 0 },
  note: { whiteSpace: "pre-wrap" },
});

/** An address the Danish way: street, then postal code and city, then the country. */
export function addressLines(a: PostalAddress | null): string[] {
  if (!a) return [];
  return [a.street, [a.postalCode, a.city].filter(Boolean).join(" "), a.country].filter(Boolean);
}

/** A contact's information: kind, e-mail addresses, phone, postal address, CVR or CPR (as `cpr` shows it), note, created and changed. */
export function ContactDetails({ c, cpr }: { c: Contact; cpr: ReactNode }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const nothing = t("web.contacts.nothing");
  const lines = (values: string[]) =>
    values.length ? (
      <ul className={s.lines}>
        {values.map((v) => (
          <li key={v}>
            <Inert text={v} />
          </li>
        ))}
      </ul>
    ) : (
      nothing
    );
  const items: Array<[TextKey, ReactNode, string]> = [
    ["web.contact.field.kind", t(c.kind === "person" ? "web.contacts.kind.person" : "web.contacts.kind.organisation"), "kind"],
    ["web.contact.field.emails", lines(c.emails), "emails"],
    ["web.contact.field.phone", c.phone ? <Inert text={c.phone} /> : nothing, "phone"],
    ["web.contact.field.address", lines(addressLines(c.address)), "address"],
    c.kind === "organisation" ? ["web.contact.field.cvr", c.cvr ?? nothing, "cvr"] : ["web.contact.field.cpr", cpr, "cpr"],
    [
      "web.contact.field.note",
      c.note ? (
        <span className={s.note}>
          <Inert text={c.note} />
        </span>
      ) : (
        nothing
      ),
      "note",
    ],
    ["web.contact.field.created", <Inert text={t("web.contact.createdBy", { at: formatMoment(c.createdAt, language), name: c.createdBy.name })} />, "created"],
    ["web.contact.field.changed", formatMoment(c.changedAt, language), "changed"],
  ];
  return (
    <dl className={s.list} data-testid="contact-details">
      {items.map(([term, value, id]) => (
        <div key={id} className={s.item} data-field={id}>
          <dt className={s.term}>{t(term)}</dt>
          <dd className={s.value}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
