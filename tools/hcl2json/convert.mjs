// Prints {"<file>.tf": <HCL as JSON>, ...} for every *.tf directly in the folder given (default: terraform).
// Tests use it to check the Terraform against the table definitions in code without a Terraform binary.
//   node tools/hcl2json/convert.mjs terraform
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "@cdktf/hcl2json";

const folder = process.argv[2] ?? "terraform";
const files = (await readdir(folder)).filter((f) => f.endsWith(".tf")).sort();
if (files.length === 0) {
  console.error(`convert.mjs: no *.tf files in ${folder}`);
  process.exit(1);
}

const result = {};
for (const file of files) {
  // parse() rejects with the HCL diagnostics on a syntax error; let it end the process non-zero.
  result[file] = await parse(file, await readFile(join(folder, file), "utf8"));
}
process.stdout.write(JSON.stringify(result, null, 2) + "\n");
