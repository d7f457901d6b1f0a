// Copies the pages' front-end libraries from node_modules (installed by `npm ci` from the
// lock file) into app/web/static/vendor, so the app serves every asset itself: no CDN.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "app", "web", "static", "vendor");

const packages = {
  leaflet: { files: ["dist/leaflet.js", "dist/leaflet.css", "dist/images", "LICENSE"] },
  // VectorGrid ships no LICENSE file; its package.json says Beerware.
  "leaflet.vectorgrid": { files: ["dist/Leaflet.VectorGrid.bundled.min.js", "README.md"] },
  "@geoman-io/leaflet-geoman-free": {
    dir: "geoman",
    files: ["dist/leaflet-geoman.min.js", "dist/leaflet-geoman.css", "LICENSE"],
  },
  // Charts of the municipality pages.
  "chart.js": { dir: "chartjs", files: ["dist/chart.umd.min.js", "LICENSE.md"] },
  // /docs: Swagger UI from the app's own files, so the docs work without internet.
  "swagger-ui-dist": {
    dir: "swagger-ui",
    files: ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"],
  },
};

rmSync(target, { recursive: true, force: true });
const versions = {};
for (const [name, { dir, files }] of Object.entries(packages)) {
  // Read from node_modules directly: some packages do not export their package.json.
  const source = join(root, "node_modules", name);
  const out = join(target, dir ?? name.replace(/^leaflet\./, ""));
  mkdirSync(out, { recursive: true });
  for (const file of files) {
    cpSync(join(source, file), join(out, file.replace(/^dist\//, "")), { recursive: true });
  }
  versions[name] = JSON.parse(readFileSync(join(source, "package.json"), "utf8")).version;
}
writeFileSync(join(target, "versions.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`map libraries copied to app/web/static/vendor: ${JSON.stringify(versions)}`);
