// Placeholder until the web app lands: proves the build and serving path.
const root = document.getElementById('app');
if (root) root.textContent = '민들레';
