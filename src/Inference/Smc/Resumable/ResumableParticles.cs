using Ppl.Modeling;

namespace Ppl.Inference.Smc;

/// <summary>
/// Bootstrap SMC on a generated model's resumable executions, driven on flat arrays: the same algorithm, random
/// streams and result as <see cref="SmcEngine"/> over <see cref="ResumableFunction{TArgs, TRet}"/> (so the log evidence,
/// returns and per-pause records are identical under a seed), without a trace, an <c>Update</c> and a population per
/// particle-step. The generic path clones every particle's execution at every step, because a trace may be shared by
/// resampling and must stay valid; here nothing outside the run sees an execution until the end, so a particle advances
/// its execution in place and an execution is cloned only for the extra offspring of a resampled parent.
/// Used for plain random streams; under the exact enumerator the generic path runs (its draws must be one walk).
/// </summary>
internal static class ResumableParticles
{
    /// <summary>Runs bootstrap SMC; see <see cref="ResumableSmc"/>.</summary>
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(ResumableFunction<TArgs, TRet> function, TArgs args, int n,
        SmcOptions smc, string algorithm, Rng rng, RunOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(smc.Steps, 0);
        var model = function.Model;
        // Sequential.Start: the execution at pause 0, shared by every particle (Start draws nothing).
        var start = model.Start(args);
        var x = new ResumableExecution<TRet>[n];
        Array.Fill(x, start);
        var pauses = new int[n];
        var lw = new double[n];
        Array.Fill(lw, -Math.Log(n));
        var streams = new Rng[n];
        for (var i = 0; i < n; i++) streams[i] = new Rng(0);
        var ancestors = new int[n];
        var weights = new double[n];
        var seen = new int[n];
        var runs = new bool[n];
        var scratch = new ResumableExecution<TRet>[n];
        var scratchPauses = new int[n];
        var pool = new Pool<TRet>(n);
        var records = new List<SmcStep>();
        var ancestry = new List<int[]?>();
        var steps = smc.Steps;
        for (var k = 1; k <= steps; k++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            AdvanceAll(x, pauses, lw, runs, streams, pool, rng, options, finish: false);
            var logEvidence = LogEvidence(lw);
            var done = true;
            for (var i = 0; i < n && done; i++) done = x[i].Finished || double.IsNegativeInfinity(lw[i]);
            var resampled = false;
            // The normalised weights, once: the ESS and the resampler use the same values (Population computes them twice).
            var ess = Ess(lw, logEvidence, weights);
            // The resampling transform of SmcEngine.Resampling; Resample leaves a population of zero evidence as it is.
            if (!done && !double.IsNegativeInfinity(logEvidence) &&
                (smc.EssThreshold >= 1 || (smc.EssThreshold > 0 && ess < smc.EssThreshold * n)))
            {
                smc.Resampler.Ancestors(weights, ancestors, rng);
                Gather(x, scratch, ancestors);
                Gather(pauses, scratchPauses, ancestors);
                pool.Release(scratch, x);
                Array.Fill(lw, logEvidence - Math.Log(n));
                resampled = true;
            }
            if (double.IsNegativeInfinity(logEvidence))
                throw new InferenceException(
                    $"SMC on '{model.Function.Name}': every one of the {n} particle weights is zero at pause {k}; the observations there have zero density under every particle. Check them against the model's support, or use more particles.");
            ancestry.Add(resampled ? (int[])ancestors.Clone() : null);
            records.Add(new SmcStep(k, ess, resampled, logEvidence, resampled ? Distinct(ancestors, seen, k) : n));
            options.Progress?.Report(new Progress(k, steps == int.MaxValue ? k + (done ? 0 : 1) : steps));
            if (done) break;
        }
        AdvanceAll(x, pauses, lw, runs, streams, pool, rng, options, finish: true);
        return new SmcResult<TArgs, TRet>(model.Function, args, algorithm, Population(function, args, x, pauses, lw), records, ancestry);
    }

    /// <summary>
    /// Sequential.AdvanceAll / FinishAll: every live particle runs to its next pause (or to the end), with stream i split
    /// from <paramref name="rng"/> in index order, and its log weight grows by the new observations' densities.
    /// </summary>
    private static void AdvanceAll<TRet>(ResumableExecution<TRet>[] x, int[] pauses, double[] lw, bool[] runs, Rng[] streams, Pool<TRet> pool,
        Rng rng, RunOptions options, bool finish)
    {
        var n = x.Length;
        var all = true;
        for (var i = 0; i < n && all; i++) all = x[i].Finished;
        if (all) return;
        options.Cancellation.ThrowIfCancellationRequested();
        for (var i = 0; i < n; i++) rng.SplitInto(streams[i]);
        // Which particles run, and how many of them hold each execution (offspring of one parent share it).
        // Decided here, before anything moves: the body's threads must not read an execution a sibling is advancing.
        var pass = pool.NextPass();
        for (var i = 0; i < n; i++)
        {
            var e = x[i];
            if (!(runs[i] = Runs(e, pauses[i], lw[i]))) continue;
            if (e.Stamp != pass)
            {
                // First holder seen in this pass: reset the counters.
                e.Stamp = pass;
                e.Holders = 0;
                e.Claims = 0;
                e.Copies = 0;
            }
            e.Holders++;
        }
        ParallelWork.For(n, options, WorkUnit.Particle, i =>
        {
            if (!runs[i]) return;
            var target = finish || pauses[i] == int.MaxValue ? int.MaxValue : pauses[i] + 1;
            var e = Own(x[i], pool);
            var weight = 0.0;
            while (!e.Finished && e.ScorePoints < target) weight += e.Advance(streams[i]);
            if (!ReferenceEquals(e, x[i])) x[i] = e;
            pauses[i] = target;
            lw[i] += weight;
        }, sequential: n < 8);
        pool.Settle();
        for (var i = 0; i < n; i++)
            if (double.IsNaN(lw[i]) || double.IsPositiveInfinity(lw[i]))
                throw new ArgumentException($"Particle {i} has log weight {lw[i]}.");
    }

    /// <summary>
    /// Sequential.MoveTo's test: finished runs, runs already ruled out (score −∞) and particles of weight zero stay as they
    /// are, and so does a particle already at the target (a finished-trace update at the same arguments).
    /// </summary>
    private static bool Runs<TRet>(ResumableExecution<TRet> e, int pauses, double lw) =>
        !e.Finished && !double.IsNegativeInfinity(e.Score) && !double.IsNegativeInfinity(lw) && pauses != int.MaxValue;

    /// <summary>
    /// The execution this particle may advance in place: its own when no other particle runs it this step; otherwise a
    /// clone, except for the last of its holders to claim it, which takes the original once every other holder has
    /// copied it (holders run in parallel, so the original must not move while a sibling copies it).
    /// </summary>
    private static ResumableExecution<TRet> Own<TRet>(ResumableExecution<TRet> e, Pool<TRet> pool)
    {
        if (e.Holders == 1) return e;
        var claim = Interlocked.Increment(ref e.Claims);
        if (claim < e.Holders)
        {
            try
            {
                return pool.Copy(e);
            }
            finally
            {
                Interlocked.Increment(ref e.Copies);
            }
        }
        // Every other holder has claimed, so each is copying now or done: the wait is bounded.
        var spin = new SpinWait();
        while (Volatile.Read(ref e.Copies) < e.Holders - 1) spin.SpinOnce();
        return e;
    }

    /// <summary>
    /// Executions no particle holds after a resampling (parents that left no offspring), reused as the targets of the next
    /// step's copies instead of allocating clones: in a long run most copies then allocate nothing. Taken from any thread.
    /// </summary>
    private sealed class Pool<TRet>(int capacity)
    {
        private readonly ResumableExecution<TRet>[] _free = new ResumableExecution<TRet>[capacity];
        private int _count;
        private int _stamp;
        private bool _copies = true;

        /// <summary>Adds the executions of <paramref name="before"/> that <paramref name="after"/> no longer holds (single-threaded).</summary>
        public void Release(ResumableExecution<TRet>[] before, ResumableExecution<TRet>[] after)
        {
            if (!_copies) return;
            var stamp = NextPass();
            foreach (var e in after) e.Stamp = stamp;
            foreach (var e in before)
                if (e.Stamp != stamp)
                {
                    e.Stamp = stamp; // once, however many particles held it
                    if (_count < _free.Length) _free[_count++] = e;
                }
        }

        /// <summary>An independent copy of <paramref name="e"/>: a recycled execution made equal to it, or a clone.</summary>
        public ResumableExecution<TRet> Copy(ResumableExecution<TRet> e)
        {
            var k = Interlocked.Decrement(ref _count);
            if (k >= 0)
            {
                var target = _free[k];
                _free[k] = null!;
                if (target.TryCopyFrom(e)) return target;
                _copies = false; // a class without an in-place copy: stop recycling
            }
            return e.Clone();
        }

        /// <summary>A new value for <see cref="ResumableExecution.Stamp"/>, the mark of one pass over the particles.</summary>
        public int NextPass() => ++_stamp;

        /// <summary>After a parallel step: the count went below zero once the pool ran dry.</summary>
        public void Settle()
        {
            if (_count < 0) _count = 0;
        }
    }

    private static double LogEvidence(double[] lw) => MathUtil.LogSumExp(lw);

    /// <summary>Population.EffectiveSampleSize: Kish's ESS, 0 when every weight is zero.</summary>
    /// <remarks>Fills <paramref name="weights"/> with the normalised weights (Population.NormalizedWeights) on the way.</remarks>
    private static double Ess(double[] lw, double logEvidence, double[] weights)
    {
        if (double.IsNegativeInfinity(logEvidence)) return 0;
        double s2 = 0;
        for (var i = 0; i < lw.Length; i++)
        {
            var w = weights[i] = Math.Exp(lw[i] - logEvidence);
            s2 += w * w;
        }
        return 1.0 / s2;
    }

    private static void Gather<T>(T[] values, T[] scratch, int[] ancestors)
    {
        values.CopyTo(scratch, 0);
        for (var i = 0; i < values.Length; i++) values[i] = scratch[ancestors[i]];
    }

    /// <summary>The number of distinct ancestors (a stamp array instead of a set per step).</summary>
    private static int Distinct(int[] ancestors, int[] seen, int stamp)
    {
        var count = 0;
        foreach (var a in ancestors)
            if (seen[a] != stamp)
            {
                seen[a] = stamp;
                count++;
            }
        return count;
    }

    /// <summary>The final particles as the paused model's traces; particles sharing an execution share its trace.</summary>
    private static Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> Population<TArgs, TRet>(ResumableFunction<TArgs, TRet> function,
        TArgs args, ResumableExecution<TRet>[] x, int[] pauses, double[] lw)
    {
        var traces = new ITrace<(TArgs Args, int Pauses), Paused<TRet>>[x.Length];
        var made = new Dictionary<(ResumableExecution<TRet>, int), ResumableTrace<TArgs, TRet>>();
        for (var i = 0; i < x.Length; i++)
        {
            if (!made.TryGetValue((x[i], pauses[i]), out var t)) made[(x[i], pauses[i])] = t = new ResumableTrace<TArgs, TRet>(function, (args, pauses[i]), x[i]);
            traces[i] = t;
        }
        return new Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>>(traces, lw);
    }
}
