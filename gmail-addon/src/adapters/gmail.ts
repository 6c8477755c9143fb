import { addressesIn, messageIdsIn, safeFilename, type Capture, type CapturedAttachment, type SaveSources } from "../../../shared/index.ts";
import { displayNamesIn } from "../../../shared/flow/parties.ts";
import { CaptureError, errorText, isQuotaMessage, QuotaError } from "../errors.ts";
import type { AddOnEvent } from "../event.ts";
import type { GmailOrigin } from "../flow.ts";
import type { MailPort } from "../handlers/services.ts";
import { byteArraySource, textSource } from "./bytes.ts";

type Message = GoogleAppsScript.Gmail.GmailMessage;
type Attachment = GoogleAppsScript.Gmail.GmailAttachment;

/** Gmail's failures as the flow's: quotas stay quotas, the rest say the mail could not be read. */
function gmailCall<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof CaptureError) throw err;
    const message = errorText(err);
    if (isQuotaMessage(message)) throw new QuotaError(message);
    throw new CaptureError({ key: "google.error.mail", params: { detail: message } });
  }
}

/** The open message, readable once the event's access token is set (gmail.addons.current.message.readonly). */
function openMessage(event: AddOnEvent, messageId = event.gmail?.messageId): Message {
  const token = event.gmail?.accessToken;
  if (!token || !messageId) throw new CaptureError({ key: "google.error.mail", params: { detail: "no open message" } });
  GmailApp.setCurrentMessageAccessToken(token);
  return GmailApp.getMessageById(messageId);
}

const attachmentsOf = (message: Message, inline: boolean): Attachment[] =>
  message.getAttachments(inline ? { includeInlineImages: true, includeAttachments: false } : { includeInlineImages: false, includeAttachments: true });

function attachmentId(id: string): { inline: boolean; index: number } {
  const m = /^([ai])(\d+)$/.exec(id);
  if (!m) throw new CaptureError({ key: "google.error.mail", params: { detail: `unknown attachment ${id}` } });
  return { inline: m[1] === "i", index: Number(m[2]) };
}

/** Gmail through GmailApp: the message as raw .eml and its attachments, in Gmail's own order. */
export const gmailPort: MailPort = {
  describe(event) {
    return gmailCall(() => {
      const message = openMessage(event);
      const describeAttachment = (a: Attachment, id: string, inline: boolean): CapturedAttachment => ({
        id,
        filename: a.getName() || `bilag-${id}`,
        mediaType: a.getContentType() || "application/octet-stream",
        size: a.getSize(),
        inline,
      });
      const attachments = [
        ...attachmentsOf(message, false).map((a, i) => describeAttachment(a, `a${i}`, false)),
        ...attachmentsOf(message, true).map((a, i) => describeAttachment(a, `i${i}`, true)),
      ];
      const subject = message.getSubject() ?? "";
      const header = (name: string) => (message.getHeader(name) ?? "").trim();
      const capture: Capture = {
        kind: "mail",
        title: subject,
        filename: safeFilename(subject, ".eml", "Mail"),
        mediaType: "message/rfc822",
        mail: {
          messageId: messageIdsIn(header("Message-ID"))[0],
          inReplyTo: messageIdsIn(header("In-Reply-To"))[0],
          references: messageIdsIn(header("References")),
          from: addressesIn(message.getFrom() ?? "")[0],
          to: addressesIn(message.getTo() ?? ""),
          cc: addressesIn(message.getCc() ?? ""),
          names: displayNamesIn(message.getFrom() ?? "", message.getTo() ?? "", message.getCc() ?? ""),
          date: message.getDate()?.toISOString(),
          subject,
          // Gmail's thread id, as the hint Outlook's conversation id is; prefixed so the two never meet.
          conversationId: `gmail:${event.gmail?.threadId || message.getThread().getId()}`,
        },
        attachments,
        pdfAvailable: false,
      };
      return { capture, origin: { host: "gmail", messageId: message.getId() } };
    });
  },

  sources(event, origin: GmailOrigin, capture): SaveSources {
    return {
      main: async () =>
        gmailCall(() => {
          return textSource(openMessage(event, origin.messageId).getRawContent(), capture.filename, "message/rfc822");
        }),
      attachment: async (id) =>
        gmailCall(() => {
          const { inline, index } = attachmentId(id);
          const described = capture.attachments.find((a) => a.id === id);
          const found = attachmentsOf(openMessage(event, origin.messageId), inline)[index];
          if (!found || !described) throw new CaptureError({ key: "google.error.mail", params: { detail: `attachment ${id} is gone` } });
          return byteArraySource(found.getBytes(), described.filename, described.mediaType);
        }),
    };
  },
};
