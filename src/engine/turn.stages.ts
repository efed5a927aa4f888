// Optional per-stage timing of one turn (the bench and profiling turn it on with `timeStages`): a lap clock
// that adds the time since the previous lap to the named stage. Off, the engine pays one null check per stage.
/** `followups`: durable work awaited after the commit (arming timers); `publish`: real-time fan-out. */
export const TURN_STAGES = [
  'load',
  'idempotency',
  'detect',
  'transition',
  'commit',
  'followups',
  'publish',
] as const;
export type TurnStage = (typeof TURN_STAGES)[number];
/** Milliseconds spent in each stage of one turn (retries after a version conflict add up). */
export type TurnStages = Record<TurnStage, number>;

export function stageClock() {
  const stages: TurnStages = {
    load: 0,
    idempotency: 0,
    detect: 0,
    transition: 0,
    commit: 0,
    followups: 0,
    publish: 0,
  };
  let last = performance.now();
  return {
    stages,
    lap(stage: TurnStage): void {
      const now = performance.now();
      stages[stage] += now - last;
      last = now;
    },
  };
}

export type StageClock = ReturnType<typeof stageClock>;
