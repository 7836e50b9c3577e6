import { startShell } from './shell/app'

// The entry electron-vite builds into out/main/index.js. The shell finds the renderer and the
// preload beside this bundle, so it is handed this file's directory.
startShell(__dirname)
