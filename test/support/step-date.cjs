// A `--require` preload for a child process: each SIGUSR2 steps its wall clock (Date.now(),
// new Date()) by $CLOCK_STEP_MS (an NTP step, a VM resumed), said on stderr as "clock stepped".
// The monotonic clock (performance.now()) is left alone, as a real step leaves it.
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
let offset = 0;
class SteppedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(realNow() + offset);
    else super(...args);
  }
  static now() {
    return realNow() + offset;
  }
}
globalThis.Date = SteppedDate;
process.on('SIGUSR2', () => {
  offset += Number(process.env.CLOCK_STEP_MS);
  process.stderr.write('clock stepped\n');
});
