import { mount } from 'svelte';
import App from './app/App.svelte';
import './app/global.css';
import './app/debug';
import { pwa } from './app/pwa.svelte';

mount(App, { target: document.getElementById('app') as HTMLElement });
void pwa.start();
