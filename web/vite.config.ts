/**
 * Builds the lab (`index.html`), the runs dashboard (`runs.html`, read from `saddlepoint serve`)
 * and the theory pages (`theory.html`) into `web/dist/` as plain files (hostable anywhere,
 * relative URLs). The tfjs wasm backend fetches its `.wasm` binaries at run time from a folder it
 * is told; this config copies them next to the worker script (`assets/tfjs/`) and serves them
 * there in dev.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist';
const wasmFiles = readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'));

function tfjsWasm(): Plugin {
  return {
    name: 'saddlepoint-tfjs-wasm',
    generateBundle() {
      for (const file of wasmFiles) this.emitFile({ type: 'asset', fileName: `assets/tfjs/${file}`, source: readFileSync(join(wasmDist, file)) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = wasmFiles.find((f) => req.url?.split('?')[0].endsWith(`/tfjs/${f}`));
        if (!file) return next();
        res.setHeader('Content-Type', 'application/wasm');
        res.end(readFileSync(join(wasmDist, file)));
      });
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [tfjsWasm()],
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rollupOptions: { input: { lab: join(import.meta.dirname, 'index.html'), runs: join(import.meta.dirname, 'runs.html'), theory: join(import.meta.dirname, 'theory.html') } },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
