import DOMPurify from "dompurify";
import { firstBytes } from "./upload.ts";

// A saved mail's HTML body, made safe a second time here in the browser before it is shown in a sandboxed
// frame. The service has sanitised it already (mail-body.ts); this pass does not trust that: no script, no
// form, no element that embeds anything, no style that could load something, no image but the mail's own
// parts (fetched here and written in as data: URLs, since the sandboxed frame has no session to fetch them
// with) and small data: images, and links that go nowhere (the frame may not open windows, and a link
// followed inside it would load a remote page into the archive's view).

/** The mail's own images, by the part URL the service wrote into its body. */
export type InlineImages = ReadonlyMap<string, string>;

const FORBID_TAGS = [
  ...["script", "style", "link", "meta", "base", "title", "noscript", "template"],
  ...["form", "input", "button", "textarea", "select", "option", "datalist", "output", "fieldset"],
  ...["iframe", "frame", "frameset", "object", "embed", "applet", "portal"],
  ...["svg", "math", "video", "audio", "source", "track", "picture", "canvas", "image", "map", "area"],
];
const FORBID_ATTR = ["srcset", "background", "poster", "action", "formaction", "ping", "lowsrc", "dynsrc", "longdesc", "usemap", "xlink:href"];
// A declaration that names any of these could load something, or hide one of them: the style goes whole.
const UNSAFE_STYLE = /url\s*\(|image-set|@import|expression\s*\(|behavio(u)?r\s*:|-moz-binding|\\|\/\*|var\s*\(/i;
const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i;
const SAFE_LINK = /^(?:https?:|mailto:)/i;

/** The part URLs a mail's body shows as images, among `parts` (the mail's own parts): the ones to fetch. */
export function imageSources(html: string, partUrls: ReadonlySet<string>): string[] {
  const doc = new DOMParser().parseFromString(html, "text/html"); // an inert document: nothing in it loads
  const found = [...doc.querySelectorAll("img[src]")].map((img) => img.getAttribute("src") ?? "").filter((src) => partUrls.has(src));
  return [...new Set(found)];
}

/**
 * The mail's body as a whole document for `<iframe sandbox="" srcdoc>`: sanitised again, its own images in
 * place (`images`), nothing else that loads, links inert (their address kept as a tooltip), and a CSP of
 * its own that allows nothing but those images and inline style, in case anything slipped through.
 */
export function mailDocument(html: string, images: InlineImages, language: string): string {
  const purify = DOMPurify(window);
  purify.addHook("afterSanitizeAttributes", (node) => {
    if (!(node instanceof Element)) return;
    const style = node.getAttribute("style");
    if (style !== null && UNSAFE_STYLE.test(style)) node.removeAttribute("style");
    if (node.tagName === "IMG") {
      const src = node.getAttribute("src") ?? "";
      const inlined = images.get(src) ?? (DATA_IMAGE.test(src.trim()) ? src.trim() : null);
      if (inlined) node.setAttribute("src", inlined);
      else node.replaceWith(node.ownerDocument.createTextNode(node.getAttribute("alt") ?? ""));
    }
    if (node.tagName === "A") {
      const href = node.getAttribute("href");
      for (const name of ["href", "target", "rel", "download", "ping"]) node.removeAttribute(name);
      if (href && SAFE_LINK.test(href.trim())) node.setAttribute("title", href.trim());
    }
  });
  const body = purify.sanitize(html, {
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    WHOLE_DOCUMENT: false,
    RETURN_TRUSTED_TYPE: false,
  });
  return [
    "<!doctype html>",
    `<html lang="${language === "en" ? "en" : "da"}"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    '<meta name="referrer" content="no-referrer">',
    "<style>body{margin:12px;font-family:'Segoe UI',system-ui,sans-serif;font-size:14px;line-height:1.4;color:#242424;background:#fff;overflow-wrap:anywhere}",
    "img{max-width:100%;height:auto}a{color:#115ea3;text-decoration:underline}table{max-width:100%}pre{white-space:pre-wrap}</style>",
    `</head><body>${body}</body></html>`,
  ].join("");
}

/** At most this many of a mail's images are fetched for its preview, each at most this large. */
const MAX_IMAGES = 40;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const RASTER = /^image\/(?:png|jpeg|gif|webp)$/;

/** The mail's own images as data: URLs, fetched with the page's session; any that fail or are not plain raster images are left out. */
export async function fetchInlineImages(urls: string[], signal?: AbortSignal): Promise<InlineImages> {
  const out = new Map<string, string>();
  await Promise.all(
    urls.slice(0, MAX_IMAGES).map(async (url) => {
      try {
        const res = await fetch(`${url}?inline=1`, { credentials: "same-origin", signal });
        const type = (res.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
        if (!res.ok || !RASTER.test(type)) return;
        const bytes = await firstBytes(res, MAX_IMAGE_BYTES + 1);
        if (bytes.length > MAX_IMAGE_BYTES) return;
        out.set(url, `data:${type};base64,${base64(bytes)}`);
      } catch {
        // An image that cannot be fetched is shown as its alt text.
      }
    }),
  );
  return out;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
