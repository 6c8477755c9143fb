import { graphSource, safeFilename, titleFromFileName, type Capture, type Message, type SaveResult, type SaveSources } from "../../../shared/index.ts";
import { HostError, type ConnectionSettings, type FiledMark, type HostAdapter, type HostName } from "./adapter.ts";
import { filenameFromUrl } from "./filenames.ts";
import { officeCall } from "./office-async.ts";
import { openOfficeFile } from "./office-file.ts";
import { localSettingsStore } from "./settings.ts";
import { officeWebView } from "./web-view.ts";

const SETTING = "imsCaseDocument";

const formats: Record<Exclude<HostName, "outlook">, { ext: string; mediaType: string; fallbackTitle: string; macroExt: string; macroType: string }> = {
  word: {
    ext: ".docx",
    mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    fallbackTitle: "Dokument",
    macroExt: ".docm",
    macroType: "application/vnd.ms-word.document.macroEnabled.12",
  },
  excel: {
    ext: ".xlsx",
    mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    fallbackTitle: "Projektmappe",
    macroExt: ".xlsm",
    macroType: "application/vnd.ms-excel.sheet.macroEnabled.12",
  },
  powerpoint: {
    ext: ".pptx",
    mediaType: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    fallbackTitle: "Præsentation",
    macroExt: ".pptm",
    macroType: "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
  },
};

/** What this host on this platform can hand over: the file itself (OOXML) and/or a PDF rendition. */
export function fileCapabilities(host: Exclude<HostName, "outlook">, platform: Office.PlatformType | null): { file: boolean; pdf: boolean } {
  const web = platform === Office.PlatformType.OfficeOnline;
  if (host === "excel") return web ? { file: false, pdf: true } : { file: true, pdf: false };
  return { file: true, pdf: true };
}

/** Word, Excel and PowerPoint: the whole file in 4 MB slices, a PDF rendition where the host has one. */
export function documentAdapter(host: Exclude<HostName, "outlook">): HostAdapter {
  const fmt = formats[host];
  const caps = () => fileCapabilities(host, Office.context.platform ?? null);

  function names() {
    const fromUrl = filenameFromUrl(Office.context.document.url ?? "");
    const macro = fromUrl.toLowerCase().endsWith(fmt.macroExt);
    const base = titleFromFileName(fromUrl, fmt.fallbackTitle);
    return {
      title: base,
      filename: safeFilename(base, macro ? fmt.macroExt : fmt.ext, fmt.fallbackTitle),
      mediaType: macro ? fmt.macroType : fmt.mediaType,
      pdfName: safeFilename(base, ".pdf", fmt.fallbackTitle),
    };
  }

  const settings = localSettingsStore();

  /**
   * Where the host cannot hand the file over (Excel on the web), a pane signed in with Microsoft has the service fetch it from
   * Microsoft Graph by the document's SharePoint/OneDrive address; otherwise the PDF rendition is what can be saved.
   */
  const graphCan = (method: ConnectionSettings["method"]) => !caps().file && method === "microsoft" && /^https:\/\//i.test(Office.context.document.url ?? "");
  const viaGraph = async () => graphCan((await settings.load())?.method);

  function readMark(): FiledMark | null {
    const raw = Office.context.document.settings.get(SETTING) as FiledMark | null;
    return raw && typeof raw.documentId === "string" ? raw : null;
  }

  return {
    host,
    displayLanguage: Office.context.displayLanguage,
    settings,
    webView: officeWebView(),

    notices(method): Message[] {
      return caps().file || graphCan(method) ? [] : [{ key: "error.excelWebPdfOnly" }];
    },

    async capture(): Promise<Capture> {
      const n = names();
      const c = caps();
      const mark = readMark();
      const file = c.file || (await viaGraph());
      return {
        kind: "document",
        title: n.title,
        // Where only a PDF can be had, the PDF is what gets saved.
        filename: file ? n.filename : n.pdfName,
        mediaType: file ? n.mediaType : "application/pdf",
        attachments: [],
        pdfAvailable: file && c.pdf,
        existingDocumentId: mark?.documentId,
        existingEtag: mark?.etag,
      };
    },

    sources(capture): SaveSources {
      const c = caps();
      const n = names();
      // The capture chose the file itself where the host cannot hand it over: Graph fetches it (see viaGraph).
      const fromGraph = !c.file && capture.mediaType !== "application/pdf";
      return {
        main: async () => {
          if (fromGraph) return graphSource({ kind: "share", url: Office.context.document.url }, capture.filename, capture.mediaType);
          return c.file
            ? openOfficeFile(Office.FileType.Compressed, capture.filename, capture.mediaType)
            : openOfficeFile(Office.FileType.Pdf, n.pdfName, "application/pdf");
        },
        attachment: async () => {
          throw new HostError({ key: "error.office", params: { detail: "documents have no attachments" } });
        },
        ...((c.file || fromGraph) && c.pdf ? { pdf: () => openOfficeFile(Office.FileType.Pdf, n.pdfName, "application/pdf") } : {}),
      };
    },

    async markFiled(result: SaveResult) {
      const mark: FiledMark = { documentId: result.document.id, etag: result.document.etag, caseLabel: result.caseLabel };
      Office.context.document.settings.set(SETTING, mark);
      await officeCall<void>((cb) => Office.context.document.settings.saveAsync(cb));
    },

    async filedMark() {
      return readMark();
    },
  };
}
