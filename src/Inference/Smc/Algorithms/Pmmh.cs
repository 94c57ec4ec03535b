namespace Ppl.Inference.Smc;

/// <summary>
/// Particle marginal Metropolis–Hastings (Andrieu, Doucet and Holenstein 2010; papers.md 1.5): MH on the
/// parameters θ with the intractable likelihood p(y | θ) replaced by an SMC estimate Ẑ(θ). Because Ẑ is
/// unbiased, the chain leaves the exact posterior p(θ | y) invariant (pseudo-marginal argument); the
/// current state's estimate is kept, never recomputed. The likelihood estimator is any function of θ that
/// returns an unbiased Ẑ on the log scale: <see cref="StateSpaceSmc"/>, <see cref="UnfoldSmc"/>, <see cref="BootstrapSmc"/>.
/// </summary>
public static partial class Pmmh
{
    /// <summary>Runs one PMMH chain.</summary>
    /// <param name="logLikelihoodEstimate">log Ẑ(θ) from an SMC run with the given stream; Ẑ must be unbiased.</param>
    /// <param name="logPrior">log p(θ) (−∞ outside the support: such proposals are rejected without running SMC).</param>
    /// <param name="propose">Draws θ′ given θ; returns it with log q(θ | θ′) − log q(θ′ | θ) (0 for a symmetric proposal).</param>
    /// <param name="initial">θ₀ (must have positive prior density and likelihood).</param>
    /// <param name="iterations">Chain length (the initial state is not included).</param>
    /// <param name="rng">Random source.</param>
    /// <param name="options">Progress (per iteration) and cancellation.</param>
    public static PmmhResult<TParam> Run<TParam>(Func<TParam, Rng, double> logLikelihoodEstimate, Func<TParam, double> logPrior,
        Func<TParam, Rng, (TParam Proposed, double LogProposalRatio)> propose, TParam initial, int iterations, Rng rng, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(logLikelihoodEstimate);
        ArgumentNullException.ThrowIfNull(logPrior);
        ArgumentNullException.ThrowIfNull(propose);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        options ??= RunOptions.Default;
        var theta = initial;
        var prior = logPrior(theta);
        var logLik = logLikelihoodEstimate(theta, rng.Split());
        if (!(prior + logLik > double.NegativeInfinity))
            throw new ArgumentException($"The initial parameters {theta} have prior log density {prior} and estimated log likelihood {logLik}; PMMH needs both finite.", nameof(initial));
        var chain = new TParam[iterations];
        var logLiks = new double[iterations];
        var accepted = 0;
        for (var i = 0; i < iterations; i++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            var (proposed, logRatio) = propose(theta, rng);
            var proposedPrior = logPrior(proposed);
            if (proposedPrior > double.NegativeInfinity)
            {
                var proposedLik = logLikelihoodEstimate(proposed, rng.Split());
                var logAccept = proposedPrior + proposedLik - prior - logLik + logRatio;
                if (!double.IsNaN(logAccept) && (logAccept >= 0 || Math.Log(rng.NextOpenDouble()) < logAccept))
                {
                    (theta, prior, logLik) = (proposed, proposedPrior, proposedLik);
                    accepted++;
                }
            }
            chain[i] = theta;
            logLiks[i] = logLik;
            options.Progress?.Report(new Progress(i + 1, iterations));
        }
        return new PmmhResult<TParam>(chain, logLiks, iterations == 0 ? 0 : (double)accepted / iterations);
    }

    /// <summary>PMMH for a parameterised state-space model, with the typed particle filter as the likelihood estimator.</summary>
    /// <param name="model">The model at θ.</param>
    /// <param name="particles">Particles per SMC run.</param>
    /// <param name="logPrior">log p(θ).</param>
    /// <param name="propose">Draws θ′ given θ, with log q(θ | θ′) − log q(θ′ | θ).</param>
    /// <param name="initial">θ₀.</param>
    /// <param name="iterations">Chain length.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="smc">Particle filter settings.</param>
    /// <param name="options">Progress and cancellation; each SMC run uses one thread.</param>
    public static PmmhResult<TParam> StateSpace<TModel, TState, TParam>(Func<TParam, TModel> model, int particles, Func<TParam, double> logPrior,
        Func<TParam, Rng, (TParam Proposed, double LogProposalRatio)> propose, TParam initial, int iterations, Rng rng,
        StateSpaceSmcOptions? smc = null, RunOptions? options = null) where TModel : IStateSpaceModel<TState>
    {
        ArgumentNullException.ThrowIfNull(model);
        var inner = new RunOptions { MaxDegreeOfParallelism = 1, Cancellation = options?.Cancellation ?? default };
        return Run((theta, r) => StateSpaceSmc.LogEvidence<TModel, TState>(model(theta), particles, r, smc, inner), logPrior, propose, initial, iterations, rng, options);
    }
}

/// <summary>A PMMH chain.</summary>
/// <param name="Chain">θ after each iteration.</param>
/// <param name="LogLikelihoods">The log Ẑ(θ) carried with each state.</param>
/// <param name="AcceptanceRate">Fraction of proposals accepted.</param>
public sealed record PmmhResult<TParam>(IReadOnlyList<TParam> Chain, IReadOnlyList<double> LogLikelihoods, double AcceptanceRate);
