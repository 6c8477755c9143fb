// A thread of comments with a form for a new one: on a document's page and on a task's. Danish first; every key in both languages.
export const da = {
  "web.comments.none": "Ingen kommentarer endnu.",
  "web.comments.by": "{name}, {at}",
  "web.comments.new": "Ny kommentar",
  "web.comments.empty": "Skriv en kommentar.",
  "web.comments.add": "Tilføj kommentar",
} as const;

export const en: Record<keyof typeof da, string> = {
  "web.comments.none": "No comments yet.",
  "web.comments.by": "{name}, {at}",
  "web.comments.new": "New comment",
  "web.comments.empty": "Write a comment.",
  "web.comments.add": "Add comment",
};
