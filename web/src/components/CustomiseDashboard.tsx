import { Button, Checkbox, makeStyles, Text, tokens } from "@fluentui/react-components";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { DashboardLayout, DashboardPanelId } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { useTexts } from "../i18n.tsx";
import { LAYOUT } from "../session.ts";
import { Problem } from "./Problem.tsx";

const useStyles = makeStyles({
  customise: {
    display: "flex",
    flexDirection: "column",
    gap: "4px",
    padding: "16px",
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusMedium,
  },
  list: { margin: 0, paddingLeft: "20px" },
  row: { display: "flex", alignItems: "center", gap: "4px", flexWrap: "wrap" },
});

/** Show or hide each panel and move it up or down; every change is saved for the person at once. */
export function CustomiseDashboard({ layout, titles }: { layout: DashboardLayout; titles(id: DashboardPanelId): string }) {
  const s = useStyles();
  const { t } = useTexts();
  const queries = useQueryClient();
  const save = useMutation({
    mutationFn: (next: DashboardLayout) => client.saveDashboardLayout(next),
    onMutate: (next) => queries.setQueryData(LAYOUT, next),
    onSuccess: (saved) => queries.setQueryData(LAYOUT, saved),
    onError: () => void queries.invalidateQueries({ queryKey: LAYOUT }),
  });
  const panels = layout.panels;
  const change = (next: DashboardLayout["panels"]) => save.mutate({ panels: next });
  const move = (from: number, to: number) => {
    const next = [...panels];
    const [panel] = next.splice(from, 1);
    next.splice(to, 0, panel);
    change(next);
  };
  return (
    <section className={s.customise} aria-labelledby="customise-heading" data-testid="customise-panel">
      <Text as="h2" size={400} weight="semibold" id="customise-heading">
        {t("web.dashboard.customise")}
      </Text>
      <Text>{t("web.dashboard.customiseIntro")}</Text>
      {save.error ? <Problem error={save.error} /> : null}
      <ol className={s.list}>
        {panels.map((p, i) => (
          <li key={p.id} className={s.row} data-panel={p.id}>
            <Checkbox
              checked={p.visible}
              label={t("web.dashboard.panelShown", { title: titles(p.id) })}
              onChange={(_e, data) => change(panels.map((q) => (q.id === p.id ? { ...q, visible: data.checked === true } : q)))}
            />
            <Button size="small" disabled={i === 0} onClick={() => move(i, i - 1)} aria-label={t("web.dashboard.moveUp", { title: titles(p.id) })}>
              ↑
            </Button>
            <Button
              size="small"
              disabled={i === panels.length - 1}
              onClick={() => move(i, i + 1)}
              aria-label={t("web.dashboard.moveDown", { title: titles(p.id) })}
            >
              ↓
            </Button>
          </li>
        ))}
      </ol>
    </section>
  );
}
