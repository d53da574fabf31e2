import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The C++ server serves dist/; `npm run dev` proxies the API to a running `jointcare serve`.
export default defineConfig({
  plugins: [react()],
  // nhsuk-frontend ships minified CSS with old-browser hacks lightningcss refuses; leave it as shipped.
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 2000, cssMinify: false },
  server: { proxy: { "/api": "http://127.0.0.1:8080", "/healthz": "http://127.0.0.1:8080" } },
});
