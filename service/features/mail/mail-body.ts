// A saved mail's body as the web view may show it: the plain text, and the HTML sanitised here on the
// server, so the view never has to judge markup itself. Nothing in the sanitised HTML makes the browser
// fetch from the network (a tracking pixel would tell the sender when the mail was opened, and from
// where): remote images, stylesheets and backgrounds are removed and counted, and cid: images point at
// the archive's own part endpoints.

import { createRequire } from "node:module";
import sanitizeHtml from "sanitize-html";

export interface MailBody {
  /** The plain body, or text made from the HTML when the mail has only HTML. */
  text: string | null;
  /** Sanitised, or null when the mail has no HTML body. */
  html: string | null;
  /** Remote resources (images, stylesheets, backgrounds) that were removed, counted, so the view can say "N external images blocked". */
  remoteContentBlocked: number;
}

const DEFAULT_MAX_CHARS = 2_000_000;
/**
 * How deep elements may nest. htmlparser2 (under both sanitize-html and html-to-text) slows down with the
 * square of the depth (100k nested <b> take seconds), and Chrome's own parser flattens anything deeper than this.
 */
const MAX_NESTING = 512;
/** An inline data: image larger than this is dropped: a mail carries its images as parts. */
const MAX_DATA_IMAGE_CHARS = 512 * 1024;
/** Enough shortenings to bring any bounded input down to nothing (2,000,000 halves to 0 in 21). */
const MAX_ATTEMPTS = 24;

/**
 * The body of a mail ready for the view. `resolveCid(contentId)` returns the URL of the part with that
 * Content-ID (e.g. /api/documents/{id}/mail/parts/{partId}/content) or null. `limits.maxChars` bounds each
 * body: longer HTML is cut before it is sanitised (the output is still well-formed), longer text is cut.
 */
export function mailBody(
  input: { text: string | null; html: string | null },
  resolveCid: (contentId: string) => string | null,
  limits?: { maxChars?: number },
): MailBody {
  const maxChars = limits?.maxChars ?? DEFAULT_MAX_CHARS;
  const rawHtml = hasContent(input.html) ? cleaned(input.html) : null;
  const safe = rawHtml === null ? null : boundedSanitise(rawHtml, resolveCid, maxChars);
  const text = hasContent(input.text) ? plainText(input.text, maxChars) : safe ? plainText(htmlAsText(safe.source), maxChars) : null;
  return { text, html: safe?.html ?? null, remoteContentBlocked: safe?.remoteContentBlocked ?? 0 };
}

const hasContent = (s: string | null): s is string => typeof s === "string" && s.trim() !== "";

/** CRLF and lone CR become LF; NULs and the other C0 controls a browser or a terminal would trip over go; tab and newline stay. */
const cleaned = (s: string): string =>
  // eslint-disable-next-line no-control-regex -- these are the characters being removed
  s.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f]/g, "");

const plainText = (s: string, maxChars: number): string => prefix(cleaned(s), maxChars);

/** The first `max` UTF-16 units of `s`, not splitting a surrogate pair. */
function prefix(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = max > 0 && /[\ud800-\udbff]/.test(s[max - 1]) ? max - 1 : max;
  return s.slice(0, Math.max(0, end));
}

interface Sanitised {
  html: string;
  remoteContentBlocked: number;
  /** The part of the HTML that was sanitised: all of it, or the prefix that fits the bounds. */
  source: string;
}

/**
 * Sanitises at most `maxChars` of `html`, shortening it until it nests no deeper than MAX_NESTING and the
 * output (which grows by the attributes added to links) fits `maxChars` too. A cut mid-tag is harmless:
 * the parser drops an unfinished tag at the end and closes whatever is still open.
 */
function boundedSanitise(html: string, resolveCid: (contentId: string) => string | null, maxChars: number): Sanitised {
  let source = prefix(html, maxChars);
  for (let attempt = 0; attempt < MAX_ATTEMPTS && source !== ""; attempt++) {
    const run = sanitiseOnce(source, resolveCid);
    if (run && run.html.length <= maxChars) return { ...run, source };
    // Too long: keep the share of the input that should fit, with a tenth to spare. Too deep: keep half.
    const keep = run ? Math.floor(((source.length * maxChars) / run.html.length) * 0.9) : Math.floor(source.length / 2);
    source = prefix(source, keep);
  }
  return { html: "", remoteContentBlocked: 0, source: "" };
}

class NestingTooDeep extends Error {}

/** One pass of sanitize-html over `html`; null when it nests deeper than MAX_NESTING (the pass stops there). */
function sanitiseOnce(html: string, resolveCid: (contentId: string) => string | null): Omit<Sanitised, "source"> | null {
  let depth = 0;
  let blocked = 0;
  const options: sanitizeHtml.IOptions = {
    ...SANITISE_OPTIONS,
    transformTags: { a: linkTransform, img: imageTransform(resolveCid), "*": styleTransform },
    // Every element passes here, also those dropped whole (inside <noscript>, <svg>), so every remote reference is counted once.
    onOpenTag: (name, attribs) => {
      if (++depth > MAX_NESTING) throw new NestingTooDeep();
      blocked += remoteReferences(name, attribs);
    },
    onCloseTag: () => {
      depth--;
    },
    // <style> is the one raw-text element whose text arrives here, so its @import and url() can be counted; none of it is kept.
    textFilter: (text, tagName) => {
      if (tagName !== "style") return text;
      blocked += remoteCssReferences(text);
      return "";
    },
  };
  try {
    return { html: sanitizeHtml(html, options), remoteContentBlocked: blocked };
  } catch (err) {
    if (err instanceof NestingTooDeep) return null;
    throw err;
  }
}

const TABLE_LAYOUT = ["colspan", "rowspan", "align", "valign", "width", "height", "bgcolor", "border", "cellpadding", "cellspacing"];
const TABLE_TAGS = ["table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col"];
const HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"];
/** Elements whose content is not the mail's text (script, form options, embedded documents, drawings): both views drop it. */
const DROPPED_WITH_CONTENT = [
  ...["script", "noscript", "template", "title", "xmp", "svg", "math"],
  ...["textarea", "select", "option"],
  ...["iframe", "object", "embed", "applet", "frameset", "noframes", "noembed"],
];

const SANITISE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...["p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "sub", "sup", "font", ...HEADINGS],
    ...["ul", "ol", "li", "blockquote", "pre", "code", "hr", ...TABLE_TAGS, "a", "img"],
  ],
  allowedAttributes: {
    "*": ["style", "dir", "lang", "title"],
    font: ["color", "face", "size"],
    a: ["href", "rel", "target"],
    img: ["src", "alt", "width", "height", "align", "border"],
    ...Object.fromEntries(TABLE_TAGS.map((tag) => [tag, TABLE_LAYOUT])),
    col: [...TABLE_LAYOUT, "span"],
    colgroup: [...TABLE_LAYOUT, "span"],
    ...Object.fromEntries(["p", "div", ...HEADINGS].map((tag) => [tag, ["align"]])),
    hr: ["align", "width"],
    ol: ["start", "type"],
    ul: ["type"],
  },
  // The transforms below already keep only these; the scheme check is the second lock.
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["data", "http", "https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // <style> is dropped with its content too, but through textFilter, which counts what it would have loaded.
  nonTextTags: DROPPED_WITH_CONTENT,
  // An image whose source was removed is removed too (it would show as a broken picture).
  exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
};

const LINK_REL = "noopener noreferrer nofollow";

/** A link keeps an http(s) or mailto: target and opens in a new tab, away from the archive's own page. */
const linkTransform: sanitizeHtml.Transformer = (tagName, attribs) => {
  const { href, rel: _rel, target: _target, ...rest } = attribs;
  const target = safeHref(href);
  return { tagName, attribs: target ? { ...rest, href: target, rel: LINK_REL, target: "_blank" } : rest };
};

/** An image keeps a cid: source resolved to its part's URL, or a small inline raster image; any other source goes. */
const imageTransform =
  (resolveCid: (contentId: string) => string | null): sanitizeHtml.Transformer =>
  (tagName, attribs) => {
    const { src, ...rest } = attribs;
    const kept = imageSource(src ?? "", resolveCid);
    return { tagName, attribs: kept ? { ...rest, src: kept } : rest };
  };

const styleTransform: sanitizeHtml.Transformer = (tagName, attribs) => {
  if (attribs.style === undefined) return { tagName, attribs };
  const { style, ...rest } = attribs;
  const kept = filteredStyle(style);
  return { tagName, attribs: kept ? { ...rest, style: kept } : rest };
};

/** A URL without the characters browsers ignore in one (spaces, tabs, newlines, controls), which would hide its scheme. */
// eslint-disable-next-line no-control-regex -- these are the characters browsers skip
const compact = (url: string): string => url.replace(/[\u0000-\u0020]/g, "");

const schemeOf = (url: string): string | null => /^([a-z][a-z0-9+.-]*):/i.exec(compact(url))?.[1].toLowerCase() ?? null;

function safeHref(href: string | undefined): string | null {
  if (!href) return null;
  const scheme = schemeOf(href);
  return scheme === "http" || scheme === "https" || scheme === "mailto" ? href.trim() : null;
}

/** A URL the browser would fetch from the network: http(s) or ftp, or protocol-relative (//host/…). */
const isRemote = (url: string | undefined): boolean => !!url && /^(?:(?:https?|ftp):|[\\/]{2})/i.test(compact(url));

const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i;

function imageSource(src: string, resolveCid: (contentId: string) => string | null): string | null {
  const scheme = schemeOf(src);
  if (scheme === "cid") return resolvedCid(compact(src).slice(4), resolveCid);
  if (scheme === "data") {
    const data = src.trim();
    return data.length <= MAX_DATA_IMAGE_CHARS && DATA_IMAGE.test(data) ? data : null;
  }
  return null;
}

/** A cid: URL holds the Content-ID URL-encoded (RFC 2392); some senders write it raw, or with its angle brackets. */
function resolvedCid(reference: string, resolveCid: (contentId: string) => string | null): string | null {
  const raw = reference.replace(/^<|>$/g, "");
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw).replace(/^<|>$/g, "");
  } catch {
    // Not valid percent-encoding: the raw form is all there is.
  }
  if (!decoded) return null;
  return resolveCid(decoded) ?? (decoded !== raw ? resolveCid(raw) : null);
}

/** How many remote resources an element asks for (each would be fetched; each is removed). */
function remoteReferences(name: string, attribs: sanitizeHtml.Attributes): number {
  let count = 0;
  if (name === "img" && (isRemote(attribs.src) || /(?:^|,)\s*(?:(?:https?|ftp):|\/\/)/i.test(attribs.srcset ?? ""))) count++;
  if (name === "link" && /\bstylesheet\b/i.test(attribs.rel ?? "") && isRemote(attribs.href)) count++;
  if (isRemote(attribs.background)) count++;
  if (attribs.style) count += remoteCssReferences(attribs.style);
  return count;
}

/** Network URLs in CSS: in url(…), and as the strings @import and image-set() take. */
const remoteCssReferences = (css: string): number => css.match(/(?:\burl\s*\(\s*["']?|["'])\s*(?:(?:https?|ftp):|\/\/)/gi)?.length ?? 0;

/**
 * What could load something, run script, or escape the mail's box, anywhere in a declaration. Escapes and
 * comments are refused whole because they can spell any of these (`u\72l(`, `expr/ * * /ession(`), var()
 * because it can carry a value in from elsewhere (position: var(--p)).
 */
const UNSAFE_DECLARATION =
  /url\s*\(|image-set\s*\(|\bimage\s*\(|cross-fade\s*\(|\bsrc\s*\(|\belement\s*\(|expression\s*\(|behavior|-moz-binding|@import|javascript:|vbscript:|\bvar\s*\(|\\|\/\*|position\s*:\s*(?:fixed|absolute)/i;

/** A property and its value; anything else in a style attribute is debris CSS would skip (and sanitize-html's parser would refuse the whole attribute for). */
const DECLARATION = /^\s*-{0,2}[a-z_][a-z0-9_-]*\s*:/i;

/** A style attribute without the declarations UNSAFE_DECLARATION names; the rest kept as written. */
function filteredStyle(style: string): string {
  return cssDeclarations(style)
    .filter((declaration) => DECLARATION.test(declaration) && !UNSAFE_DECLARATION.test(declaration))
    .map((declaration) => declaration.trim())
    .join("; ");
}

/**
 * Splits a declaration list at the semicolons outside strings and parentheses, as CSS reads it. A string
 * ended by a newline or by the end of the list makes its declaration invalid in CSS, so it is left out
 * here too. Joined back with "; ", no kept piece can run into the next to spell a refused word.
 */
function cssDeclarations(style: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quote = "";
  let parens = 0;
  let broken = false;
  const end = (i: number) => {
    if (!broken && quote === "") out.push(style.slice(start, i));
    start = i + 1;
    broken = false;
    quote = "";
    parens = 0;
  };
  for (let i = 0; i < style.length; i++) {
    const c = style[i];
    if (quote) {
      if (c === quote) quote = "";
      else if (c === "\n") {
        broken = true;
        quote = "";
      }
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "(") parens++;
    else if (c === ")") parens = Math.max(0, parens - 1);
    else if (c === ";" && parens === 0) end(i);
  }
  end(style.length);
  return out;
}

interface HtmlToTextOptions {
  wordwrap: false;
  limits: { maxDepth: number };
  selectors: { selector: string; format?: string; options?: Record<string, unknown> }[];
}
/** The element a path rewriter is called for (html-to-text has already taken "mailto:" off the href it passes). */
type TextElement = { attribs?: Record<string, string> };
/** html-to-text ships no type declarations (and there is no @types/html-to-text here), so its one function used is typed here. */
const { compile } = createRequire(import.meta.url)("html-to-text") as { compile(options: HtmlToTextOptions): (html: string) => string };

/** Links as their text with the target in brackets (only a target a link may keep), images as their alt text, the mail's own wording unchanged. */
const htmlAsText = compile({
  wordwrap: false,
  limits: { maxDepth: MAX_NESTING },
  selectors: [
    ...["head", "style", ...DROPPED_WITH_CONTENT].map((selector) => ({ selector, format: "skip" })),
    {
      selector: "a",
      options: { hideLinkHrefIfSameAsText: true, pathRewrite: (href: string, _: unknown, a: TextElement) => (safeHref(a.attribs?.href) ? href : "") },
    },
    { selector: "img", options: { pathRewrite: () => "" } },
    { selector: "table", options: { uppercaseHeaderCells: false } },
    ...HEADINGS.map((selector) => ({ selector, options: { uppercase: false } })),
  ],
});
