namespace Ppl.Inference.Smc;

// Particle Gibbs on a model written once: the state is every latent choice, the parameters are the model's own choices
// named by a selection, held fixed (as observations) during each conditional SMC sweep and moved by MH between sweeps.
public static partial class ParticleGibbs
{
    /// <summary>
    /// Runs a particle Gibbs chain on any model Ppl can pause at its observations (a <c>[Model]</c> method's generated
    /// function, through its replay form, or a <see cref="DynamicModel{TArgs, TRet}"/>). Each iteration (1) runs a
    /// conditional SMC sweep (<see cref="ConditionalSmc.Run{TArgs, TRet}(IGenerativeFunction{TArgs, TRet}, TArgs, ChoiceMap, ChoiceMap, int, Rng, RunOptions?, bool)"/>)
    /// with the current choices as reference and the parameters (<see cref="ParticleGibbsSettings.Parameters"/>) held
    /// at their current values, then (2) moves the parameters by Metropolis–Hastings on the full trace, proposing them
    /// from their prior through <c>Regenerate</c>. Both steps leave the posterior of all latent choices invariant.
    /// Without parameters it is the iterated conditional SMC kernel on every latent choice.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of observed Sample sites (empty when the model observes everything itself).</param>
    /// <param name="particles">N ≥ 2 particles per sweep.</param>
    /// <param name="iterations">Chain length.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="settings">Parameters, MH steps per iteration, starting choices.</param>
    /// <param name="options">Progress (per iteration) and cancellation; sweeps run on one thread.</param>
    /// <param name="parameterKernel">Another kernel for the parameter moves in place of prior-proposal MH (e.g.
    /// <see cref="Mcmc.EnumerativeGibbs{TArgs, TRet}"/> for a discrete parameter): an MCMC trace kernel, run
    /// <see cref="ParticleGibbsSettings.ParameterSteps"/> times per iteration on the full trace of the model's replay form (a
    /// <see cref="DynamicModel{TArgs, TRet}"/>); its private state is kept between iterations. It must change only the
    /// parameters' values, which the next sweep then holds.</param>
    /// <exception cref="UnknownAddressException">A parameter address that names no choice of the model.</exception>
    public static ParticleGibbsModelResult Model<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations,
        int particles, int iterations, Rng rng, ParticleGibbsSettings? settings = null, RunOptions? options = null,
        Mcmc.IKernel<Mcmc.TraceState<TArgs, TRet>>? parameterKernel = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        settings ??= ParticleGibbsSettings.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(settings.ParameterSteps);
        options ??= RunOptions.Default;
        var inner = new RunOptions { MaxDegreeOfParallelism = 1, Cancellation = options.Cancellation };
        var csmc = new ModelConditionalSmc<TArgs, TRet>(model, args, observations);
        var parameters = settings.Parameters ?? Selection.None;
        var current = settings.Initial is { } initial
            ? ModelConditionalSmc<TArgs, TRet>.Without(initial, csmc.Observed)
            : csmc.Sweep(null, ChoiceMap.Empty, particles, rng.Split(), inner);
        // The full trace of the conditioned model at the current choices: where the parameter moves run, and the check
        // that the selection names choices of the model (a misspelled parameter would otherwise never move).
        ITrace<TArgs, TRet> Full(ChoiceMap choices) => csmc.Replay.Generate(args, observations.Merge(choices), rng).Trace;
        if (!parameters.IsNone) SelectionCheck.Require(new ITrace[] { Full(current) }, parameters, "ParticleGibbs.Model");
        if (parameterKernel is not null && parameters.IsNone)
            throw new ArgumentException("A parameter kernel needs the parameters it moves named in settings.Parameters (the sweeps hold them).", nameof(parameterKernel));
        var kernelStates = System.Collections.Immutable.ImmutableDictionary<object, object>.Empty.WithComparers(ReferenceEqualityComparer.Instance);
        var chain = new ChoiceMap[iterations];
        long tried = 0, accepted = 0;
        for (var i = 0; i < iterations; i++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            var held = parameters.IsNone ? ChoiceMap.Empty : Select(current, parameters);
            current = csmc.Sweep(current, held, particles, rng.Split(), inner, settings.AncestorSampling);
            if (!parameters.IsNone && settings.ParameterSteps > 0)
            {
                var trace = Full(current);
                for (var s = 0; s < settings.ParameterSteps; s++)
                {
                    bool moved;
                    if (parameterKernel is null) (trace, moved) = Mcmc.MetropolisHastings<TArgs, TRet>.Step(trace, parameters, rng);
                    else
                    {
                        var state = parameterKernel.Step(new Mcmc.TraceState<TArgs, TRet>(trace, kernelStates, default), rng);
                        (trace, kernelStates, moved) = (state.Trace, state.KernelStates, state.Stats.Accepted);
                    }
                    tried++;
                    if (moved) accepted++;
                }
                current = ModelConditionalSmc<TArgs, TRet>.Without(trace.Choices, csmc.Observed);
            }
            chain[i] = current;
            options.Progress?.Report(new Progress(i + 1, iterations));
        }
        return new ParticleGibbsModelResult(model.Name, chain, tried == 0 ? double.NaN : (double)accepted / tried);
    }

    private static ChoiceMap Select(ChoiceMap choices, Selection selection)
    {
        var kept = ChoiceMap.Empty;
        foreach (var (a, v) in choices.Leaves)
            if (selection.Contains(a)) kept = kept.Set(a, v);
        return kept;
    }
}

/// <summary>Settings of <see cref="ParticleGibbs.Model{TArgs, TRet}"/>.</summary>
public sealed record ParticleGibbsSettings
{
    /// <summary>No parameters (iterated conditional SMC on every latent choice), one MH step, an initial filter draw.</summary>
    public static ParticleGibbsSettings Default { get; } = new();

    /// <summary>
    /// The parameters: choices held fixed during each conditional SMC sweep and moved between sweeps by MH with prior
    /// proposals (null: none). They must be drawn, in every run of the model, no later than they are in the reference.
    /// </summary>
    public Selection? Parameters { get; init; }

    /// <summary>Ancestor sampling in the conditional SMC sweeps (see <see cref="ConditionalSmc"/>'s model overload).</summary>
    public bool AncestorSampling { get; init; } = true;

    /// <summary>MH steps on the parameters per iteration.</summary>
    public int ParameterSteps { get; init; } = 1;

    /// <summary>The starting latent choices (null: one particle of an unconditional bootstrap filter, drawn ∝ its weight).</summary>
    public ChoiceMap? Initial { get; init; }
}

/// <summary>A particle Gibbs chain on a model: the latent choices after each iteration.</summary>
/// <param name="ModelName">The model's name, for messages.</param>
/// <param name="Chain">The latent choices (observed addresses excluded) after each iteration.</param>
/// <param name="ParameterAcceptanceRate">Fraction of parameter moves that changed the trace (NaN without parameters).</param>
public sealed record ParticleGibbsModelResult(string ModelName, IReadOnlyList<ChoiceMap> Chain, double ParameterAcceptanceRate)
{
    /// <summary>The chain's scalar choices as a one-chain <see cref="Posterior"/>, dropping the first <paramref name="burnIn"/> sweeps.</summary>
    public Posterior ToPosterior(int burnIn = 0) => ChoiceChain.ToPosterior("particle Gibbs", Chain, burnIn);

    /// <summary>
    /// The chain of the scalar choice at <paramref name="address"/> (double, int or bool as 0/1), e.g. for
    /// <see cref="Diagnostics.ConvergenceDiagnostics"/>. Throws <see cref="ArgumentException"/> naming the address when a draw lacks it.
    /// </summary>
    public double[] Values(Address address) => Chain.Select(c => ChoiceValues.Scalar(c, address, ModelName)).ToArray();

    /// <summary>The chain average of the scalar choice at <paramref name="address"/> (burn-in draws excluded).</summary>
    public double Mean(Address address, int burnIn = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(burnIn);
        if (burnIn >= Chain.Count) throw new ArgumentOutOfRangeException(nameof(burnIn), $"Burn-in {burnIn} leaves none of the {Chain.Count} draws.");
        return Values(address).Skip(burnIn).Average();
    }
}
