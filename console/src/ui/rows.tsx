/** A row of a list being edited in place (form fields, mapping entries): changed, moved, removed. */

export function updateRow<R>(rows: readonly R[], index: number, change: Partial<R>): R[] {
  return rows.map((row, i) => (i === index ? { ...row, ...change } : row));
}

/** Move up, move down and remove one row, each button naming the row for screen readers. */
export function RowTools<R>({
  rows,
  onRows,
  index,
  title,
  remove = "Remove",
}: {
  rows: readonly R[];
  onRows: (rows: R[]) => void;
  index: number;
  title: string;
  remove?: string;
}) {
  const move = (by: number) => {
    const next = [...rows];
    const [row] = next.splice(index, 1);
    next.splice(index + by, 0, row);
    onRows(next);
  };
  return (
    <div class="row-tools">
      <button type="button" disabled={index === 0} onClick={() => move(-1)}>
        Move up<span class="sr-only"> {title}</span>
      </button>
      <button type="button" disabled={index === rows.length - 1} onClick={() => move(1)}>
        Move down<span class="sr-only"> {title}</span>
      </button>
      <button
        type="button"
        class="danger"
        onClick={() => onRows(rows.filter((_, i) => i !== index))}
      >
        {remove}
        <span class="sr-only"> {title}</span>
      </button>
    </div>
  );
}
