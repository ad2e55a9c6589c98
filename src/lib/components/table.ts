/** A DataTable column: `sort` is the key the API sorts by, when the column is sortable. */
export interface Column {
  key: string;
  label: string;
  sort?: string;
  align?: 'left' | 'right' | 'center';
  width?: string;
}

export type SortDir = 'asc' | 'desc';
