// Bundles the map's own ES modules (app/web/static/map/*.js, entry main.js) into one file
// with esbuild, so that a first visit asks for one script instead of twenty. The modules
// stay the source (tests, ESLint and the item page import them); the bundle is built.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "app", "web", "static", "vendor", "bundle", "map.js");

await build({
  entryPoints: [join(root, "app", "web", "static", "map", "main.js")],
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: true,
  legalComments: "none",
  outfile: out,
  logLevel: "warning",
});
console.log("map modules bundled into app/web/static/vendor/bundle/map.js");
