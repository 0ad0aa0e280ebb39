// Builds the studio bundle into app/static/vendor/studio/ (committed: the app fetches nothing at run time).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

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
});

// The panel's styles and ours; bpmn-js's own CSS and font stay in vendor/bpmn-js/.
writeFileSync(new URL("studio.css", out),
  readFileSync("node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css", "utf8") + "\n" +
  readFileSync("src/studio.css", "utf8"));
copyFileSync("node_modules/bpmn-js-properties-panel/LICENSE", new URL("LICENSE-bpmn-js-properties-panel", out));
copyFileSync("node_modules/@bpmn-io/properties-panel/LICENSE", new URL("LICENSE-properties-panel", out));
copyFileSync("node_modules/bpmn-js/LICENSE", new URL("LICENSE-bpmn-js", out));
