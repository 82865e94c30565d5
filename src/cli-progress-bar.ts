import cliProgress from 'cli-progress';

/** A progress bar on stderr for a CLI job ('12/340 comptes'), started on the first report. */
export function progressBar(unit: string): {
  onProgress: (done: number, total: number) => void;
  stop: () => void;
} {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `  {bar} {value}/{total} ${unit}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
