// Preloaded (`--require`) into every Pulumi program the fake engine runs.
//
// Node 20.20.2 bug (nodejs/node#64011, fixed upstream by #64022): `util.inspect(err, { colors: true })` loops in
// `markNodeModules` on source-mapped SDK stack frames, spends ~15 s and ~3 GB of heap, then throws RangeError.
// `@pulumi/pulumi/cmd/run/error.js` formats every program error that way (twice), so each failing run cost ~30 s.
// Forcing `colors: false` for Errors avoids the loop. It must load before the SDK: error.js copies `util` exports
// through `__importStar` when it is first required.

const util = require("node:util");

const original = util.inspect;
function inspect(value, ...rest) {
  const opts = rest[0];
  if (value instanceof Error && opts !== null && typeof opts === "object" && opts.colors) {
    rest[0] = { ...opts, colors: false };
  }
  return original.call(this, value, ...rest);
}
for (const key of Reflect.ownKeys(original)) {
  if (key === "length" || key === "name" || key === "prototype") continue;
  Object.defineProperty(inspect, key, Object.getOwnPropertyDescriptor(original, key));
}
util.inspect = inspect;
