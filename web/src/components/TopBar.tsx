import {
  Button,
  makeStyles,
  Menu,
  MenuDivider,
  MenuGroup,
  MenuGroupHeader,
  MenuItem,
  MenuItemRadio,
  MenuList,
  MenuPopover,
  MenuTrigger,
  mergeClasses,
  tokens,
  type MenuProps,
} from "@fluentui/react-components";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, NavLink } from "react-router";
import type { Language, Me } from "../../../shared/index.ts";
import { signOut } from "../api.ts";
import { useTexts } from "../i18n.tsx";
import { ME } from "../session.ts";

const useStyles = makeStyles({
  bar: {
    display: "flex",
    alignItems: "center",
    justifyContent: "space-between",
    gap: "16px",
    padding: "8px 24px",
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  product: { color: tokens.colorNeutralForegroundOnBrand, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, textDecoration: "none" },
  start: { display: "flex", alignItems: "center", gap: "32px" },
  nav: { display: "flex", gap: "24px" },
  link: {
    color: tokens.colorNeutralForegroundOnBrand,
    fontWeight: tokens.fontWeightSemibold,
    textDecoration: "none",
    paddingBottom: "2px",
    borderBottom: "2px solid transparent",
    ":hover": { borderBottomColor: tokens.colorNeutralForegroundOnBrand },
  },
  active: { borderBottomColor: tokens.colorNeutralForegroundOnBrand },
  user: { color: tokens.colorNeutralForegroundOnBrand },
});

/** The bar on every signed-in page: the product, SAGER and DOKUMENTER, and the person's menu (language, sign out). */
export function TopBar({ me }: { me: Me }) {
  const s = useStyles();
  const { t, language, setLanguage } = useTexts();
  const queries = useQueryClient();
  const leave = useMutation({
    mutationFn: signOut,
    // Whatever happened to the request, this page forgets the person: the layout then shows the sign-in page.
    onSettled: () => {
      queries.removeQueries({ predicate: (q) => q.queryKey[0] !== ME[0] });
      queries.setQueryData(ME, null);
    },
  });
  const onLanguage: MenuProps["onCheckedValueChange"] = (_e, { checkedItems }) => setLanguage(checkedItems[0] as Language);
  return (
    <header className={s.bar}>
      <div className={s.start}>
        <Link to="/" className={s.product}>
          {t("web.product")}
        </Link>
        <nav className={s.nav} aria-label={t("web.nav.label")}>
          <NavLink to="/sager" className={({ isActive }) => mergeClasses(s.link, isActive && s.active)}>
            {t("web.nav.cases")}
          </NavLink>
          <NavLink to="/dokumenter" className={({ isActive }) => mergeClasses(s.link, isActive && s.active)}>
            {t("web.nav.documents")}
          </NavLink>
        </nav>
      </div>
      <Menu checkedValues={{ language: [language] }} onCheckedValueChange={onLanguage}>
        <MenuTrigger disableButtonEnhancement>
          <Button appearance="transparent" className={s.user} aria-label={t("web.user.menu", { name: me.name })} data-testid="user-menu">
            {me.name}
          </Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            <MenuGroup>
              <MenuGroupHeader>{t("web.language")}</MenuGroupHeader>
              <MenuItemRadio name="language" value="da" lang="da">
                {t("web.language.da")}
              </MenuItemRadio>
              <MenuItemRadio name="language" value="en" lang="en">
                {t("web.language.en")}
              </MenuItemRadio>
            </MenuGroup>
            <MenuDivider />
            <MenuItem onClick={() => leave.mutate()} data-testid="sign-out">
              {t("web.signOut")}
            </MenuItem>
          </MenuList>
        </MenuPopover>
      </Menu>
    </header>
  );
}
