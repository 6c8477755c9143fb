import { expect } from "chai";
import { simpleParser } from "mailparser";
import { mailBody, type MailBody } from "../../../service/features/mail/mail-body.ts";
import { corpus } from "../../support/fixtures.ts";

const partUrl = (partId: string) => `/api/documents/doc-1/mail/parts/${partId}/content`;

/** A real mail's bodies as the parse job gets them, cid: references left in place, and a resolver over its parts' Content-IDs. */
async function realMail(name: string) {
  const mail = await simpleParser(corpus(name), { skipImageLinks: true });
  const parts = new Map(mail.attachments.flatMap((a, i) => (a.cid ? [[a.cid, partUrl(`part-${i}`)] as const] : [])));
  return {
    input: { text: mail.text ?? null, html: typeof mail.html === "string" ? mail.html : null },
    resolveCid: (cid: string) => parts.get(cid) ?? null,
    partUrls: [...parts.values()],
  };
}

/** A resolver for a mail with one inline part, Content-ID logo@mail.example. */
const oneInlinePart = (cid: string) => (cid === "logo@mail.example" ? partUrl("logo") : null);
const htmlOnly = (html: string, limits?: { maxChars?: number }) => mailBody({ text: null, html }, oneInlinePart, limits);

/** Every tag closed in order, nothing left open, no unfinished tag, every "<" the start of a tag. */
function expectWellFormed(html: string) {
  const open: string[] = [];
  const tags = [...html.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^<>]*?(\/?)>/g)];
  for (const [, closing, name, selfClosing] of tags) {
    if (selfClosing) continue;
    if (!closing) open.push(name);
    else expect(open.pop(), `</${name}> closes what is open`).to.equal(name);
  }
  expect(open, "left open").to.deep.equal([]);
  expect(tags.length, "every < starts a tag").to.equal(html.split("<").length - 1);
}

/** What no body handed to the view may contain, however it was written. */
function expectSafe(body: MailBody) {
  const everything = `${body.html ?? ""}\n${body.text ?? ""}`;
  for (const needle of ["<script", "javascript:", "onerror", "https://tracker"]) expect(everything.toLowerCase()).not.to.include(needle);
  if (body.html === null) return;
  expect(body.html).not.to.match(/<(?:style|link|meta|base|iframe|object|embed|svg|math|form|input|button)\b/i);
  expect(body.html).not.to.match(/\son[a-z]+\s*=/i);
  for (const [, src] of body.html.matchAll(/\ssrc="([^"]*)"/g)) expect(src).to.match(/^(?:\/api\/documents\/doc-1\/mail\/parts\/[^/]+\/content|data:image\/)/);
  expectWellFormed(body.html);
}

describe("mail body: what the web view shows", () => {
  describe("real mails", () => {
    it("a Gmail mail keeps its formatting and its two inline images, pointed at the archive's parts", async () => {
      const mail = await realMail("gmail-received-unicode-filenames-watch-html.eml");
      const body = mailBody(mail.input, mail.resolveCid);
      expectSafe(body);
      expect(mail.partUrls).to.have.length(2);
      for (const url of mail.partUrls) expect(body.html).to.include(`<img src="${url}" />`);
      expect(body.html).to.include("<p><b>Hello</b> to myself ");
      expect(body.html).to.include("Here's a nyan cat for you as an embedded attachment:<br />");
      expect(body.text).to.equal(mail.input.text);
      expect(body.remoteContentBlocked).to.equal(0);
    });

    it("an Outlook 2000 mail keeps its fonts and its cid: image, without the document's head", async () => {
      const mail = await realMail("outlook2000-mixed-related-alternative-inline-images.eml");
      const body = mailBody(mail.input, mail.resolveCid);
      expectSafe(body);
      expect(body.html).to.include(`<img align="baseline" alt="blue ball" border="0" src="${partUrl("part-0")}" />`);
      expect(body.html).to.include('<font face="Arial" size="2">');
      expect(body.html).to.include("The Hare and the Tortoise");
      expect(body.html).to.include("Slow but steady wins the race.");
      expect(body.html).not.to.match(/<\/?(?:html|head|body)\b/i);
      expect(body.html).not.to.include("MSHTML");
    });

    it("a Eudora mail keeps its 8-bit German text and both related images", async () => {
      const mail = await realMail("eudora-raw-8bit-inside-encoded-word-related-images.eml");
      const body = mailBody(mail.input, mail.resolveCid);
      expectSafe(body);
      expect(mail.partUrls).to.have.length(2);
      for (const url of mail.partUrls) expect(body.html).to.include(`src="${url}"`);
      expect(body.html).to.include('alt="blueball.png"');
      expect(body.html).to.include('<font face="Arial, Helvetica" size="5" color="#0000FF"><b>Die Hasen und die\nFrösche');
      expect(body.html).to.include("ihre mißliche Lage");
    });

    it("an Exchange invitation loses Word's style sheet and conditional comments but keeps its paragraph", async () => {
      const mail = await realMail("exchange-calendar-invite-finnish.eml");
      const body = mailBody(mail.input, mail.resolveCid);
      expectSafe(body);
      expect(body.html).to.include("<div>\n<p>\u00a0</p>\n</div>");
      expect(body.html).not.to.match(/@font-face|MsoNormal|<!--|<o:|<xml|class=/);
      expect(body.remoteContentBlocked).to.equal(0);
    });
  });

  describe("attacks", () => {
    it("a script goes with its content", () => {
      const body = htmlOnly("<p>before</p><script>alert(document.cookie)</script><SCRIPT src=https://evil.example/x.js></SCRIPT><p>after</p>");
      expectSafe(body);
      expect(body.html).to.equal("<p>before</p><p>after</p>");
      expect(body.text).not.to.include("alert");
    });

    it("an image with an onerror handler and nowhere safe to load from goes whole", () => {
      const body = htmlOnly('<p>x<img src=x onerror="alert(1)">y</p>');
      expectSafe(body);
      expect(body.html).to.equal("<p>xy</p>");
    });

    it("a javascript: link keeps its words but not its target", () => {
      for (const href of [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
      ]) {
        const body = htmlOnly(`<a href="${href}" target="_top">click me</a>`);
        expectSafe(body);
        expect(body.html, href).to.equal("<a>click me</a>");
        expect(body.text).to.equal("click me");
      }
    });

    it("a tracking pixel is removed and counted", () => {
      const body = htmlOnly('<p>Hello</p><img src="https://tracker.example/p.gif" width="1" height="1">');
      expectSafe(body);
      expect(body.html).to.equal("<p>Hello</p>");
      expect(body.remoteContentBlocked).to.equal(1);
    });

    it("a background url() leaves the style attribute, the rest of the style stays, and it is counted", () => {
      const body = htmlOnly("<div style=\"color: #333; background: url(https://tracker.example/bg.png) no-repeat; font-family: 'A;B', sans-serif\">x</div>");
      expectSafe(body);
      expect(body.html).to.equal(`<div style="color:#333;font-family:'A;B', sans-serif">x</div>`);
      expect(body.remoteContentBlocked).to.equal(1);
    });

    it("style declarations that could load, run or cover the page are dropped, however they are spelled", () => {
      const tricks = [
        "width:expression(alert(1))",
        "behavior:url(x.htc)",
        "-moz-binding:url(x.xml#x)",
        "background:u\\72l(https://tracker.example/a)",
        "background-image:image-set('https://tracker.example/a' 1x)",
        "position:fixed",
        "position : ABSOLUTE",
        "position:var(--p)",
        'x:"a\n;position:fixed',
        "color:red/*;*/",
      ];
      const body = htmlOnly(`<p style="${tricks.join(";").replace(/"/g, "&quot;")};margin:0">x</p>`);
      expectSafe(body);
      expect(body.html).to.equal('<p style="margin:0">x</p>');
      expect(body.remoteContentBlocked).to.equal(1);
    });

    it("a style sheet goes, and what it would have imported or loaded is counted", () => {
      const body = htmlOnly(
        '<style>@import "https://tracker.example/a.css"; p { background: url(//tracker.example/b.png) }</style>' +
          '<link rel="stylesheet" href="https://tracker.example/c.css"><p>text</p>',
      );
      expectSafe(body);
      expect(body.html).to.equal("<p>text</p>");
      expect(body.remoteContentBlocked).to.equal(3);
    });

    it("background attributes go and count when they point at the network", () => {
      const body = htmlOnly('<table background="https://tracker.example/t.png"><tr><td background="cid:logo@mail.example">x</td></tr></table>');
      expectSafe(body);
      expect(body.html).to.equal("<table><tr><td>x</td></tr></table>");
      expect(body.remoteContentBlocked).to.equal(1);
    });

    it("a script inside an SVG goes with the drawing", () => {
      const body = htmlOnly('<svg onload="alert(1)"><script>alert(2)</script><text>drawn</text></svg><math><mi>x</mi></math><p>after</p>');
      expectSafe(body);
      expect(body.html).to.equal("<p>after</p>");
      expect(body.text).to.equal("after");
    });

    it("forms, frames, embedded objects and the document's head go", () => {
      const body = htmlOnly(
        '<head><meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/"><title>t</title></head>' +
          '<form action="https://evil.example"><input name="password"><select><option>one</option></select><button>Send</button></form>' +
          '<iframe src="https://evil.example">frame</iframe><object data="x.swf">obj</object><embed src="x.swf"><p>kept</p>',
      );
      expectSafe(body);
      expect(body.html).to.equal("Send<p>kept</p>");
    });

    it("an image whose cid: names no part of the mail is removed, and is not remote", () => {
      const body = htmlOnly('<p>a<img src="cid:missing@mail.example" alt="gone">b</p>');
      expectSafe(body);
      expect(body.html).to.equal("<p>ab</p>");
      expect(body.remoteContentBlocked).to.equal(0);
    });

    it("a cid: written URL-encoded or with angle brackets finds its part", () => {
      for (const src of ["cid:logo%40mail.example", "cid:<logo@mail.example>", "CID:logo@mail.example"]) {
        expect(htmlOnly(`<img src="${src}">`).html, src).to.equal(`<img src="${partUrl("logo")}" />`);
      }
    });

    it("inline data: images are kept only as small PNG, JPEG, GIF or WebP", () => {
      const png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
      expect(htmlOnly(`<img src="${png}">`).html).to.equal(`<img src="${png}" />`);
      for (const src of [
        "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
        "data:text/html;base64,PHNjcmlwdD4=",
        `data:image/png;base64,${"A".repeat(600_000)}`,
      ]) {
        expect(htmlOnly(`<img src="${src}">`).html, src.slice(0, 30)).to.equal("");
      }
    });

    it("the legitimate content of a hostile mail survives: text, table, link and inline image", () => {
      const body = htmlOnly(
        '<p onclick="steal()">Dear customer,</p>' +
          '<table border="1" cellpadding="4" style="position:fixed;border-collapse:collapse"><tr><th align="left">Item</th><td colspan="2" bgcolor="#eeeeee">Invoice 42</td></tr></table>' +
          '<p><a href="https://shop.example/invoice/42" target="_self" onmouseover="x()">Pay here</a> <a href="mailto:help@shop.example">help@shop.example</a></p>' +
          '<img src="cid:logo@mail.example" alt="Logo" width="120"><img src="https://tracker.example/open.gif"><script>steal()</script>',
      );
      expectSafe(body);
      expect(body.html).to.include("<p>Dear customer,</p>");
      expect(body.html).to.include(
        '<table border="1" cellpadding="4" style="border-collapse:collapse"><tr><th align="left">Item</th><td colspan="2" bgcolor="#eeeeee">Invoice 42</td></tr></table>',
      );
      expect(body.html).to.include('<a href="https://shop.example/invoice/42" rel="noopener noreferrer nofollow" target="_blank">Pay here</a>');
      expect(body.html).to.include('<a href="mailto:help@shop.example" rel="noopener noreferrer nofollow" target="_blank">help@shop.example</a>');
      expect(body.html).to.include(`<img alt="Logo" width="120" src="${partUrl("logo")}" />`);
      expect(body.remoteContentBlocked).to.equal(1);
      expect(body.text).to.include("Dear customer,");
      expect(body.text).to.include("Invoice 42");
      expect(body.text).to.include("Pay here [https://shop.example/invoice/42]");
      expect(body.text).to.include("Logo");
    });
  });

  describe("text", () => {
    it("a mail with only text has no HTML, and its text comes with LF line ends and without control characters", () => {
      const body = mailBody({ text: "Hej\r\nmed dig\u0000\u0007\u001b[31m\tslut\rfin", html: null }, oneInlinePart);
      expect(body).to.deep.equal({ text: "Hej\nmed dig[31m\tslut\nfin", html: null, remoteContentBlocked: 0 });
    });

    it("a mail with only HTML gets its text made from the HTML, links and images as text, script and style left out", () => {
      const body = htmlOnly(
        '<html><head><title>Newsletter</title><style>p{color:red}</style></head><body><h1>News</h1><p>Read <a href="https://news.example/1">the story</a>' +
          ' or <a href="javascript:alert(1)">not this</a>.</p><img src="https://tracker.example/p.gif" alt="Banner"><script>alert(1)</script></body></html>',
      );
      expectSafe(body);
      expect(body.text).to.equal("News\n\nRead the story [https://news.example/1] or not this.\n\nBanner");
    });

    it("a mail with neither body has neither", () => {
      expect(mailBody({ text: null, html: null }, oneInlinePart)).to.deep.equal({ text: null, html: null, remoteContentBlocked: 0 });
      expect(mailBody({ text: " \r\n", html: "" }, oneInlinePart)).to.deep.equal({ text: null, html: null, remoteContentBlocked: 0 });
    });
  });

  describe("bounds", () => {
    it("3 MB of HTML is cut to 2,000,000 characters before sanitising, and the output is still well-formed", () => {
      const row = '<tr><td style="color:#123456">row text</td><td><a href="https://shop.example/item">item</a></td></tr>';
      const html = `<p>Start of a long report</p><table>${row.repeat(Math.ceil(3_000_000 / row.length))}</table><p>End of the report</p>`;
      expect(html.length).to.be.above(3_000_000);
      const body = htmlOnly(html);
      expectSafe(body);
      expect(body.html!.length).to.be.at.most(2_000_000);
      expect(body.html).to.match(/^<p>Start of a long report<\/p><table><tr>/);
      expect(body.html).to.match(/<\/table>$/);
      expect(body.html).not.to.include("End of the report");
      expect(body.text!.length).to.be.at.most(2_000_000);
      expect(body.text).to.match(/^Start of a long report\n\nrow text/);
    });

    it("a cut in the middle of a tag leaves no part of that tag", () => {
      const html = '<p>Visit <a href="https://shop.example/a-long-path" title="shop">the shop</a></p>';
      for (let maxChars = 1; maxChars < html.length; maxChars++) {
        const body = htmlOnly(html, { maxChars });
        expectSafe(body);
        expect(body.html!.length).to.be.at.most(maxChars);
        expect(body.html).not.to.match(/href="(?!https:\/\/shop\.example\/a-long-path")/);
      }
    });

    it("a cut never splits a character outside the BMP", () => {
      expect(mailBody({ text: "ab😀", html: null }, oneInlinePart, { maxChars: 3 }).text).to.equal("ab");
    });

    it("markup nested deeper than a browser would build is cut where it gets too deep", () => {
      for (const html of ["<b>".repeat(700_000) + "deep", "<td><li>".repeat(300_000) + "deep"]) {
        const body = htmlOnly(html);
        expectSafe(body);
        expect(body.html!.length).to.be.below(10_000);
        expect(body.html).not.to.include("deep");
      }
    });
  });
});
