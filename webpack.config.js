// Builds the Office add-ins (addins/src) into dist/addins, which the archive service serves under /addins/,
// and the web view (web/src) into dist/web, which it serves at / and every deep link.
//   npm run build:addins   both production bundles (minified, tree-shaken, content-hashed file names)
//   npm run dev:addins     https://localhost:3001/addins/taskpane.html with office-addin-dev-certs; /api → :3000
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import HtmlWebpackPlugin from "html-webpack-plugin";
import webpack from "webpack";

const root = path.dirname(fileURLToPath(import.meta.url));
const assetsDir = path.join(root, "addins", "assets");
const DEV_PORT = 3001;

/** Copies addins/assets/*.png (the manifests' icons) to dist/addins/assets/ under their stable names. */
class CopyIconsPlugin {
  apply(compiler) {
    compiler.hooks.thisCompilation.tap("CopyIcons", (compilation) => {
      compilation.hooks.processAssets.tap({ name: "CopyIcons", stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        compilation.contextDependencies.add(assetsDir);
        for (const name of fs.readdirSync(assetsDir).filter((n) => n.endsWith(".png"))) {
          const file = path.join(assetsDir, name);
          compilation.fileDependencies.add(file);
          compilation.emitAsset(`assets/${name}`, new webpack.sources.RawSource(fs.readFileSync(file)));
        }
      });
    });
  }
}

/** Prints each entry's JavaScript size gzipped: the number the task pane's and the web view's size budgets are about. */
class GzipSizePlugin {
  constructor(label = "add-in") {
    this.label = label;
  }

  apply(compiler) {
    compiler.hooks.thisCompilation.tap("GzipSize", (compilation) => {
      compilation.hooks.processAssets.tap({ name: "GzipSize", stage: webpack.Compilation.PROCESS_ASSETS_STAGE_REPORT }, () => {
        for (const [name, entry] of compilation.entrypoints) {
          const bytes = entry
            .getFiles()
            .filter((f) => f.endsWith(".js"))
            .map((f) => compilation.getAsset(f).source.buffer());
          const raw = bytes.reduce((n, b) => n + b.length, 0);
          const gzip = bytes.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
          console.log(`${this.label} entry ${name}: ${(raw / 1024).toFixed(1)} KiB, ${(gzip / 1024).toFixed(1)} KiB gzip`);
        }
      });
    });
  }
}

/**
 * Writes each JavaScript file once more brotli- and gzip-compressed (name.js.br, name.js.gz) at the highest
 * levels, so the service sends the smaller form a browser accepts without compressing on every request.
 */
class PrecompressPlugin {
  apply(compiler) {
    compiler.hooks.thisCompilation.tap("Precompress", (compilation) => {
      compilation.hooks.processAssets.tap({ name: "Precompress", stage: webpack.Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_TRANSFER }, () => {
        for (const asset of compilation.getAssets().filter((a) => a.name.endsWith(".js"))) {
          const bytes = asset.source.buffer();
          const brotli = brotliCompressSync(bytes, {
            params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
          });
          compilation.emitAsset(`${asset.name}.br`, new webpack.sources.RawSource(brotli));
          compilation.emitAsset(`${asset.name}.gz`, new webpack.sources.RawSource(gzipSync(bytes, { level: 9 })));
        }
      });
    });
  }
}

/** HTTPS for the dev server with the Office dev certificate (`npx office-addin-dev-certs install` trusts its CA). */
async function devServerHttps() {
  const devCerts = await import("office-addin-dev-certs");
  try {
    return await devCerts.getHttpsServerOptions();
  } catch (err) {
    // Without admin rights (containers, CI) the CA cannot be trusted, but the generated certificate still serves.
    const dir = path.join(os.homedir(), ".office-addin-dev-certs");
    if (!fs.existsSync(path.join(dir, "localhost.crt"))) throw err;
    console.warn(`${err.message}\nServing with the untrusted certificate in ${dir}; Office needs \`npx office-addin-dev-certs install\`.`);
    const read = (name) => fs.readFileSync(path.join(dir, name));
    return { ca: read("ca.crt"), cert: read("localhost.crt"), key: read("localhost.key") };
  }
}

// The dev server is for the add-ins only; a build makes both.
export default async (env, argv) => {
  const production = argv.mode !== "development";
  const serving = Boolean(env.WEBPACK_SERVE);
  const addins = await addinsConfig(production, serving);
  return serving ? addins : [addins, webConfig(production)];
};

async function addinsConfig(production, serving) {
  return {
    mode: production ? "production" : "development",
    context: root,
    entry: {
      taskpane: "./addins/src/taskpane/index.tsx",
      commands: "./addins/src/commands/commands.ts",
    },
    output: {
      path: path.join(root, "dist", "addins"),
      // Hashed names are cached for a year by the service; the HTML that names them is never cached.
      filename: production ? "[name].[contenthash:10].js" : "[name].js",
      chunkFilename: production ? "[name].[contenthash:10].js" : "[name].js",
      // Relative URLs: the same build works under /addins/ on any host and behind a path prefix.
      publicPath: "",
      clean: true,
    },
    // Office runs panes in WebView2 (Windows), WKWebView (Mac) or the browser (Office on the web).
    target: ["web", "es2020"],
    // Unchanged modules come from node_modules/.cache/webpack, so `npm start`'s rebuild redoes only what changed.
    cache: { type: "filesystem", buildDependencies: { config: [fileURLToPath(import.meta.url)] } },
    devtool: production ? "source-map" : "eval-cheap-module-source-map",
    resolve: { extensions: [".ts", ".tsx", ".js"] },
    module: {
      rules: [typeScriptRule("addins")],
    },
    plugins: [
      new HtmlWebpackPlugin({ filename: "taskpane.html", template: "./addins/src/taskpane/taskpane.html", chunks: ["taskpane"] }),
      new HtmlWebpackPlugin({ filename: "commands.html", template: "./addins/src/commands/commands.html", chunks: ["commands"] }),
      new CopyIconsPlugin(),
      ...(production ? [new GzipSizePlugin()] : []),
    ],
    optimization: { usedExports: true, sideEffects: true, minimize: production },
    performance: production
      ? {
          // The pane aims at 200 KB gzip; Fluent UI + React minify to roughly three times that uncompressed.
          hints: "warning",
          maxEntrypointSize: 700 * 1024,
          maxAssetSize: 700 * 1024,
          assetFilter: (file) => file.endsWith(".js"),
        }
      : false,
    devServer: serving
      ? {
          port: DEV_PORT,
          server: { type: "https", options: await devServerHttps() },
          devMiddleware: { publicPath: "/addins/" },
          static: false,
          // The pane calls the API on the origin it was loaded from: here the dev server, which forwards to the service.
          proxy: [{ context: ["/api"], target: `http://localhost:${process.env.PORT || 3000}` }],
          open: false,
          client: { overlay: { warnings: false } },
        }
      : undefined,
  };
}

/** Transpiles an app's TypeScript (`<app>/src` and `shared/`) with its own tsconfig; `npm test` type-checks it with `tsc -p <app>/tsconfig.json`. */
function typeScriptRule(app) {
  return {
    test: /\.tsx?$/,
    include: [path.join(root, app, "src"), path.join(root, "shared")],
    use: {
      loader: "ts-loader",
      options: {
        configFile: path.join(root, app, "tsconfig.json"),
        transpileOnly: true,
        // allowImportingTsExtensions is for the type-check only; transpiling keeps the .ts/.tsx specifiers as written.
        compilerOptions: { noEmit: false, allowImportingTsExtensions: false, sourceMap: true },
      },
    },
  };
}

/** The web view: one page for every path, so its assets are named from the root (/app.….js), not relative to a deep link. */
function webConfig(production) {
  return {
    name: "web",
    mode: production ? "production" : "development",
    context: root,
    entry: { app: "./web/src/index.tsx" },
    output: {
      path: path.join(root, "dist", "web"),
      filename: production ? "[name].[contenthash:10].js" : "[name].js",
      chunkFilename: production ? "[name].[contenthash:10].js" : "[name].js",
      publicPath: "/",
      clean: true,
    },
    target: ["web", "es2020"],
    cache: { type: "filesystem", buildDependencies: { config: [fileURLToPath(import.meta.url)] } },
    devtool: production ? "source-map" : "eval-cheap-module-source-map",
    resolve: { extensions: [".ts", ".tsx", ".js"] },
    module: {
      rules: [typeScriptRule("web")],
    },
    plugins: [
      new HtmlWebpackPlugin({ filename: "index.html", template: "./web/index.html" }),
      ...(production ? [new GzipSizePlugin("web"), new PrecompressPlugin()] : []),
    ],
    optimization: { usedExports: true, sideEffects: true, minimize: production },
    performance: production
      ? { hints: "warning", maxEntrypointSize: 700 * 1024, maxAssetSize: 700 * 1024, assetFilter: (file) => file.endsWith(".js") }
      : false,
  };
}
