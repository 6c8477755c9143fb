// npm run lint: typescript-eslint's recommended rules, the house's import boundaries and no import cycles;
// formatting is Prettier's (eslint-config-prettier turns off the rules it owns).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import importX, { createNodeResolver } from "eslint-plugin-import-x";
import globals from "globals";
import tseslint from "typescript-eslint";

const APPS_SCRIPT_GLOBALS = [
  "CardService",
  "GmailApp",
  "UrlFetchApp",
  "ScriptApp",
  "CacheService",
  "PropertiesService",
  "Utilities",
  "DriveApp",
  "DocumentApp",
  "SpreadsheetApp",
  "SlidesApp",
  "Session",
  "LockService",
];
const onlyIn = (where) => (name) => ({ name, message: `Platform globals belong in ${where}.` });

export default tseslint.config(
  { ignores: ["dist/**", "gmail-addon/dist/**", "node_modules/**", "test-artifacts/**", "data/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "import-x": importX },
    languageOptions: { globals: { ...globals.node } },
    // no-cycle parses the files an import leads to itself, so it needs the TypeScript parser for them.
    settings: {
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/extensions": [".ts", ".tsx", ".js"],
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".tsx", ".js"] })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Kysely's own advice: migrations see the database as it was then, not today's Database type.
    files: ["service/db/migrations/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["shared/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*", "fs", "path", "crypto", "http", "https", "stream"], message: "shared/ is pure TypeScript: no Node APIs." },
            {
              group: ["**/service/**", "**/addins/**", "**/gmail-addon/**", "**/web/**", "react", "react-dom", "@fluentui/*"],
              message: "shared/ depends on no client and not on the service.",
            },
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        ...["window", "document", "localStorage", "Office", ...APPS_SCRIPT_GLOBALS].map(onlyIn("the platform adapters, not shared/")),
      ],
    },
  },
  {
    files: ["service/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/addins/**", "**/gmail-addon/**", "**/web/**"], message: "The service imports nothing from the clients." }] },
      ],
    },
  },
  {
    // A feature reaches another feature through its service, never its repository (its tables).
    files: ["service/features/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/addins/**", "**/gmail-addon/**", "**/web/**"], message: "The service imports nothing from the clients." },
            // A sibling feature's folder, then its repository: "<up one>/<feature>/<name>.repository.ts".
            { regex: "^\\.\\./[^/]+/[^/]+\\.repository\\.ts$", message: "Call the other feature's service; its repository and tables are its own." },
          ],
        },
      ],
    },
  },
  {
    files: ["addins/src/**/*.{ts,tsx}"],
    ignores: ["addins/src/hosts/**", "addins/src/taskpane/index.tsx", "addins/src/commands/**"],
    languageOptions: { globals: { ...globals.browser } },
    rules: { "no-restricted-globals": ["error", onlyIn("addins/src/hosts/ and the entry file")("Office")] },
  },
  {
    // The web view talks to the service only over HTTP, through the shared client.
    files: ["web/src/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/service/**", "**/addins/**", "**/gmail-addon/**"], message: "web/ imports shared/ only: the service is reached over HTTP." },
          ],
        },
      ],
      "no-restricted-globals": ["error", ...["Office", ...APPS_SCRIPT_GLOBALS].map(onlyIn("the add-ins' adapters, never web/"))],
    },
  },
  {
    // Views build cards, so CardService is theirs too; every other Apps Script service stays in the adapters.
    files: ["gmail-addon/src/**/*.ts"],
    ignores: ["gmail-addon/src/adapters/**", "gmail-addon/src/main.ts"],
    rules: {
      "no-restricted-globals": ["error", ...APPS_SCRIPT_GLOBALS.filter((g) => g !== "CardService").map(onlyIn("gmail-addon/src/adapters/ and main.ts"))],
    },
  },
  {
    files: ["gmail-addon/src/**/*.ts"],
    ignores: ["gmail-addon/src/adapters/**", "gmail-addon/src/main.ts", "gmail-addon/src/views/**"],
    rules: { "no-restricted-globals": ["error", ...APPS_SCRIPT_GLOBALS.map(onlyIn("gmail-addon/src/adapters/, the views (CardService) and main.ts"))] },
  },
  prettier,
);
