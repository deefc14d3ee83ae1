// Vite's `?raw` imports: the file's text (the round-trip budget test reads bench/README.md).
declare module "*.md?raw" {
  const text: string;
  export default text;
}
