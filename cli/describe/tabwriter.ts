/**
 * Elastic tab stops with Go text/tabwriter's semantics, which kubectl describe relies on: a column is aligned
 * only across a run of consecutive lines that all have a tab-terminated cell in it, so a line without tabs
 * (a section title such as "Containers:") starts a fresh alignment block. The last cell of a line is never padded.
 */
export function alignCells(lines: string[][], padding: number): string[] {
  const out: string[] = new Array(lines.length);
  const widths: number[] = [];

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i];
      let text = '';
      for (let j = 0; j < cells.length; j++) {
        text += cells[j];
        if (j < widths.length && j < cells.length - 1) text += ' '.repeat(Math.max(0, widths[j] - cells[j].length));
      }
      out[i] = text;
    }
  };

  // Does line `i` have a tab-terminated cell at `column`?
  const inColumn = (i: number, column: number): boolean => column < lines[i].length - 1;

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (!inColumn(t, column)) continue;
      writeLines(line0, t);
      line0 = t;
      let width = 0;
      for (; t < line1 && inColumn(t, column); t++) width = Math.max(width, lines[t][column].length + padding);
      widths.push(width);
      format(line0, t);
      widths.pop();
      line0 = t;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out;
}
