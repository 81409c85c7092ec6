// Preloaded (`--require`) into the provider host the harness spawns. The harness keeps the child's stdin open as a
// pipe; when the harness process dies without closing the host (crash, SIGKILL of a test worker), the pipe closes and
// the host exits instead of lingering as an orphan gRPC server. `unref` keeps stdin from holding the event loop open.

process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
process.stdin.unref();
