import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  base: './',
  plugins: [
    svelte(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      // The manifest icons are in globPatterns already; listing them twice only bloats the precache.
      includeManifestIcons: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}', 'demo/*.mbox.gz'],
        navigateFallbackDenylist: [/^\/_\//],
      },
      manifest: {
        name: 'Loupe — mail archive reader',
        short_name: 'Loupe',
        description: 'Offline reader for public-inbox mail archives such as lore.kernel.org',
        theme_color: '#1d3557',
        background_color: '#fbfbf8',
        display: 'standalone',
        id: './',
        start_url: './',
        scope: './',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: false },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
