import { makeStyles, tokens } from "@fluentui/react-components";

/** The look every part of the document page shares: a card per section, tables that scroll in their own box. */
export const useSectionStyles = makeStyles({
  section: {
    display: "flex",
    flexDirection: "column",
    gap: "12px",
    padding: "16px",
    minWidth: 0,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
    "@media (max-width: 600px)": { padding: "12px" },
  },
  scroll: { overflowX: "auto", maxWidth: "100%" },
  // Wide enough that its columns never squeeze into one another; narrower screens scroll the table's box.
  table: { minWidth: "640px", "& td": { overflowWrap: "anywhere" } },
  muted: { color: tokens.colorNeutralForeground3 },
  row: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "flex-end" },
  form: { display: "flex", flexDirection: "column", gap: "8px", maxWidth: "560px" },
  hiddenInput: { display: "none" },
});
