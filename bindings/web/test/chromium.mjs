// Debian's Chromium, headless, as the viewer's tests and its docs' pictures drive it (no
// downloaded browser): root in CI needs --no-sandbox; WebGL without a GPU through SwiftShader.
import puppeteer from "puppeteer-core";

export function launchChromium() {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--window-size=1400,800"],
  });
}
