/** Collects describe output as leveled, tab-separated lines and aligns it the way kubectl's PrefixWriter + tabwriter do. */
import { alignCells } from './tabwriter.js';

type Item = { cells: string[] } | { raw: string };

// kubectl describe's tabwriter: minwidth 0, padding 2.
const padding = 2;

export class DescribeWriter {
  private items: Item[] = [];

  /** One line indented by `level` (two spaces each); cells align with neighbouring lines' cells. */
  line(level: number, ...cells: string[]): void {
    // A tab or newline inside a value would split cells or lines; values are shown on one line.
    const clean = cells.map((c) => c.replace(/\t/g, ' ').replace(/\r?\n/g, ' '));
    clean[0] = '  '.repeat(level) + clean[0];
    this.items.push({ cells: clean });
  }

  /** A `Title:` line followed by one entry per line in the value column, or `<none>`. */
  list(level: number, title: string, entries: string[]): void {
    if (entries.length === 0) {
      this.line(level, `${title}:`, '<none>');
      return;
    }
    this.line(level, `${title}:`, entries[0]);
    for (const e of entries.slice(1)) this.line(level, '', e);
  }

  /** Verbatim text (ConfigMap values): never aligned, and it breaks the current alignment block. */
  raw(text: string): void {
    for (const l of text.split('\n')) this.items.push({ raw: l });
  }

  blank(): void {
    this.items.push({ raw: '' });
  }

  toString(): string {
    const out: string[] = [];
    let run: string[][] = [];
    const flush = (): void => {
      out.push(...alignCells(run, padding));
      run = [];
    };
    for (const item of this.items) {
      if ('cells' in item) {
        run.push(item.cells);
      } else {
        flush();
        out.push(item.raw);
      }
    }
    flush();
    return out.map((l) => l.trimEnd()).join('\n') + '\n';
  }
}
