import { makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { Link } from "react-router";

const useStyles = makeStyles({
  link: {
    color: tokens.colorBrandForegroundLink,
    textDecorationLine: "underline",
    ":hover": { color: tokens.colorBrandForegroundLinkHover },
    ":focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: "1px", borderRadius: tokens.borderRadiusSmall },
  },
});

/** A link to another page of the web view (a case, a document), followed inside the app. */
export function AppLink({ to, children, className, ...rest }: { to: string; children: ReactNode; className?: string; "aria-label"?: string }) {
  const s = useStyles();
  return (
    <Link to={to} className={mergeClasses(s.link, className)} {...rest}>
      {children}
    </Link>
  );
}

export const documentLink = (id: string) => `/dokumenter/${encodeURIComponent(id)}`;
export const caseLink = (number: string) => `/sager/${encodeURIComponent(number)}`;
