export declare const EXAMPLE: string;
export declare const QUICK_FIX: {
  file: string;
  ruleId: string;
  anchor: string;
  fixTitle: RegExp;
  inserted: string;
};
export declare const EXPLAIN: { ruleId: string; heading: string };
export interface Expectation {
  file: string;
  line: number;
  ruleId: string;
}
export declare function readExpectations(root: string): Expectation[];
