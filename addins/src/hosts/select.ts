import type { HostAdapter } from "./adapter.ts";
import { documentAdapter } from "./document.ts";
import { outlookAdapter } from "./outlook.ts";

/** The adapter for the host Office started the pane in, or null outside Office. */
export function adapterFor(info: { host: Office.HostType | null }): HostAdapter | null {
  switch (info.host) {
    case Office.HostType.Outlook:
      return outlookAdapter();
    case Office.HostType.Word:
      return documentAdapter("word");
    case Office.HostType.Excel:
      return documentAdapter("excel");
    case Office.HostType.PowerPoint:
      return documentAdapter("powerpoint");
    default:
      return null;
  }
}
