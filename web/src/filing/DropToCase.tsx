import type { ReactNode } from "react";

export interface DropToCaseProps {
  /** The case the dropped files are filed into; null files them as floating documents (flydende). */
  caseId: string | null;
  /** Called once a dropped file is saved, so the page can refresh its document list. */
  onFiled?(documentId: string): void;
  children: ReactNode;
}

/** A drop target that files every file dropped onto it (several at once, .eml/.msg too) into the case. */
export function DropToCase({ children }: DropToCaseProps) {
  return <>{children}</>;
}
