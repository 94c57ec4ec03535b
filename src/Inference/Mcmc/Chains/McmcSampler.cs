using System.Diagnostics;
using Ppl.Distributions;
using Ppl.Dynamic;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// Runs MCMC chains in parallel. Each chain gets its own random stream, split from the caller's in
/// chain order before any chain starts, so the same seed gives the same draws whatever the number of
/// threads. Progress is reported about a hundred times per run; cancellation stops every chain
/// (throwing <see cref="OperationCanceledException"/>).
/// </summary>
public static class McmcSampler
{
    /// <summary>
    /// Samples a differentiable density with a gradient kernel (HMC, MALA, NUTS), adapting during warm-up.
    /// </summary>
    /// <param name="density">The log density on unconstrained space.</param>
    /// <param name="kernel">The kernel.</param>
    /// <param name="settings">Chains, warm-up, draws, initialisation.</param>
    /// <param name="rng">The random source.</param>
    /// <param name="options">Progress, cancellation, parallelism.</param>
    /// <param name="names">Names of the reported quantities (default x[0]…).</param>
    /// <param name="transform">Maps a position to the reported quantities (default: the position itself); e.g. constrain, add derived quantities.</param>
    public static McmcResult Sample(IDifferentiableDensity density, IGradientKernel kernel, McmcSettings settings, Rng rng,
        RunOptions? options = null, IReadOnlyList<string>? names = null, Func<double[], double[]>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(density);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var transformGiven = transform is not null;
        transform ??= x => (double[])x.Clone();
        names ??= Enumerable.Range(0, transform(new double[density.Dimension]).Length).Select(i => $"x[{i}]").ToArray();
        var reported = Reported(transform, names);
        return RunChains(settings, rng, options, names, (chainRng, report, token) =>
        {
            var start = InitialPosition(density, settings.Init, chainRng, transformGiven ? null : names);
            var state = kernel.Init(density, start, settings.Warmup, chainRng);
            return RunOne(settings, report, token, state, s => kernel.Step(density, s, chainRng), s => reported(s.Position), s => s.Stats, s => s.LogDensity);
        });
    }

    /// <summary>
    /// Samples the posterior of a model's continuous choices given observations with a gradient kernel (NUTS,
    /// HMC, MALA): the one call for the common case, as NumPyro's <c>MCMC(NUTS(model))</c> or Stan's
    /// <c>sample</c>. The density is the model's differentiable form (<see cref="ModelDensity{TArgs}"/>: exact
    /// gradients, every choice mapped from ℝ by its bijector with the log-Jacobian added), and chains start
    /// uniformly in [−2, 2] on the unconstrained scale unless <see cref="McmcSettings.Init"/> says otherwise.
    /// The draws are the choices' values, named by their addresses (<c>mu</c>, <c>eta/3</c>), then the model's
    /// deterministic quantities (<c>Deterministic(mu + tau * eta, "theta", j)</c> is reported as <c>theta/j</c>).
    /// </summary>
    /// <param name="model">The model (a generated <c>[Model]</c> function with a differentiable form).</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">The observed values (constrained choices or observations).</param>
    /// <param name="kernel">The gradient kernel, e.g. <c>new NutsKernel()</c>.</param>
    /// <param name="settings">Chains, warm-up, draws, initialisation.</param>
    /// <param name="rng">The random source.</param>
    /// <param name="options">Progress, cancellation, parallelism.</param>
    /// <param name="returnNames">
    /// Names for the model's return value, reported with every draw as derived quantities (Stan's generated
    /// quantities): one name for a <c>double</c>, one per element for a <c>double[]</c>. Null reports none.
    /// </param>
    public static McmcResult Sample<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations,
        IGradientKernel kernel, McmcSettings settings, Rng rng, RunOptions? options = null, IReadOnlyList<string>? returnNames = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        ObservationCheck.RequireNoNaN(observations, model.Name);
        ArgumentNullException.ThrowIfNull(settings);
        var density = ModelDensity.Create(model, args, observations, sumOutDiscrete: settings.SumOutDiscrete);
        // A start given as choices is mapped to the unconstrained scale once (the density's own vector start).
        if (settings.Init is InitStrategy.ChoicesInit start) settings = settings with { Init = InitStrategy.Values(density.Unconstrain(start.Map)) };
        // Draws: the choices, then the model's deterministic quantities (Deterministic(value, address)).
        var names = density.ValueAddresses.Concat(density.DerivedAddresses).Select(a => a.ToString()).ToList();
        if (returnNames is null) return Sample(density, kernel, settings, rng, options, names, u => density.Report(u));
        if (settings.SumOutDiscrete)
            throw new NotSupportedException(
                $"returnNames assesses '{model.Name}' at each draw, which needs a value for every choice; with SumOutDiscrete the discrete choices have none (each draw reports their posterior means instead). Report the quantity with Deterministic(value, address).");
        names.AddRange(returnNames);
        var valueCount = density.ValueAddresses.Count;
        return Sample(density, kernel, settings, rng, options, names, u =>
        {
            // The report starts with the choices' values (a vector choice's entries in a row): one run of the form gives both.
            var reported = density.Report(u);
            var choices = density.SetValues(observations, reported.AsSpan(0, valueCount));
            var ret = model.Assess(args, choices).Return;
            double[] derived = ret switch
            {
                double d => [d],
                double[] a => a,
                _ => throw new ArgumentException($"returnNames needs a model returning double or double[]; '{model.Name}' returned {ret?.GetType().Name ?? "null"}.", nameof(returnNames)),
            };
            if (derived.Length != returnNames.Count)
                throw new ArgumentException($"'{model.Name}' returned {derived.Length} values; returnNames has {returnNames.Count}.", nameof(returnNames));
            return [.. reported, .. derived];
        });
    }

    /// <summary>
    /// Samples the posterior of a generative function given observations with a kernel over traces
    /// (MH, Gibbs, elliptical slice, gradient kernels on a selection, and their combinations). The first
    /// <see cref="McmcSettings.Warmup"/> steps are discarded (gradient kernels inside adapt over the
    /// warm-up they were given).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">The observed choices.</param>
    /// <param name="kernel">The kernel.</param>
    /// <param name="settings">Chains, warm-up, draws, initialisation.</param>
    /// <param name="rng">The random source.</param>
    /// <param name="names">Names of the reported quantities.</param>
    /// <param name="extract">The reported quantities of a trace.</param>
    /// <param name="options">Progress, cancellation, parallelism.</param>
    public static McmcResult Sample<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations,
        IKernel<TraceState<TArgs, TRet>> kernel, McmcSettings settings, Rng rng, IReadOnlyList<string> names,
        Func<ITrace<TArgs, TRet>, double[]> extract, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(extract);
        ArgumentNullException.ThrowIfNull(observations);
        ObservationCheck.RequireNoNaN(observations, model.Name);
        settings.Validate();
        ArgumentNullException.ThrowIfNull(names);
        var reported = Reported(extract, names);
        return RunChains(settings, rng, options, names, (chainRng, report, token) =>
        {
            var trace = InitialTrace(model, args, observations, settings.Init, chainRng);
            return RunOne(settings, report, token, new TraceState<TArgs, TRet>(trace), s => kernel.Step(s, chainRng), s => reported(s.Trace), s => s.Stats, s => s.Trace.Score);
        });
    }

    /// <summary>The reported quantities, checked to be as many as their names (a short names list must not drop quantities silently).</summary>
    private static Func<T, double[]> Reported<T>(Func<T, double[]> report, IReadOnlyList<string> names) => x =>
    {
        var values = report(x);
        if (values.Length != names.Count)
            throw new ArgumentException(
                $"Each draw reports {values.Length} quantities but {names.Count} names were given ({string.Join(", ", names.Take(6))}{(names.Count > 6 ? ", …" : "")}); give one name per quantity.",
                nameof(names));
        return values;
    };

    private delegate (double[][] Draws, TransitionStats[] Stats, double[] LogDensities, TimeSpan Warmup, TimeSpan Sampling) ChainRun(Rng rng, Action report, CancellationToken token);

    private static McmcResult RunChains(McmcSettings settings, Rng rng, RunOptions? options, IReadOnlyList<string> names, ChainRun chain)
    {
        ArgumentNullException.ThrowIfNull(rng);
        options ??= RunOptions.Default;
        var streams = rng.Split(settings.Chains);
        var results = new (double[][] Draws, TransitionStats[] Stats, double[] LogDensities, TimeSpan Warmup, TimeSpan Sampling)[settings.Chains];
        long total = (long)settings.Chains * (settings.Warmup + settings.Draws * settings.Thin);
        long done = 0;
        var every = Math.Max(1, total / 100);
        void Report()
        {
            var d = Interlocked.Increment(ref done);
            if (options.Progress is { } p && (d % every == 0 || d == total)) p.Report(new Progress(d, total));
        }
        ParallelWork.For(settings.Chains, options, WorkUnit.Chain, c => results[c] = chain(streams[c], Report, options.Cancellation));
        return new McmcResult(names, results.Select(r => r.Draws).ToArray(), results.Select(r => r.Stats).ToArray(), results.Select(r => r.LogDensities).ToArray(),
            results.Max(r => r.Warmup), results.Max(r => r.Sampling), results.Select(r => r.Sampling).ToArray());
    }

    private static (double[][], TransitionStats[], double[], TimeSpan, TimeSpan) RunOne<TState>(McmcSettings settings, Action report, CancellationToken token,
        TState state, Func<TState, TState> step, Func<TState, double[]> extract, Func<TState, TransitionStats> stats, Func<TState, double> logDensity)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < settings.Warmup; i++)
        {
            token.ThrowIfCancellationRequested();
            state = step(state);
            report();
        }
        var warm = sw.Elapsed;
        sw.Restart();
        var draws = new double[settings.Draws][];
        var st = new TransitionStats[settings.Draws];
        var lp = new double[settings.Draws];
        for (var i = 0; i < settings.Draws; i++)
        {
            for (var k = 0; k < settings.Thin; k++)
            {
                token.ThrowIfCancellationRequested();
                state = step(state);
                report();
            }
            draws[i] = extract(state);
            st[i] = stats(state);
            lp[i] = logDensity(state);
        }
        return (draws, st, lp, warm, sw.Elapsed);
    }

    private static double[] InitialPosition(IDifferentiableDensity density, InitStrategy init, Rng rng, IReadOnlyList<string>? names)
    {
        var n = density.Dimension;
        var gradient = new double[n];
        double[]? last = null;
        double lastLogp = double.NaN;
        Exception? lastError = null;
        var attempts = 0;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            attempts++;
            var x = init switch
            {
                InitStrategy.UniformInit u => Enumerable.Range(0, n).Select(_ => (2 * rng.NextDouble() - 1) * u.Radius).ToArray(),
                InitStrategy.PriorInit { Sampler: { } s } => s(rng),
                InitStrategy.ValuesInit v => v.Position,
                _ => throw new ArgumentException($"Initialisation {init.GetType().Name} needs a trace-based run; give a sampler to InitStrategy.Prior for a density."),
            };
            if (x.Length != n) throw new ArgumentException($"The initial position has {x.Length} coordinates; the density has {n}.");
            last = x;
            // Stan's rule: a start needs a finite log density and a finite gradient, else another is drawn; an exception
            // at a start (a parameter outside its domain) is one more rejected start.
            Array.Clear(gradient);
            try
            {
                lastLogp = density.LogDensityAndGradient(x, gradient);
                lastError = null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lastError = e;
            }
            if (lastError is null && double.IsFinite(lastLogp) && AllFinite(gradient)) return x;
            if (init is InitStrategy.ValuesInit) break;
        }
        // The model's own density names the site at fault (a parameter out of its domain, a value outside its support).
        if (last is not null && density is IModelDensity md) md.Check(last);
        if (lastError is PplException) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(lastError).Throw();
        throw new InferenceException(InitFailure(attempts, last, lastLogp, gradient, lastError, names), null, lastError);
    }

    /// <summary>Why the last start failed, naming the non-finite coordinate of the gradient or the exception, for a hand-written density.</summary>
    private static string InitFailure(int attempts, double[]? x, double logp, double[] gradient, Exception? error, IReadOnlyList<string>? names)
    {
        string Name(int i) => names is not null && i < names.Count ? $"'{names[i]}' (coordinate {i})" : $"coordinate {i}";
        var at = x is null ? "" : " at [" + string.Join(", ", x.Take(8).Select(v => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture))) + (x.Length > 8 ? ", …]" : "]");
        var why = error is not null
            ? $"the density threw {error.GetType().Name}: {error.Message}"
                + (error is IndexOutOfRangeException ? $" (does the density's Dimension, {gradient.Length}, match the coordinates it reads?)" : "")
            : !double.IsFinite(logp)
                ? $"the log density was {logp}" + (double.IsNaN(logp) ? " (NaN: check the data and the parameters for NaN, a negative scale or a value outside a support)" : " (the point has zero density)")
                : $"the gradient was not finite at {string.Join(", ", Enumerable.Range(0, gradient.Length).Where(i => !double.IsFinite(gradient[i])).Take(5).Select(i => $"{Name(i)} = {gradient[i]}"))}";
        return $"No initial position with a finite log density and gradient was found ({attempts} attempt(s)); at the last one{at}, {why}.";
    }

    private static bool AllFinite(double[] g)
    {
        foreach (var v in g)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    private static ITrace<TArgs, TRet> InitialTrace<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, InitStrategy init, Rng rng)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var constraints = init is InitStrategy.ChoicesInit c ? observations.Merge(c.Map) : observations;
            var trace = model.Generate(args, constraints, rng).Trace;
            if (init is InitStrategy.UniformInit u && trace is DynamicTrace<TArgs, TRet> dt)
            {
                // Stan's start: every continuous choice uniform in [−r, r] on its unconstrained scale.
                var set = ChoiceMap.Empty;
                foreach (var (a, r) in dt.ChoiceRecords)
                    if (r.Value is double && !r.Distribution.IsDiscrete && r.Distribution is IHasBijector<double> hb && !observations.Contains(a))
                        set = set.Set(a, hb.Bijector.Forward([(2 * rng.NextDouble() - 1) * u.Radius]));
                trace = model.Update(trace, args, set, rng).Trace;
            }
            if (double.IsFinite(trace.Score)) return trace;
        }
        throw new InferenceException($"No initial trace of '{model.Name}' with a finite score was found (100 attempts).");
    }
}
