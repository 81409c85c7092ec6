#!/usr/bin/env node
// Links this checkout into its own node_modules as `pulumi-zenlayer-vm`.
// Why: the provider code that Pulumi stores in state (`__provider`) loads its implementation with
// `require("pulumi-zenlayer-vm/provider")`, resolved from the stack's folder. In a user's stack the
// package sits in node_modules; in this checkout (tests, examples, the top-level stack) this link
// plays that part. A package cannot require itself by name from code loaded as a string.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
if (root.split(path.sep).includes("node_modules")) process.exit(0); // installed as a dependency
const link = path.join(root, "node_modules", "pulumi-zenlayer-vm");
if (!fs.existsSync(path.join(root, "node_modules"))) process.exit(0);
try {
  if (fs.lstatSync(link).isSymbolicLink()) process.exit(0);
} catch {
  // no link yet
}
fs.symlinkSync("..", link, "dir");
