// The end-to-end tests run in Node (not workerd): what vitest provides them (test/receiver/global-setup.ts).
declare module "vitest" {
  export interface ProvidedContext {
    receiverUrl: string;
  }
}

export {};
