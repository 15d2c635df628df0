// esbuild bundles the stylesheet the page imports into dist/observer-page.css.
declare module '*.css';
