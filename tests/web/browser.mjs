// Shared by the browser tests and the page timings: Debian's Chromium through playwright-core
// (installed in web/node_modules), started as this machine needs, and signing in as a demo user.
import { createRequire } from "node:module";
import path from "node:path";

export async function launchChromium(webDir) {
  const require = createRequire(path.join(path.resolve(webDir), "package.json"));
  const { chromium } = require("playwright-core");
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

export async function signIn(page, context, base, username, password = "jointcare-demo") {
  await context.clearCookies();
  await page.goto(`${base}/`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}
