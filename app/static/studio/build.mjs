// Builds the studio bundle into app/static/vendor/studio/ (committed: the app fetches nothing at run time).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const out = new URL("../vendor/studio/", import.meta.url);
mkdirSync(out, { recursive: true });

const bundled = {
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2019",
  legalComments: "eof",
  define: { "process.env.NODE_ENV": "\"production\"" },
};

await build({
  ...bundled,
  entryPoints: ["src/index.js"],
  outfile: new URL("studio.js", out).pathname,
});

// The decisions page's bundle (dmn-js), a second entry so the BPMN page does not load it. Its icon font
// is written beside the CSS (the page's CSP allows no data: fonts).
await build({
  ...bundled,
  entryPoints: ["src/decisions.js", "src/decisions.css"],
  loader: { ".eot": "file", ".svg": "file", ".ttf": "file", ".woff": "file", ".woff2": "file" },
  assetNames: "[name]",
  outdir: out.pathname,
});

// The panel's styles and ours; bpmn-js's own CSS and font stay in vendor/bpmn-js/.
writeFileSync(new URL("studio.css", out),
  readFileSync("node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css", "utf8") + "\n" +
  readFileSync("src/studio.css", "utf8"));
copyFileSync("node_modules/bpmn-js-properties-panel/LICENSE", new URL("LICENSE-bpmn-js-properties-panel", out));
copyFileSync("node_modules/@bpmn-io/properties-panel/LICENSE", new URL("LICENSE-properties-panel", out));
copyFileSync("node_modules/bpmn-js/LICENSE", new URL("LICENSE-bpmn-js", out));
copyFileSync("node_modules/dmn-js/LICENSE", new URL("LICENSE-dmn-js", out));
