import {
  bytesSource,
  graphSource,
  messageIdsIn,
  parseHeaderBlock,
  safeFilename,
  utf8,
  type Capture,
  type CapturedAttachment,
  type Message,
  type SaveResult,
  type SaveSources,
  type ServiceImport,
} from "../../../shared/index.ts";
import { HostError, type FiledMark, type HostAdapter, type SettingsStore } from "./adapter.ts";
import { base64ToBytes, officeCall } from "./office-async.ts";
import { roamingSettingsStore } from "./settings.ts";
import { officeWebView } from "./web-view.ts";

export const FILED_CATEGORY = "Gemt i IMS Case";
const PROPERTY = "imsCaseDocument";

type ReadItem = Office.MessageRead;

const supports = (version: string) => Office.context.requirements.isSetSupported("Mailbox", version);

/**
 * Where Mailbox 1.14 is missing the MIME comes from Microsoft Graph through the service (GET /me/messages/{id}/$value on the
 * person's behalf, POST /api/uploads/graph). Only a pane signed in with Microsoft carries a token the service can exchange for
 * Graph's; signed in otherwise, Outlook's limit stands.
 */
export async function fetchMimeThroughService(itemId: string, filename: string, settings: SettingsStore): Promise<ServiceImport> {
  if ((await settings.load())?.method !== "microsoft") throw new HostError({ key: "error.requirementMailbox" });
  // Graph names messages by their REST id, not by the EWS id Outlook's item carries.
  const id = Office.context.mailbox.convertToRestId(itemId, Office.MailboxEnums.RestVersion.v2_0);
  return graphSource({ kind: "message", id }, filename, "message/rfc822");
}

/** Outlook in read mode: the open message as .eml, its attachments, headers for threading. */
export function outlookAdapter(): HostAdapter {
  const item = () => {
    const i = Office.context.mailbox.item as ReadItem | null;
    if (!i) throw new HostError({ key: "error.noItem" });
    return i;
  };

  const settings = roamingSettingsStore();

  return {
    host: "outlook",
    displayLanguage: Office.context.displayLanguage,
    settings,
    webView: officeWebView(),

    notices(method) {
      const out: Message[] = [];
      if (!supports("1.14") && method !== "microsoft") out.push({ key: "error.requirementMailbox" });
      if (!supports("1.8")) out.push({ key: "error.requirementAttachments" });
      return out;
    },

    async capture(): Promise<Capture> {
      const mail = item();
      let inReplyTo: string | undefined;
      let references: string[] = [];
      if (supports("1.8")) {
        const headers = parseHeaderBlock(await officeCall<string>((cb) => mail.getAllInternetHeadersAsync(cb)));
        inReplyTo = messageIdsIn(headers.get("in-reply-to"))[0];
        references = messageIdsIn(headers.get("references"));
      }
      const attachments: CapturedAttachment[] = (mail.attachments ?? []).map((a) => ({
        id: a.id,
        filename: a.attachmentType === Office.MailboxEnums.AttachmentType.Item ? safeFilename(a.name, ".eml") : a.name,
        mediaType: a.attachmentType === Office.MailboxEnums.AttachmentType.Item ? "message/rfc822" : a.contentType || "application/octet-stream",
        size: a.size,
        inline: a.isInline,
      }));
      const subject = mail.subject ?? "";
      return {
        kind: "mail",
        title: subject,
        filename: safeFilename(subject, ".eml"),
        mediaType: "message/rfc822",
        mail: {
          messageId: mail.internetMessageId || undefined,
          inReplyTo,
          references,
          from: mail.from?.emailAddress,
          to: (mail.to ?? []).map((r) => r.emailAddress),
          cc: (mail.cc ?? []).map((r) => r.emailAddress),
          names: Object.fromEntries(
            [mail.from, ...(mail.to ?? []), ...(mail.cc ?? [])].flatMap((r) => (r?.displayName ? [[r.emailAddress.toLowerCase(), r.displayName]] : [])),
          ),
          date: mail.dateTimeCreated ? new Date(mail.dateTimeCreated).toISOString() : undefined,
          subject,
          conversationId: mail.conversationId || undefined,
        },
        attachments: attachments.filter(
          (a) => (mail.attachments ?? []).find((x) => x.id === a.id)?.attachmentType !== Office.MailboxEnums.AttachmentType.Cloud,
        ),
        pdfAvailable: false,
      };
    },

    sources(capture): SaveSources {
      return {
        async main() {
          const mail = item();
          if (!supports("1.14")) return fetchMimeThroughService(mail.itemId, capture.filename, settings);
          const bytes = base64ToBytes(await officeCall<string>((cb) => mail.getAsFileAsync(cb)));
          return bytesSource(bytes, capture.filename, "message/rfc822");
        },
        async attachment(id) {
          if (!supports("1.8")) throw new HostError({ key: "error.requirementAttachments" });
          const a = capture.attachments.find((x) => x.id === id)!;
          const content = await officeCall<Office.AttachmentContent>((cb) => item().getAttachmentContentAsync(id, cb));
          const F = Office.MailboxEnums.AttachmentContentFormat;
          if (content.format === F.Base64) return bytesSource(base64ToBytes(content.content), a.filename, a.mediaType);
          if (content.format === F.Eml) return bytesSource(utf8(content.content), a.filename, "message/rfc822");
          if (content.format === F.ICalendar)
            return bytesSource(utf8(content.content), safeFilename(a.filename.replace(/\.ics$/i, ""), ".ics"), "text/calendar");
          throw new HostError({ key: "error.cloudAttachment", params: { name: a.filename } });
        },
      };
    },

    async markFiled(result: SaveResult) {
      const mail = item();
      const mark: FiledMark = { documentId: result.document.id, etag: result.document.etag, caseLabel: result.caseLabel };
      const props = await officeCall<Office.CustomProperties>((cb) => mail.loadCustomPropertiesAsync(cb));
      props.set(PROPERTY, JSON.stringify(mark));
      await officeCall<void>((cb) => props.saveAsync(cb));
      if (supports("1.8")) {
        const master = await officeCall<Office.CategoryDetails[]>((cb) => Office.context.mailbox.masterCategories.getAsync(cb)).catch(() => []);
        if (!master.some((c) => c.displayName === FILED_CATEGORY)) {
          await officeCall<void>((cb) =>
            Office.context.mailbox.masterCategories.addAsync([{ displayName: FILED_CATEGORY, color: Office.MailboxEnums.CategoryColor.Preset4 }], cb),
          ).catch(() => undefined);
        }
        await officeCall<void>((cb) => mail.categories.addAsync([FILED_CATEGORY], cb));
      }
    },

    async filedMark() {
      const props = await officeCall<Office.CustomProperties>((cb) => item().loadCustomPropertiesAsync(cb));
      const raw = props.get(PROPERTY) as string | undefined;
      if (!raw) return null;
      try {
        const mark = JSON.parse(raw) as FiledMark;
        return typeof mark.documentId === "string" ? mark : null;
      } catch {
        return null;
      }
    },
  };
}
