import { Button, makeStyles, mergeClasses, Text, tokens } from "@fluentui/react-components";
import { ArrowUpload20Regular } from "@fluentui/react-icons";
import { useEffect, useRef, useState, type DragEvent, type ReactNode } from "react";

const useStyles = makeStyles({
  zone: {
    position: "relative",
    display: "flex",
    flexDirection: "column",
    gap: "12px",
    minWidth: 0,
    borderRadius: tokens.borderRadiusMedium,
    outline: `2px dashed transparent`,
    outlineOffset: "4px",
  },
  dragging: { outlineColor: tokens.colorBrandStroke1, backgroundColor: tokens.colorBrandBackground2 },
  bar: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: "8px 12px",
    padding: "12px",
    border: `1px dashed ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  hint: { color: tokens.colorNeutralForeground2, minWidth: 0, overflowWrap: "anywhere" },
  input: { display: "none" },
  // Over the page while files are dragged onto it, where the page has no button bar of its own here.
  overlay: {
    position: "absolute",
    inset: 0,
    zIndex: 1,
    pointerEvents: "none",
    backgroundColor: tokens.colorBrandBackground2,
    opacity: 0.95,
    borderRadius: tokens.borderRadiusMedium,
  },
  overlayText: { position: "sticky", top: 0, display: "block", padding: "24px", textAlign: "center", fontWeight: tokens.fontWeightSemibold },
});

const carriesFiles = (e: DragEvent | globalThis.DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes("Files");

interface DropZoneProps {
  /**
   * The button that opens the file chooser, for the keyboard and for phones (which cannot drag); null where
   * the page has that button itself (the document page's UPLOAD NY VERSION), and only the drop is added.
   */
  buttonLabel: string | null;
  /** What dropping here does, shown beside the button. */
  hint?: string;
  /** What is dropping here now, while files are dragged over it. */
  draggingHint: string;
  multiple: boolean;
  testId: string;
  onFiles(files: File[]): void;
  /** Shown between the button bar and the children: the files on their way. */
  status?: ReactNode;
  children?: ReactNode;
}

/**
 * A drop target for files from the desktop, with a visible button and file input that do the same. A file
 * dropped beside it is caught too, so a near miss does not make the browser leave the page to open the file.
 */
export function DropZone({ buttonLabel, hint, draggingHint, multiple, testId, onFiles, status, children }: DropZoneProps) {
  const s = useStyles();
  const input = useRef<HTMLInputElement>(null);
  const [depth, setDepth] = useState(0);

  useEffect(() => {
    const guard = (e: globalThis.DragEvent) => {
      if (carriesFiles(e)) e.preventDefault();
    };
    window.addEventListener("dragover", guard);
    window.addEventListener("drop", guard);
    return () => {
      window.removeEventListener("dragover", guard);
      window.removeEventListener("drop", guard);
    };
  }, []);

  const take = (list: FileList | null | undefined) => {
    const files = Array.from(list ?? []);
    if (files.length) onFiles(files);
  };

  return (
    <div
      className={mergeClasses(s.zone, depth > 0 && s.dragging)}
      data-testid={testId}
      data-dragging={depth > 0 || undefined}
      onDragEnter={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        setDepth((d) => d + 1);
      }}
      onDragOver={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={(e) => {
        if (carriesFiles(e)) setDepth((d) => Math.max(0, d - 1));
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDepth(0);
        take(e.dataTransfer?.files);
      }}
    >
      {buttonLabel !== null ? (
        <div className={s.bar}>
          <Button icon={<ArrowUpload20Regular />} onClick={() => input.current?.click()} data-testid={`${testId}-choose`}>
            {buttonLabel}
          </Button>
          <Text className={s.hint} aria-live="polite">
            {depth > 0 ? draggingHint : hint}
          </Text>
          <input
            ref={input}
            className={s.input}
            type="file"
            multiple={multiple}
            tabIndex={-1}
            aria-hidden="true"
            data-testid={`${testId}-input`}
            onChange={(e) => {
              take(e.currentTarget.files);
              // The same file chosen again (after a failure) is a change too.
              e.currentTarget.value = "";
            }}
          />
        </div>
      ) : (
        depth > 0 && (
          <div className={s.overlay}>
            <Text className={s.overlayText}>{draggingHint}</Text>
          </div>
        )
      )}
      {status}
      {children}
    </div>
  );
}
