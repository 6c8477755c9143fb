import {
  Button,
  Menu,
  MenuDivider,
  MenuGroup,
  MenuGroupHeader,
  MenuItem,
  MenuItemRadio,
  MenuList,
  MenuPopover,
  MenuTrigger,
  type MenuProps,
} from "@fluentui/react-components";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import type { Language, Me } from "../../../shared/index.ts";
import { signOut } from "../api.ts";
import { useTexts } from "../i18n.tsx";
import { ME, offerProviderSignOut } from "../session.ts";

/** The person's menu: language, sessions and linked accounts, and sign-out (after a Microsoft session the sign-in page offers Microsoft's). Loaded when first opened (TopBar), opening as it arrives; inline, so it is inside the banner landmark. */
export function UserMenu({ me, className }: { me: Me; className: string }) {
  const { t, language, setLanguage } = useTexts();
  const queries = useQueryClient();
  const navigate = useNavigate();
  const leave = useMutation({
    mutationFn: signOut,
    // Whatever happened to the request, this page forgets the person: the layout then shows the sign-in page.
    onSettled: (signedOut) => {
      offerProviderSignOut(signedOut?.providerSignOut ?? null);
      queries.removeQueries({ predicate: (q) => q.queryKey[0] !== ME[0] });
      queries.setQueryData(ME, null);
    },
  });
  const onLanguage: MenuProps["onCheckedValueChange"] = (_e, { checkedItems }) => setLanguage(checkedItems[0] as Language);
  return (
    <Menu checkedValues={{ language: [language] }} onCheckedValueChange={onLanguage} defaultOpen inline>
      <MenuTrigger disableButtonEnhancement>
        <Button appearance="transparent" className={className} aria-label={t("web.user.menu", { name: me.name })} data-testid="user-menu">
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
          <MenuItem onClick={() => navigate("/sessioner")} data-testid="sessions">
            {t("web.user.sessions")}
          </MenuItem>
          <MenuItem onClick={() => leave.mutate()} data-testid="sign-out">
            {t("web.signOut")}
          </MenuItem>
        </MenuList>
      </MenuPopover>
    </Menu>
  );
}
