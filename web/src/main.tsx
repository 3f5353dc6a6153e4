import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'leaflet/dist/leaflet.css';
import './styles.css';
import { App } from './App.tsx';
import { ConsoleApp } from './console/Console.tsx';
import { WallStore } from './store.ts';

// One SPA, routed by path: /console is the duty officer's console, everything else the wall.
const isConsole = /^\/console(\/|$)/.test(window.location.pathname);
const store = new WallStore();
createRoot(document.getElementById('root')!).render(<StrictMode>{isConsole ? <ConsoleApp store={store} /> : <App store={store} />}</StrictMode>);
