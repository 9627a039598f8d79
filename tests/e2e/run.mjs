// Browser tests of Andel's pages (issue 8 §4, issue 6 §2): headless Chromium (Debian's) driven by
// playwright-core against `andel demo` on 127.0.0.1. Each walk in tests/e2e/walks/ (in name order) checks
// every page it visits with axe-core (WCAG 2.1 AA; any violation fails), in all four languages, and saves a
// screenshot of it in BUILD_DIR/e2e/.
//
// Usage: node tests/e2e/run.mjs BUILD_DIR [WALK...]     (WALK: a file name in walks/, to run only those)
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { build, fail, results, root, shots } from "./lib.mjs";

const freePort = () =>
  new Promise((ok, bad) => {
    const s = createServer();
    s.on("error", bad);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

async function startServer() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "andel-e2e-"));
  const args = ["demo", "--config", join(root, "config"), "--database", "sqlite:" + join(dir, "andel.db"),
    "--port", String(port)];
  const server = spawn(join(build, "andel"), args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  server.stderr.on("data", (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300 && server.exitCode === null; i++) {
    try {
      if ((await fetch(base + "/readyz")).ok) return { server, base, dir };
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill("SIGKILL");
  throw new Error("andel demo did not start:\n" + log);
}

const only = process.argv.slice(3);
const walks = readdirSync(new URL("./walks", import.meta.url))
  .filter((f) => f.endsWith(".mjs") && (only.length === 0 || only.includes(f)))
  .sort();
const { server, base, dir } = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  for (const name of walks) {
    const before = results.failures;
    const started = Date.now();
    try {
      const walk = (await import(`./walks/${name}`)).default;
      await walk({ browser, base });
    } catch (e) {
      fail(`${name}: the walk stopped: ${e.stack || e}`);
    }
    const n = results.failures - before;
    console.log(`e2e ${name}: ${n ? n + " failures" : "ok"} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
} finally {
  await browser.close();
  server.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
console.log(`e2e: ${walks.length} walks, ${results.checks} checks, ${results.failures} failures; screenshots in ${shots}`);
process.exit(results.failures || walks.length === 0 ? 1 : 0);
