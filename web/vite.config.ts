import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

// The NHS.UK frontend's stylesheet loads the Frutiger font from the NHS's CDN. JointCare serves
// everything itself (its Content-Security-Policy allows fonts from the server only, and the record
// is used on networks with no way out): the @font-face rules that point elsewhere are left out, and
// the design system's own fallback (Arial) is used.
function noRemoteFonts(): Plugin {
  return {
    name: "jointcare-no-remote-fonts",
    enforce: "pre",
    transform(code, id) {
      if (!id.includes("nhsuk-frontend") || !id.endsWith(".css")) return null;
      return { code: code.replace(/@font-face\{[^}]*url\(https?:[^}]*\}/g, ""), map: null };
    },
  };
}

// The C++ server serves dist/; `npm run dev` proxies the API to a running `jointcare serve`.
export default defineConfig({
  plugins: [noRemoteFonts(), react()],
  // nhsuk-frontend ships minified CSS with old-browser hacks lightningcss refuses; leave it as shipped.
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 2000, cssMinify: false },
  server: { proxy: { "/api": "http://127.0.0.1:8080", "/healthz": "http://127.0.0.1:8080" } },
});
