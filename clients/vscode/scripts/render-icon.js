// Renders media/icon.svg to media/icon.png (128x128) with the system's Chromium: node scripts/render-icon.js
const { chromium } = require("playwright-core");
const fs = require("fs");
const path = require("path");

(async () => {
  const media = path.join(__dirname, "..", "media");
  const svg = fs.readFileSync(path.join(media, "icon.svg"), "utf8");
  const home = fs.mkdtempSync(path.join(require("os").tmpdir(), "unspun-icon-"));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox"],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home },
  });
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.screenshot({ path: path.join(media, "icon.png"), omitBackground: true });
  await browser.close();
  fs.rmSync(home, { recursive: true, force: true });
})();
