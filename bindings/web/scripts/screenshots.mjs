// The viewer's pictures in docs/ (docs/viewer.md), taken in headless Chromium:
//   node scripts/screenshots.mjs URL TIME OUT.png [URL TIME OUT.png ...]
// Each page is opened, paused at TIME (s; "end-N": N seconds before the end) and captured at
// 1400 x 800. scripts/docs-screenshots.sh serves the files and calls it.
import { launchChromium } from "../test/chromium.mjs";

const jobs = [];
const args = process.argv.slice(2);
for (let i = 0; i + 3 <= args.length; i += 3) jobs.push(args.slice(i, i + 3));
const browser = await launchChromium();
for (const [url, time, out] of jobs) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 800 });
  await page.goto(url);
  await page.waitForFunction(() => ["ready", "error"].includes(window.physiotwinViewer?.status), { timeout: 60000 });
  await page.evaluate((when) => {
    const clock = window.physiotwinViewer.clock;
    clock.playing = false;
    clock.seek(when.startsWith("end-") ? clock.end - Number(when.slice(4)) : Number(when));
  }, time);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await page.screenshot({ path: out });
  console.log(`screenshots: ${out}`);
  await page.close();
}
await browser.close();
