/**
 * One problem with a template. `path` names the entry inside the template, keys and array
 * indexes joined by dots (`properties.email`, `attachments.0.text`); "" is the template itself.
 */
export type TemplateProblem = { path: string; message: string };

/** The only error rendering throws: the entry that failed and why. */
export class TemplateError extends Error {
  readonly path: string;

  constructor(path: string, message: string) {
    super(message);
    this.name = "TemplateError";
    this.path = path;
  }
}
