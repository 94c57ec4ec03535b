using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// Sequential Monte Carlo with all N particles as one batched execution per step: extend (one step
/// program run for all N), reweight by the step's observations, resample by index selection of the
/// carried state and choices when the ESS falls below the threshold, then an optional rejuvenation move
/// on the newest step's latents. The log evidence accumulates log Σᵢ Wᵢ exp(incrementᵢ) per step, with W
/// the normalised weights before the step; it is unbiased on the natural scale.
/// </summary>
public static class BatchedSmc
{
    /// <summary>Runs SMC over <paramref name="observations"/>[t − 1] for t = 1..T.</summary>
    /// <param name="model">The batched state-space model.</param>
    /// <param name="observations">Per step, the observed values at the step's local addresses.</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">The random source.</param>
    /// <param name="options">Device, dtype, resampling threshold, move, history.</param>
    public static BatchedSmcResult Run(BatchedStateSpaceModel model, IReadOnlyList<BatchedChoices> observations, int particles, Rng rng,
        BatchedSmcOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        options ??= new BatchedSmcOptions();
        var device = options.Device ?? CPU;
        var dtype = options.DType;
        var steps = observations.Count;
        var increments = new double[steps];
        var essPerStep = new double[steps];
        var resamplings = 0;
        double acceptSum = 0;
        var moves = 0;

        using var outer = NewDisposeScope();
        using var ng = no_grad();
        var (initTrace, initWeight) = model.Init.Run(Unit.Value, new BatchedTracer(particles, device, dtype, rng, null, assess: false, reparameterize: false));
        var state = initTrace.Return;
        var logW = initWeight;
        var history = new BatchedChoices();
        if (options.KeepHistory) Prefix(history, 0, initTrace.Choices);
        var last = initTrace.Choices;

        for (var t = 1; t <= steps; t++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var prev = state;
            var obs = observations[t - 1];
            var (trace, inc) = model.Step.Run((t, prev), new BatchedTracer(particles, device, dtype, rng, obs, assess: false, reparameterize: false));
            var normalized = logW - logW.logsumexp(0);
            logW = normalized.Plus(inc);
            var lse = logW.to_type(ScalarType.Float64).logsumexp(0).item<double>();
            if (double.IsNegativeInfinity(lse) || double.IsNaN(lse))
                throw new InferenceException($"All {particles} particle weights are zero (or NaN) at step {t} of '{model.Name}'.");
            increments[t - 1] = lse;
            var ess = BatchedResampling.EffectiveSampleSize(logW);
            essPerStep[t - 1] = ess;
            state = trace.Return;
            var choices = trace.Choices;
            var score = trace.Score;
            if (ess < options.ResampleThreshold * particles)
            {
                var idx = BatchedResampling.Systematic(logW, rng);
                state = Select(state, idx, particles);
                prev = Select(prev, idx, particles);
                choices = choices.IndexSelect(idx, particles);
                score = score.index_select(0, idx);
                if (options.KeepHistory) history = history.IndexSelect(idx, particles);
                logW = zeros(particles, dtype, device);
                resamplings++;
            }
            if (options.Move is { } move)
            {
                var (s, c, a) = Rejuvenate(model, move, t, prev, state, obs, choices, score, particles, device, dtype, rng);
                state = s;
                choices = c;
                acceptSum += a;
                moves++;
            }
            if (options.KeepHistory) Prefix(history, t, choices);
            last = choices;
            state.MoveToOuterDisposeScope();
            logW.MoveToOuterDisposeScope();
            last.MoveToOuterDisposeScope();
            if (options.KeepHistory) history.MoveToOuterDisposeScope();
            options.Progress?.Report(new Progress(t, steps));
        }
        var kept = options.KeepHistory ? history : last;
        state.MoveToOuterDisposeScope();
        logW.MoveToOuterDisposeScope();
        kept.MoveToOuterDisposeScope();
        return new BatchedSmcResult(state, logW, kept, increments, essPerStep, resamplings, moves == 0 ? double.NaN : acceptSum / moves);
    }

    private static Tensor Select(Tensor t, Tensor idx, long particles) => t.dim() > 0 && t.shape[0] == particles ? t.index_select(0, idx) : t;

    private static void Prefix(BatchedChoices into, int t, BatchedChoices choices)
    {
        foreach (var a in choices.Addresses) into.Set(((Address)t) / a, choices[a]);
    }

    /// <summary>
    /// The move targets p(xₜ | xₜ₋₁, yₜ) ∝ the step's joint density with the observations fixed; it leaves
    /// the SMC target at time t invariant, so weights stay proper whether or not the step resampled.
    /// </summary>
    private static (Tensor State, BatchedChoices Choices, double Acceptance) Rejuvenate(BatchedStateSpaceModel model, BatchedMove move, int t,
        Tensor prev, Tensor state, BatchedChoices obs, BatchedChoices choices, Tensor score, int particles, Device device, ScalarType dtype, Rng rng)
    {
        var latents = choices.Addresses.Where(a => !obs.Contains(a)).ToArray();
        if (latents.Length == 0) return (state, choices, double.NaN);
        var shapes = latents.Select(a => choices[a].shape).ToArray();
        foreach (var (a, s) in latents.Zip(shapes))
            if (s.Length == 0 || s[0] != particles)
                throw new ModelException($"The latent choice at '{a}' of step {t} has no particle dimension; a move needs per-particle latents.", a);
        var sizes = shapes.Select(s => s.Skip(1).Aggregate(1L, (x, y) => x * y)).ToArray();
        var z = cat(latents.Select(a => choices[a].reshape(particles, -1)).ToArray(), 1);

        BatchedChoices Unflatten(Tensor flat)
        {
            var c = obs.Copy();
            var parts = flat.split(sizes, 1);
            for (var i = 0; i < latents.Length; i++) c.Set(latents[i], parts[i].reshape(shapes[i]));
            return c;
        }

        Tensor Density(Tensor flat) =>
            model.Step.Run((t, prev), new BatchedTracer(particles, device, dtype, rng, Unflatten(flat), assess: true, reparameterize: false)).Trace.Score;

        var (z2, _, acceptance) = move.Apply(Density, z, score, rng);
        var (trace, _) = model.Step.Run((t, prev), new BatchedTracer(particles, device, dtype, rng, Unflatten(z2), assess: true, reparameterize: false));
        return (trace.Return, trace.Choices, acceptance);
    }
}
