import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vite';

const api = `http://localhost:${process.env.PORT ?? 3000}`;

export default defineConfig({
  plugins: [
    // Compiles messages/*.json into typed message functions in src/lib/paraglide (not committed).
    // The UI sets the language itself (src/lib/i18n/locale.svelte.ts), so no URL or cookie strategy.
    paraglideVitePlugin({ project: './project.inlang', outdir: './src/lib/paraglide', strategy: ['globalVariable', 'baseLocale'], emitTsDeclarations: true }),
    sveltekit(),
  ],
  server: {
    port: 5173,
    // `npm run dev`: the UI on 5173 talks to the API server started beside it.
    proxy: { '/api': api, '/u': api, '/socket.io': { target: api, ws: true } },
  },
});
