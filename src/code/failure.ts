// Every step of loading (finding, reading, compiling, evaluating) either succeeds or fails
// with an Erlang-style reason (returned as `['error', reason]`) and a text for the user
// (printed, as Erlang's c/1 prints its errors and returns `error`).

export interface Failure {
  error: unknown;
  message: string;
}

export function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && 'error' in value && 'message' in value;
}
