/** A reason not to plan (or not to act on a plan), naming the field or input at fault. */
export class PlanInputError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'PlanInputError';
    this.field = field;
  }
}
