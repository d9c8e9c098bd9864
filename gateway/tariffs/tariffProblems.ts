/** One thing wrong with a tariff, named precisely enough for an operator to fix it. */
export interface TariffProblem {
  /** Stable: MATRIX_PAIR_MISSING, UNKNOWN_STATION, PERIODS_OVERLAP, ... (docs/api.md, "Tariffs"). */
  code: string;
  /** Where in the request body, dotted: data.fare.fares.M1-01. */
  path: string;
  message: string;
}

export const problem = (code: string, path: string, message: string): TariffProblem => ({ code, path, message });
