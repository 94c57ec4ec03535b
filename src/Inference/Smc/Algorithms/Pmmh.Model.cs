namespace Ppl.Inference.Smc;

// PMMH on a model written once: the parameters are choices of the model, constrained at each proposal, and bootstrap
// SMC on the model (its resumable state machine or its replay) estimates the evidence of the rest.
public static partial class Pmmh
{
    /// <summary>
    /// PMMH on any model bootstrap SMC can pause (a <c>[Model]</c> method or a dynamic model): the parameters θ are
    /// choices of the model (<paramref name="initial"/> names them by address), the state is everything else. Each
    /// proposal's θ′ is given to <see cref="BootstrapSmc"/> as constrained choices beside <paramref name="observations"/>,
    /// so its evidence estimate Ẑ(θ′) is unbiased for p(θ′, y), the model's own prior of θ included: no separate prior
    /// is written. A θ′ outside the model's support (a zero weight, or a parameter a distribution rejects) is rejected.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Observed values of Sample sites (empty when the model observes its data itself).</param>
    /// <param name="initial">θ₀ as choices by address.</param>
    /// <param name="propose">Draws θ′ given θ, with log q(θ | θ′) − log q(θ′ | θ) (see <see cref="RandomWalk"/>).</param>
    /// <param name="particles">Particles per SMC run.</param>
    /// <param name="iterations">Chain length.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="smc">Resampling settings of the inner SMC.</param>
    /// <param name="options">Progress (per iteration) and cancellation; each SMC run uses one thread.</param>
    public static PmmhResult<ChoiceMap> Model<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, ChoiceMap initial,
        Func<ChoiceMap, Rng, (ChoiceMap Proposed, double LogProposalRatio)> propose, int particles, int iterations, Rng rng,
        SmcOptions? smc = null, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(initial);
        if (initial.IsEmpty) throw new ArgumentException("PMMH needs at least one parameter: give θ₀ as choices by address.", nameof(initial));
        var inner = new RunOptions { MaxDegreeOfParallelism = 1, Cancellation = options?.Cancellation ?? default };
        // The start is evaluated without the rejection below, so a model or observation error (a misspelled address, a
        // θ₀ outside the support) surfaces with its own message instead of as a zero likelihood.
        var started = false;
        double LogJoint(ChoiceMap theta, Rng r)
        {
            if (!started)
            {
                started = true;
                return BootstrapSmc.Run(model, args, observations.Merge(theta), particles, r, smc, inner).LogEvidence;
            }
            try
            {
                return BootstrapSmc.Run(model, args, observations.Merge(theta), particles, r, smc, inner).LogEvidence;
            }
            catch (Exception e) when (Mcmc.DensityErrors.IsRejection(e) || e is InferenceException)
            {
                // θ′ outside the support: every particle has weight zero, or a distribution rejects its parameter.
                return double.NegativeInfinity;
            }
        }
        return Run(LogJoint, _ => 0.0, propose, initial, iterations, rng, options);
    }

    /// <summary>
    /// A Gaussian random walk on continuous parameters: each address moves by N(0, scale²), symmetric (log ratio 0).
    /// Addresses not listed keep their values.
    /// </summary>
    public static Func<ChoiceMap, Rng, (ChoiceMap, double)> RandomWalk(IReadOnlyDictionary<Address, double> scales)
    {
        ArgumentNullException.ThrowIfNull(scales);
        foreach (var (a, s) in scales)
            if (!(s > 0) || double.IsInfinity(s)) throw new ArgumentException($"The random-walk scale at '{a}' must be positive and finite, got {s}.", nameof(scales));
        return (theta, rng) =>
        {
            var next = theta;
            foreach (var (address, scale) in scales)
            {
                if (!theta.TryGetValue(address, out var v) || v is not double x)
                    throw new ArgumentException($"The random walk moves '{address}', which is not a double parameter of θ.", nameof(scales));
                next = next.Set(address, x + scale * rng.NextGaussian());
            }
            return (next, 0.0);
        };
    }
}
