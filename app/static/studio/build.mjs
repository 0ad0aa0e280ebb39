// Builds the studio bundle into app/static/vendor/studio/ (committed: the app fetches nothing at run time).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

// The panel packages declare no "sideEffects": false, so esbuild would keep all of them (the Camunda
// and Zeebe providers, the FEEL editor); they have none, so let it drop what we do not use.
const PURE = /node_modules\/(bpmn-js-properties-panel|@bpmn-io\/properties-panel|@bpmn-io\/feel-[a-z]+|@bpmn-io\/lang-feel|@bpmn-io\/lezer-feel|@codemirror\/[a-z]+|@lezer\/[a-z]+|@camunda\/feel-builtins)\//;
const sideEffectFree = {
  name: "side-effect-free",
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === "inner") return undefined;
      const result = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: "inner" });
      if (result.errors.length || !PURE.test(result.path)) return result;
      return { ...result, sideEffects: false };
    });
  },
};

const out = new URL("../vendor/studio/", import.meta.url);
mkdirSync(out, { recursive: true });

await build({
  entryPoints: ["src/index.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2019",
  legalComments: "eof",
  define: { "process.env.NODE_ENV": "\"production\"" },
  outfile: new URL("studio.js", out).pathname,
  plugins: [sideEffectFree],
});

// The panel's styles and ours; bpmn-js's own CSS and font stay in vendor/bpmn-js/.
writeFileSync(new URL("studio.css", out),
  readFileSync("node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css", "utf8") + "\n" +
  readFileSync("src/studio.css", "utf8"));
copyFileSync("node_modules/bpmn-js-properties-panel/LICENSE", new URL("LICENSE-bpmn-js-properties-panel", out));
copyFileSync("node_modules/@bpmn-io/properties-panel/LICENSE", new URL("LICENSE-properties-panel", out));
copyFileSync("node_modules/bpmn-js/LICENSE", new URL("LICENSE-bpmn-js", out));
