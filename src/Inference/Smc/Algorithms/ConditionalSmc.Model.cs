namespace Ppl.Inference.Smc;

// Conditional SMC on any model bootstrap SMC can pause, by replay: the reference is a set of latent choices, its
// prefix at pause k is the reference's paused trace moved back to k, and the particles are paused traces as in
// BootstrapSmc.
public static partial class ConditionalSmc
{
    /// <summary>
    /// One conditional SMC sweep on a model Ppl can pause at its observations (a <see cref="DynamicModel{TArgs, TRet}"/>,
    /// or a <c>[Model]</c> method's generated function through its replay form): a bootstrap particle filter in which
    /// particle 0 follows <paramref name="reference"/> (its prefix up to each pause) and is its own parent, the other
    /// N − 1 are resampled multinomially from all N at every pause, and the result is one final particle drawn ∝ its
    /// weight. The map reference → result leaves the posterior of the latent choices given the observations invariant
    /// for any N ≥ 2: it is the state update of particle Gibbs.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of observed Sample sites (empty when the model observes everything itself).</param>
    /// <param name="reference">The current latent choices: every choice the model makes apart from the observed ones
    /// (observed addresses in it are ignored).</param>
    /// <param name="particles">N ≥ 2 (including the reference).</param>
    /// <param name="rng">Random source.</param>
    /// <param name="options">Parallelism (particles) and cancellation.</param>
    /// <param name="ancestorSampling">Draw the reference's ancestor at each pause (Lindsten, Jordan and Schön 2014) ∝ the
    /// particle's weight times the density of the reference's remaining choices given its prefix (one Assess per particle
    /// per pause, the order of cost of replay itself): the early choices then mix even when the pauses far outnumber the
    /// particles, which they barely do without it (path degeneracy).</param>
    /// <returns>The new latent choices.</returns>
    /// <exception cref="ArgumentException">The reference lacks a choice the model makes, or has zero density.</exception>
    public static ChoiceMap Run<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, ChoiceMap reference,
        int particles, Rng rng, RunOptions? options = null, bool ancestorSampling = true)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 2);
        return new ModelConditionalSmc<TArgs, TRet>(model, args, observations).Sweep(reference, ChoiceMap.Empty, particles, rng, options ?? RunOptions.Default,
            ancestorSampling);
    }

    /// <summary>
    /// A starting reference for <see cref="Run{TArgs, TRet}(IGenerativeFunction{TArgs, TRet}, TArgs, ChoiceMap, ChoiceMap, int, Rng, RunOptions?, bool)"/>:
    /// the latent choices of one particle of an unconditional bootstrap filter (resampling at every pause), drawn ∝ its final weight.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of observed Sample sites.</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="options">Parallelism (particles) and cancellation.</param>
    public static ChoiceMap Initial<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, int particles, Rng rng,
        RunOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        return new ModelConditionalSmc<TArgs, TRet>(model, args, observations).Sweep(null, ChoiceMap.Empty, particles, rng, options ?? RunOptions.Default);
    }
}

/// <summary>
/// Conditional SMC sweeps over a model's replay form (<see cref="PausingModel{TArgs, TRet}"/>). Replay, not the
/// generated state machine: the reference's prefixes are the reference's paused trace moved back to each pause with
/// <c>Update</c> (no choice is drawn, every one is in the reference), which the state machine cannot do, and the
/// reference's offspring must advance from those prefixes. Cost O(T²) body work per sweep for T pauses.
/// </summary>
internal sealed class ModelConditionalSmc<TArgs, TRet>
{
    private readonly DynamicModel<TArgs, TRet> _replay;
    private readonly TArgs _args;

    public ModelConditionalSmc(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        ObservationCheck.RequireNoNaN(observations, model.Name);
        _replay = BootstrapSmc.ReplayForm(model);
        _args = args;
        Observations = observations;
        Observed = Selection.At(observations.Leaves.Select(l => l.Address).ToArray());
    }

    public ChoiceMap Observations { get; }

    /// <summary>The observed addresses.</summary>
    public Selection Observed { get; }

    /// <summary>The model's replay form (a dynamic model), whose traces the parameter moves run on.</summary>
    public DynamicModel<TArgs, TRet> Replay => _replay;

    /// <summary>The choices of <paramref name="choices"/> outside <paramref name="excluded"/>.</summary>
    public static ChoiceMap Without(ChoiceMap choices, Selection excluded)
    {
        var kept = ChoiceMap.Empty;
        foreach (var (a, v) in choices.Leaves)
            if (!excluded.Contains(a)) kept = kept.Set(a, v);
        return kept;
    }

    /// <summary>
    /// One sweep. <paramref name="fixedChoices"/> (parameters held during the sweep) are given to the paused model as
    /// observations, so every particle has them and weighs them by the same log density, which cancels. With a null
    /// reference it is an unconditional filter. Returns the drawn particle's latent choices, the fixed ones included.
    /// </summary>
    public ChoiceMap Sweep(ChoiceMap? reference, ChoiceMap fixedChoices, int n, Rng rng, RunOptions options, bool ancestorSampling = false)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var paused = new PausingModel<TArgs, TRet>(_replay, Observations.Merge(fixedChoices)).Function;
        var conditioned = Observed.Union(Selection.At(fixedChoices.Leaves.Select(l => l.Address).ToArray()));
        ITrace<(TArgs Args, int Pauses), Paused<TRet>>? full = null;
        if (reference is not null)
        {
            var latent = Without(reference, conditioned);
            full = paused.Generate((_args, int.MaxValue), latent, rng).Trace;
            // Generate draws what the constraints lack: a choice the reference should have had. Name it.
            foreach (var (a, _) in full.Choices.Leaves)
                if (!latent.Contains(a))
                    throw new ArgumentException($"The reference of conditional SMC on '{_replay.Name}' has no value at '{a}', a choice the model makes given the reference's other choices.", nameof(reference));
            if (double.IsNegativeInfinity(full.Score) || double.IsNaN(full.Score))
                throw new ArgumentException($"The reference of conditional SMC on '{_replay.Name}' has zero density given the observations (log density {full.Score}).", nameof(reference));
        }
        var start = Sequential.Start(paused, _args, rng);
        var traces = Enumerable.Repeat(start, n).ToArray();
        var lw = Enumerable.Repeat(-Math.Log(n), n).ToArray();
        var referencePrefix = start;
        for (var k = 1; ; k++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            if (Enumerable.Range(0, n).All(i => traces[i].Return.Finished || double.IsNegativeInfinity(lw[i]))) break;
            if (k > 1)
            {
                // Ancestor sampling (Lindsten, Jordan and Schön 2014): the reference's remaining choices are grafted onto a
                // prefix drawn ∝ its weight times how well it explains them, γ(prefix ∪ rest) / γₖ₋₁(prefix). It is drawn
                // from the same weights the others resample from, before they do.
                var before = (ITrace<(TArgs Args, int Pauses), Paused<TRet>>[])traces.Clone();
                var graft = full is not null && ancestorSampling ? SampleAncestor(paused, full, referencePrefix, before, lw, rng) : 0;
                Resample(traces, lw, full is not null, rng);
                if (graft > 0)
                {
                    // The new reference: that particle's prefix (its trace at pause k − 1) with the old reference's rest.
                    full = paused.Generate((_args, int.MaxValue), Graft(before[graft].Choices, Rest(full!, referencePrefix)), rng).Trace;
                    traces[0] = before[graft];
                    referencePrefix = before[graft];
                }
            }
            var previous = referencePrefix;
            ParticleParallel.For(n, rng, options, (i, r) =>
            {
                if (i == 0 && full is not null)
                {
                    // The reference's prefix up to pause k: its full trace moved back to k (nothing drawn), and the increment
                    // the prefix adds, measured as the bootstrap increments are: new Observe/Factor log densities.
                    // Past its last pause the prefix is the whole reference (the run to the end).
                    var prefix = k > full.Return.ScorePoints ? full : paused.Update(full, (_args, k), ChoiceMap.Empty, r).Trace;
                    lw[0] += paused.Project(prefix, Selection.None) - paused.Project(previous, Selection.None);
                    traces[0] = prefix;
                    return;
                }
                if (double.IsNegativeInfinity(lw[i])) return;
                var (t, w) = traces[i].Advance(r);
                traces[i] = t;
                lw[i] += w;
            });
            referencePrefix = traces[0];
            if (lw.All(double.IsNegativeInfinity))
                throw new InferenceException($"Conditional SMC on '{_replay.Name}': every particle weight is zero at pause {k}; check the observations against the model's support.");
        }
        var max = lw.Max();
        var chosen = traces[rng.DrawIndex(lw.Select(w => Math.Exp(w - max)).ToArray())];
        return Without(chosen.Choices, Observed).Merge(fixedChoices);
    }

    /// <summary>The reference's choices made after its prefix (those its prefix trace does not have).</summary>
    private static ChoiceMap Rest(ITrace full, ITrace prefix)
    {
        var rest = ChoiceMap.Empty;
        foreach (var (a, v) in full.Choices.Leaves)
            if (!prefix.Choices.Contains(a)) rest = rest.Set(a, v);
        return rest;
    }

    private static ChoiceMap Graft(ChoiceMap prefix, ChoiceMap rest) => prefix.Merge(rest);

    /// <summary>
    /// The ancestor of the reference's rest: i ∝ wᵢ γ(xᵢ ∪ rest) / γₖ₋₁(xᵢ), with γ the paused model's joint density
    /// (Assess at the end; the trace's score at pause k − 1). A graft the model cannot run (a choice it needs missing, or
    /// one it never visits, when the structure depends on the prefix) has density zero.
    /// </summary>
    private int SampleAncestor(IGenerativeFunction<(TArgs Args, int Pauses), Paused<TRet>> paused, ITrace<(TArgs Args, int Pauses), Paused<TRet>> full,
        ITrace<(TArgs Args, int Pauses), Paused<TRet>> referencePrefix, ITrace<(TArgs Args, int Pauses), Paused<TRet>>[] traces, double[] lw, Rng rng)
    {
        var rest = Rest(full, referencePrefix);
        var logs = new double[traces.Length];
        for (var i = 0; i < traces.Length; i++)
        {
            if (double.IsNegativeInfinity(lw[i]) || double.IsNegativeInfinity(traces[i].Score)) { logs[i] = double.NegativeInfinity; continue; }
            double joint;
            if (i == 0) joint = full.Score;
            else
            {
                try { joint = paused.Assess((_args, int.MaxValue), Graft(traces[i].Choices, rest)).Weight; }
                catch (ModelException e) when (e is not ModelCodeException) { joint = double.NegativeInfinity; }
            }
            logs[i] = double.IsNegativeInfinity(joint) ? double.NegativeInfinity : lw[i] + joint - traces[i].Score;
        }
        var max = logs.Max();
        return rng.DrawIndex(logs.Select(l => double.IsNaN(l) ? 0 : Math.Exp(l - max)).ToArray());
    }

    /// <summary>
    /// Resampling at every pause, each offspring with weight Z/N. Conditional: particle 0 keeps the reference (its own
    /// parent) and the others draw their parents multinomially from all N, the scheme whose kernel is proven to leave the
    /// posterior invariant; unconditional: multinomial for all.
    /// </summary>
    private static void Resample(ITrace<(TArgs Args, int Pauses), Paused<TRet>>[] traces, double[] lw, bool conditional, Rng rng)
    {
        var n = traces.Length;
        var logZ = MathUtil.LogSumExp(lw);
        var weights = lw.Select(w => Math.Exp(w - logZ)).ToArray();
        var ancestors = new int[n];
        if (conditional) Resamplers.Categorical(weights, ancestors.AsSpan(1), rng);
        else Resamplers.Categorical(weights, ancestors, rng);
        var parents = ancestors.Select(a => traces[a]).ToArray();
        Array.Copy(parents, traces, n);
        Array.Fill(lw, logZ - Math.Log(n));
    }
}
