// Build the patient pages' and the care-team workspace's assets into prom_service/static/vendor/
// (git-ignored; rebuilt by `make`).
//
// 1. Compile NHS.UK frontend's core plus the components the pages use (frontend/patient.scss).
// 2. Drop every selector that no template or script of ours uses (PurgeCSS), which takes the
//    stylesheet from about 100 KB to the few KB a question page needs (the 40 KB page budget).
// 3. Copy the one icon the pages reference. Nothing is fetched: inputs come from node_modules.
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { PurgeCSS } from "purgecss";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "prom_service", "static", "vendor");
const nhsuk = join(root, "node_modules", "nhsuk-frontend", "dist", "nhsuk");

const compiled = sass.compile(join(root, "frontend", "patient.scss"), {
  loadPaths: [join(root, "node_modules"), join(root, "frontend")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});

const [purged] = await new PurgeCSS().purge({
  content: [
    join(root, "prom_service", "channels", "web", "templates", "**", "*.html"),
    join(root, "prom_service", "static", "patient", "*.js"),
  ],
  css: [{ raw: compiled.css }],
  // Classes our script adds at run time, and the right-to-left rules for Arabic pages.
  safelist: { standard: ["js-enabled", "nhsuk-frontend-supported"], greedy: [/rtl/] },
  variables: true,
  keyframes: true,
  fontFace: true,
});

await mkdir(join(vendor, "images"), { recursive: true });
await writeFile(join(vendor, "patient.css"), withoutUnusedMedia(purged.css));
for (const icon of ["favicon.svg", "nhsuk-icon-cross.svg"]) {
  await copyFile(join(nhsuk, "assets", "images", icon), join(vendor, "images", icon));
}
console.log(`patient.css: ${compiled.css.length} bytes compiled, ${withoutUnusedMedia(purged.css).length} after purging`);

// The workspace (prom_service/workspace): the same steps, purged against its own templates and the chart
// module, whose SVG carries the classes it draws with.
const workspace = sass.compile(join(root, "frontend", "workspace.scss"), {
  loadPaths: [join(root, "node_modules"), join(root, "frontend")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
const [workspacePurged] = await new PurgeCSS().purge({
  content: [
    join(root, "prom_service", "workspace", "templates", "**", "*.html"),
    join(root, "prom_service", "workspace", "*.py"),
  ],
  css: [{ raw: workspace.css }],
  safelist: { standard: ["js-enabled", "nhsuk-frontend-supported"] },
  variables: true,
  keyframes: true,
  fontFace: true,
});
await writeFile(join(vendor, "workspace.css"), withoutUnusedMedia(workspacePurged.css));
console.log(`workspace.css: ${workspace.css.length} bytes compiled, ${withoutUnusedMedia(workspacePurged.css).length} after purging`);

// Print rules (a questionnaire page is not printed) and the Internet Explorer-only high-contrast query
// (forced-colors covers every browser we support) are left out: 3.5 KB the phone would fetch for nothing.
function withoutUnusedMedia(css) {
  let kept = css.replaceAll(",(-ms-high-contrast: active)", "");
  for (let start = kept.indexOf("@media print"); start >= 0; start = kept.indexOf("@media print")) {
    let depth = 0;
    let end = kept.indexOf("{", start);
    for (; end < kept.length; end += 1) {
      if (kept[end] === "{") depth += 1;
      if (kept[end] === "}" && --depth === 0) break;
    }
    kept = kept.slice(0, start) + kept.slice(end + 1);
  }
  return kept;
}

// Swagger UI for the API's OpenAPI document (/api/v1/docs): the prebuilt bundle from swagger-ui-dist,
// served from our own origin so the page loads nothing from elsewhere. flask-smorest's page asks for
// exactly these three files under OPENAPI_SWAGGER_UI_URL.
const swaggerUi = join(root, "node_modules", "swagger-ui-dist");
await mkdir(join(vendor, "swagger-ui"), { recursive: true });
for (const file of ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "LICENSE"]) {
  await copyFile(join(swaggerUi, file), join(vendor, "swagger-ui", file));
}
console.log("swagger-ui: copied from swagger-ui-dist");
