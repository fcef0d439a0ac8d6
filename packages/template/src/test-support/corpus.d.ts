export declare function corpusRoot(): string;
export interface CorpusEntry {
  path: string;
  kind: 'hot' | 'env';
}
export interface HeatVerdict {
  template: string;
  parsed: boolean;
  valid: boolean;
  error?: string;
  resources?: Record<
    string,
    {
      type: string;
      requires: string[] | null;
    }
  >;
  implicit?: Record<string, string[]>;
  outputs?: Record<string, string[]>;
  create_order?: string[][];
  graph_source?: string;
  outputs_error?: string;
}
export declare function corpusEntries(root: string): CorpusEntry[];
export declare function heatVerdict(root: string, path: string): HeatVerdict | null;
