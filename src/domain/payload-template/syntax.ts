/**
 * The grammar of one template string. A string is literal text with placeholders:
 *
 *   placeholder = "{{" path ( "|" filter )* "}}"        spaces allowed between the parts
 *   path        = name ( "." name )*                     name: letters, digits, _ and -
 *   filter      = filter-name [ ":" literal ( "," literal )* ]
 *   literal     = a JSON string in double quotes | a JSON number | true | false | null
 *
 * "{{" always opens a placeholder (there is no escape); a "}}" outside one is plain text.
 * Only syntax is judged here: which filters and fields exist is validate.ts's business.
 */

export type Literal = string | number | boolean | null;

export type FilterCall = { name: string; args: Literal[] };

export type Placeholder = { path: string[]; filters: FilterCall[] };

/** Literal text, or a placeholder. */
export type Segment = string | Placeholder;

export type ParseResult = { ok: true; segments: Segment[] } | { ok: false; message: string };

const NAME = /[A-Za-z0-9_-]+/y;
const FILTER_NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\]|\\[\s\S])*"/y;
const KEYWORD = /(?:true|false|null)\b/y;
const SPACES = /\s*/y;

/** Why a parse stopped; caught by parseTemplateString and returned, never thrown to callers. */
class SyntaxProblem {
  constructor(readonly message: string) {}
}

export function parseTemplateString(text: string): ParseResult {
  const segments: Segment[] = [];
  let position = 0;
  try {
    while (position < text.length) {
      const open = text.indexOf("{{", position);
      if (open === -1) {
        segments.push(text.slice(position));
        break;
      }
      if (open > position) segments.push(text.slice(position, open));
      const cursor = new Cursor(text, open);
      segments.push(cursor.placeholder());
      position = cursor.position;
    }
  } catch (error) {
    if (error instanceof SyntaxProblem) return { ok: false, message: error.message };
    throw error;
  }
  return { ok: true, segments };
}

/** Reads one placeholder from its "{{" on; `position` ends after its "}}". */
class Cursor {
  position: number;

  constructor(
    private readonly text: string,
    private readonly start: number,
  ) {
    this.position = start + 2;
  }

  placeholder(): Placeholder {
    this.spaces();
    const path = [this.expect(NAME, "a field name")];
    while (this.take(".")) path.push(this.expect(NAME, 'a field name after "."'));
    const filters: FilterCall[] = [];
    this.spaces();
    while (this.take("|")) {
      this.spaces();
      const name = this.expect(FILTER_NAME, 'a filter name after "|"');
      this.spaces();
      const args: Literal[] = [];
      if (this.take(":")) {
        do {
          this.spaces();
          args.push(this.literal());
          this.spaces();
        } while (this.take(","));
      }
      filters.push({ name, args });
    }
    if (!this.take("}}")) this.fail('"|" or "}}"');
    return { path, filters };
  }

  private literal(): Literal {
    const string = this.match(STRING);
    if (string !== null) {
      try {
        return JSON.parse(string) as string;
      } catch {
        throw new SyntaxProblem(
          `The string at character ${this.position - string.length + 1} is not a valid JSON string.`,
        );
      }
    }
    if (this.text[this.position] === '"') {
      throw new SyntaxProblem(`The string at character ${this.position + 1} has no closing quote.`);
    }
    const number = this.match(NUMBER);
    if (number !== null) {
      const value = Number(number);
      if (!Number.isFinite(value)) {
        throw new SyntaxProblem(
          `The number at character ${this.position - number.length + 1} is too large.`,
        );
      }
      return value;
    }
    const keyword = this.match(KEYWORD);
    if (keyword !== null) return keyword === "null" ? null : keyword === "true";
    return this.fail("a literal (a string in double quotes, a number, true, false or null)");
  }

  private expect(pattern: RegExp, what: string): string {
    return this.match(pattern) ?? this.fail(what);
  }

  private fail(what: string): never {
    if (this.position >= this.text.length) {
      throw new SyntaxProblem(
        `The placeholder at character ${this.start + 1} has no closing "}}".`,
      );
    }
    const found = this.text.slice(this.position, this.position + 12);
    throw new SyntaxProblem(
      `Expected ${what} at character ${this.position + 1}, found "${found}".`,
    );
  }

  private take(token: string): boolean {
    if (!this.text.startsWith(token, this.position)) return false;
    this.position += token.length;
    return true;
  }

  private spaces(): void {
    this.match(SPACES);
  }

  private match(pattern: RegExp): string | null {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.text);
    if (found === null) return null;
    this.position += found[0].length;
    return found[0];
  }
}
