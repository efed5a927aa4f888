// Stylesheets are bundled as text (esbuild's text loader, client.bundle.ts) and adopted at run time.
declare module '*.css' {
  const css: string;
  export default css;
}
