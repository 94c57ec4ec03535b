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
        var start = function.Start(args);
        var s = new State<TRet>(n, start);
        var ancestors = new int[n];
        var weights = new double[n];
        var records = new List<SmcStep>();
        var ancestry = new List<int[]?>();
        var steps = smc.Steps;
        for (var k = 1; k <= steps; k++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            AdvanceAll(s, rng, options, finish: false);
            var lw = s.LogWeights;
            // The log evidence, the normalised weights and the ESS in one pass of one exp per particle.
            var (logEvidence, ess) = Normalise(lw, weights);
            var done = true;
            for (var i = 0; i < n && done; i++) done = s.Particles[i].Finished || double.IsNegativeInfinity(lw[i]);
            var resampled = false;
            var unique = n;
            // The resampling transform of SmcEngine.Resampling; Resample leaves a population of zero evidence as it is.
            if (!done && !double.IsNegativeInfinity(logEvidence) &&
                (smc.EssThreshold >= 1 || (smc.EssThreshold > 0 && ess < smc.EssThreshold * n)))
            {
                smc.Resampler.Ancestors(weights, ancestors, rng);
                unique = s.Resample(ancestors);
                Array.Fill(lw, logEvidence - Math.Log(n));
                resampled = true;
            }
            if (double.IsNegativeInfinity(logEvidence))
                throw new InferenceException(
                    $"SMC on '{model.Function.Name}': every one of the {n} particle weights is zero at pause {k}; the observations there have zero density under every particle. Check them against the model's support, or use more particles.");
            ancestry.Add(resampled ? (int[])ancestors.Clone() : null);
            records.Add(new SmcStep(k, ess, resampled, logEvidence, unique));
            options.Progress?.Report(new Progress(k, steps == int.MaxValue ? k + (done ? 0 : 1) : steps));
            if (done) break;
        }
        AdvanceAll(s, rng, options, finish: true);
        return new SmcResult<TArgs, TRet>(model.Function, args, algorithm, Population(function, args, s), records, ancestry, function.Observations);
    }

    /// <summary>
    /// Sequential.AdvanceAll / FinishAll: every live particle runs to its next pause (or to the end), with stream i split
    /// from <paramref name="rng"/> in index order, and its log weight grows by the new observations' densities.
    /// </summary>
    private static void AdvanceAll<TRet>(State<TRet> s, Rng rng, RunOptions options, bool finish)
    {
        var n = s.Particles.Length;
        var all = true;
        for (var i = 0; i < n && all; i++) all = s.Particles[i].Finished;
        if (all) return;
        options.Cancellation.ThrowIfCancellationRequested();
        s.Streams.Split(rng);
        // ParallelWork.For's own test: then one thread runs the particles in index order, and the sharing needs no atomics.
        s.Sequential = n < 8 || options.MaxDegreeOfParallelism == 1;
        // Which particles run, and how many of them hold each execution (the offspring of one parent share it), decided
        // before anything moves, from the flat state alone.
        Array.Clear(s.Holders);
        Array.Clear(s.Claims);
        Array.Clear(s.Copies);
        for (var i = 0; i < n; i++)
        {
            ref var q = ref s.Particles[i];
            // Sequential.MoveTo: finished runs, runs already ruled out (score −∞) and particles of weight zero stay as
            // they are, and so does a particle already at the target (a finished-trace update at the same arguments).
            if (s.Runs[i] = !q.Stopped && !double.IsNegativeInfinity(s.LogWeights[i]) && q.Pauses != int.MaxValue) s.Holders[q.Group]++;
        }
        if (s.Sequential)
        {
            // A plain loop (no delegate per particle): one stream object, reseeded per particle, stays in cache.
            Advance(s, 0, n, finish, s.Streams.Shared);
        }
        else
        {
            // Chunks of particles, not one delegate call per particle; a chunk's particles share one stream object
            // (reseeded per particle, so the draws are those of particle i's own split stream, whatever the chunking).
            var chunks = (n + ChunkSize - 1) / ChunkSize;
            s.Streams.EnsureChunks(chunks);
            ParallelWork.For(chunks, options, WorkUnit.Chunk, c =>
                Advance(s, c * ChunkSize, Math.Min(n, (c + 1) * ChunkSize), finish, s.Streams.Chunk(c)));
        }
        s.Pool.Settle();
        var lw = s.LogWeights;
        for (var i = 0; i < n; i++)
            if (double.IsNaN(lw[i]) || double.IsPositiveInfinity(lw[i]))
                throw new ArgumentException($"Particle {i} has log weight {lw[i]}.");
    }

    /// <summary>Particles per unit of parallel work: large enough that the per-chunk overhead vanishes, small enough to balance.</summary>
    private const int ChunkSize = 128;

    /// <summary>
    /// Advances the running particles lo..hi−1 in index order, each on its own split stream (reseeding
    /// <paramref name="r"/>). An error names the particle, as ParallelWork does for a loop over particles.
    /// </summary>
    private static void Advance<TRet>(State<TRet> s, int lo, int hi, bool finish, Rng r)
    {
        var runs = s.Runs;
        var particles = s.Particles;
        var lw = s.LogWeights;
        for (var i = lo; i < hi; i++)
        {
            if (!runs[i]) continue;
            try
            {
                ref var q = ref particles[i];
                var target = finish ? int.MaxValue : q.Pauses + 1;
                var e = s.Own(q.Execution, q.Group);
                var weight = 0.0;
                s.Streams.Seed(r, i);
                while (!e.Finished && e.ScorePoints < target) weight += e.Advance(r);
                // This particle now holds its execution alone: its group is its own index.
                q = new Particle<TRet>(e, target, i);
                lw[i] += weight;
            }
            catch (Exception error) when (ParallelWork.Annotate(error, WorkUnit.Particle, i))
            {
                // Annotate returns false: the filter only adds the index; the exception propagates untouched.
            }
        }
    }

    /// <summary>
    /// MathUtil.LogSumExp of the log weights (the same sum, so the same log evidence), the normalised weights into
    /// <paramref name="weights"/> (eˡʷ⁻ᵐᵃˣ / Σ, one exp per particle where Population takes two) and Kish's ESS (Σw)²/Σw².
    /// </summary>
    private static (double LogEvidence, double Ess) Normalise(double[] lw, double[] weights)
    {
        var max = double.NegativeInfinity;
        foreach (var x in lw) if (x > max) max = x;
        if (double.IsNegativeInfinity(max) || double.IsPositiveInfinity(max)) return (max, 0);
        double s = 0, s2 = 0;
        for (var i = 0; i < lw.Length; i++)
        {
            var w = weights[i] = Math.Exp(lw[i] - max);
            s += w;
            s2 += w * w;
        }
        var inverse = 1 / s;
        for (var i = 0; i < weights.Length; i++) weights[i] *= inverse;
        return (max + Math.Log(s), s * s / s2);
    }

    /// <summary>The final particles as the paused model's traces; particles sharing an execution share its trace.</summary>
    private static Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> Population<TArgs, TRet>(ResumableFunction<TArgs, TRet> function,
        TArgs args, State<TRet> s)
    {
        var n = s.Particles.Length;
        var traces = new ITrace<(TArgs Args, int Pauses), Paused<TRet>>[n];
        var made = new Dictionary<(ResumableExecution<TRet>, int), ResumableTrace<TArgs, TRet>>();
        for (var i = 0; i < n; i++)
        {
            var key = (s.Particles[i].Execution, s.Particles[i].Pauses);
            if (!made.TryGetValue(key, out var t)) made[key] = t = new ResumableTrace<TArgs, TRet>(function, (args, key.Pauses), key.Execution);
            traces[i] = t;
        }
        return new Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>>(traces, s.LogWeights);
    }

    /// <summary>
    /// One particle: its execution, the pause its trace is at, and what the driver needs without touching the execution
    /// (flat arrays of these, so the per-step passes do not chase N pointers). Running particles share an execution
    /// exactly when they share <see cref="Group"/>: the index, at the last advance, of the particle they descend from.
    /// </summary>
    private readonly struct Particle<TRet>(ResumableExecution<TRet> execution, int pauses, int group)
    {
        public ResumableExecution<TRet> Execution { get; } = execution;

        /// <summary>The trace's k (int.MaxValue once run to the end).</summary>
        public int Pauses { get; } = pauses;

        public int Group { get; } = group;

        public bool Finished { get; } = execution.Finished;

        /// <summary>Finished, or ruled out (score −∞): the execution never runs again.</summary>
        public bool Stopped { get; } = execution.Finished || double.IsNegativeInfinity(execution.Score);
    }

    /// <summary>The particles, their weights, and the scratch of the steps (allocated once per run).</summary>
    private sealed class State<TRet>
    {
        private Particle<TRet>[] _scratch;
        private readonly int[] _offspring;

        public State(int n, ResumableExecution<TRet> start)
        {
            Particles = new Particle<TRet>[n];
            Array.Fill(Particles, new Particle<TRet>(start, 0, 0));
            _scratch = new Particle<TRet>[n];
            LogWeights = new double[n];
            Array.Fill(LogWeights, -Math.Log(n));
            Runs = new bool[n];
            Holders = new int[n];
            Claims = new int[n];
            Copies = new int[n];
            _offspring = new int[n];
            Streams = new Streams(n);
            Pool = new Pool<TRet>(n);
        }

        public Particle<TRet>[] Particles { get; private set; }

        public double[] LogWeights { get; }

        /// <summary>Whether each particle runs in the current (or ran in the last) advance: then it holds its execution alone.</summary>
        public bool[] Runs { get; }

        /// <summary>Per group: how many running particles hold its execution, how many have claimed it, how many have copied it.</summary>
        public int[] Holders { get; }

        /// <summary>See <see cref="Holders"/>.</summary>
        public int[] Claims { get; }

        /// <summary>See <see cref="Holders"/>.</summary>
        public int[] Copies { get; }

        public Streams Streams { get; }

        public Pool<TRet> Pool { get; }

        /// <summary>True when this advance runs on one thread (plain counters instead of interlocked ones).</summary>
        public bool Sequential { get; set; }

        /// <summary>
        /// The execution a particle of <paramref name="group"/> may advance in place: the original when it is the group's
        /// only runner; otherwise a copy, except for the last runner to claim it, which takes the original once every other
        /// has copied it (runners are on any thread, so the original must not move while a sibling copies it).
        /// </summary>
        public ResumableExecution<TRet> Own(ResumableExecution<TRet> e, int group)
        {
            var holders = Holders[group];
            if (holders == 1) return e;
            if (Sequential)
            {
                // In index order: every holder but the last copies, and the last takes the original.
                return ++Claims[group] < holders ? Pool.Copy(e, sequential: true) : e;
            }
            if (Interlocked.Increment(ref Claims[group]) < holders)
            {
                try
                {
                    return Pool.Copy(e, sequential: false);
                }
                finally
                {
                    Interlocked.Increment(ref Copies[group]);
                }
            }
            // Every other runner has claimed, so each is copying now or done: the wait is bounded.
            var spin = new SpinWait();
            while (Volatile.Read(ref Copies[group]) < holders - 1) spin.SpinOnce();
            return e;
        }

        /// <summary>
        /// The offspring take their parents' places; the executions of parents that ran in the last advance (so held them
        /// alone) and left no offspring go to the pool. Returns the number of distinct parents.
        /// </summary>
        public int Resample(int[] ancestors)
        {
            (Particles, _scratch) = (_scratch, Particles);
            Array.Clear(_offspring);
            var unique = 0;
            for (var i = 0; i < ancestors.Length; i++)
            {
                var a = ancestors[i];
                Particles[i] = _scratch[a];
                if (_offspring[a]++ == 0) unique++;
            }
            for (var j = 0; j < _offspring.Length; j++)
                if (_offspring[j] == 0 && Runs[j]) Pool.Add(_scratch[j].Execution);
            return unique;
        }
    }

    /// <summary>
    /// Executions no particle holds after a resampling (parents that left no offspring), reused as the targets of the next
    /// step's copies instead of allocating clones: in a long run most copies then allocate nothing. Taken from any thread.
    /// </summary>
    private sealed class Pool<TRet>(int capacity)
    {
        // Wrapped: storing into an array of the abstract execution type would type-check every store.
        private readonly Held<TRet>[] _free = new Held<TRet>[capacity];
        private int _count;
        private bool _copies = true;

        /// <summary>Adds an execution no particle holds (single-threaded, between advances).</summary>
        public void Add(ResumableExecution<TRet> e)
        {
            if (_copies && _count < _free.Length) _free[_count++] = new Held<TRet>(e);
        }

        /// <summary>An independent copy of <paramref name="e"/>: a recycled execution made equal to it, or a clone.</summary>
        public ResumableExecution<TRet> Copy(ResumableExecution<TRet> e, bool sequential)
        {
            var k = sequential ? --_count : Interlocked.Decrement(ref _count);
            if (k >= 0)
            {
                var target = _free[k].Execution;
                _free[k] = default;
                if (target.TryCopyFrom(e)) return target;
                _copies = false; // a class without an in-place copy: stop recycling
            }
            return e.Clone();
        }

        /// <summary>After an advance: the count went below zero once the pool ran dry.</summary>
        public void Settle()
        {
            if (_count < 0) _count = 0;
        }
    }

    /// <summary>An execution in the pool.</summary>
    private readonly struct Held<TRet>(ResumableExecution<TRet> execution)
    {
        public ResumableExecution<TRet> Execution { get; } = execution;
    }

    /// <summary>
    /// ParticleParallel's streams without allocating N of them per step: the seeds are drawn in index order (the
    /// sequential part), and each particle's stream is seeded from its own on the particle's thread.
    /// </summary>
    private sealed class Streams
    {
        private readonly ulong[] _seeds;
        private Rng[] _chunks = [];

        public Streams(int n)
        {
            _seeds = new ulong[n];
        }

        /// <summary>The stream object of a sequential advance.</summary>
        public Rng Shared { get; } = new(0);

        /// <summary>Rng.Split(n) on <paramref name="rng"/>: one draw per particle.</summary>
        public void Split(Rng rng)
        {
            for (var i = 0; i < _seeds.Length; i++) _seeds[i] = rng.NextSplitSeed();
        }

        /// <summary>Makes <paramref name="r"/> particle i's stream of this step (call once per particle and step).</summary>
        public void Seed(Rng r, int i) => r.Reseed(_seeds[i]);

        /// <summary>Makes sure there is a stream object per chunk (single-threaded, before a parallel advance).</summary>
        public void EnsureChunks(int chunks)
        {
            if (_chunks.Length >= chunks) return;
            _chunks = new Rng[chunks];
            for (var c = 0; c < chunks; c++) _chunks[c] = new Rng(0);
        }

        /// <summary>The stream object of chunk c: one thread advances a chunk's particles one at a time.</summary>
        public Rng Chunk(int c) => _chunks[c];
    }
}
