import { mount } from 'svelte';
import App from './app/App.svelte';
import './app/global.css';
import './app/debug';

mount(App, { target: document.getElementById('app') as HTMLElement });
