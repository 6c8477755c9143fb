/** The last path segment of a document URL or path (Office gives either), decoded. */
export function filenameFromUrl(url: string): string {
  const last = url.split(/[\\/]/).filter(Boolean).pop() ?? "";
  try {
    return decodeURIComponent(last.split("?")[0]);
  } catch {
    return last;
  }
}
