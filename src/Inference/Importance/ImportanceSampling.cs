namespace Ppl.Inference.Importance;

/// <summary>
/// Importance sampling over any generative function: N particles, each a trace consistent with the
/// observations, weighted by p/q. With the prior as proposal the weight is Generate's weight; with a
/// custom proposal generative function q, whose choices use the model's addresses, the weight is
/// log p(observations, proposed choices) − log q(proposed choices). Particles run in parallel, each on
/// its own random stream split from the caller's in a fixed order, so results depend only on the seed.
/// </summary>
public static partial class ImportanceSampling
{
    /// <summary>Importance sampling with the model's prior as proposal.</summary>
    /// <param name="model">The model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of the observed choices.</param>
    /// <param name="particles">Number of particles N ≥ 1.</param>
    /// <param name="rng">Random source (split into one stream per particle).</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static WeightedSamples<ITrace<TArgs, TRet>> Run<TArgs, TRet>(
        IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, int particles, Rng rng,
        RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        ObservationCheck.RequireNoNaN(observations, model.Name);
        return RunParticles(particles, rng, options, r => model.Generate(args, observations, r));
    }

    /// <summary>Importance sampling with a custom proposal generative function.</summary>
    /// <param name="model">The model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of the observed choices.</param>
    /// <param name="proposal">A generative function whose choices are (some of) the model's latent choices, at the model's addresses.</param>
    /// <param name="proposalArgs">The proposal's arguments.</param>
    /// <param name="particles">Number of particles N ≥ 1.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static WeightedSamples<ITrace<TArgs, TRet>> Run<TArgs, TRet, TPArgs, TPRet>(
        IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations,
        IGenerativeFunction<TPArgs, TPRet> proposal, TPArgs proposalArgs, int particles, Rng rng,
        RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(observations);
        ObservationCheck.RequireNoNaN(observations, model.Name);
        return RunParticles(particles, rng, options, r =>
        {
            var (proposed, logQ, _) = proposal.Propose(proposalArgs, r);
            ChoiceMap constraints;
            try
            {
                constraints = observations.Merge(proposed);
            }
            catch (ArgumentException e)
            {
                throw new ModelException($"The proposal '{proposal.Name}' proposes a value at an observed address: {e.Message}", null, e);
            }
            var (trace, logP) = model.Generate(args, constraints, r);
            return new GenerateResult<TArgs, TRet>(trace, logP - logQ);
        });
    }

    private static WeightedSamples<ITrace<TArgs, TRet>> RunParticles<TArgs, TRet>(
        int particles, Rng rng, RunOptions? options, Func<Rng, GenerateResult<TArgs, TRet>> particle)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        ArgumentNullException.ThrowIfNull(rng);
        options ??= RunOptions.Default;
        var streams = rng.Split(particles);
        var traces = new ITrace<TArgs, TRet>[particles];
        var logWeights = new double[particles];
        var done = 0;
        var report = Math.Max(1, particles / 100);
        ParallelWork.For(particles, options, WorkUnit.Particle, i =>
        {
            var (trace, w) = particle(streams[i]);
            traces[i] = trace;
            logWeights[i] = w;
            var d = Interlocked.Increment(ref done);
            if (options.Progress is { } p && (d % report == 0 || d == particles)) p.Report(new Progress(d, particles));
        });
        return new WeightedSamples<ITrace<TArgs, TRet>>(traces, logWeights);
    }
}
