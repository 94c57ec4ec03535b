namespace Ppl.Inference.Smc;

/// <summary>
/// SMC² (Chopin, Jacob and Papaspiliopoulos 2013; papers.md 1.5): an outer SMC over the parameters θ whose
/// particles each carry an inner particle filter over the states. At step t every inner filter takes one step
/// and its incremental Ẑ multiplies the outer weight; when the outer ESS is low the θ-particles are resampled
/// (inner filters copied) and moved by PMMH steps that rerun a fresh inner filter up to t. The outer weight
/// sum is an unbiased estimate of p(y₁..y_T), and the weighted θ-particles target p(θ | y).
/// </summary>
public static partial class Smc2
{
    /// <summary>Runs SMC².</summary>
    /// <param name="model">The state-space model at θ (every θ must give the same number of steps).</param>
    /// <param name="samplePrior">Draws θ from its prior.</param>
    /// <param name="logPrior">log p(θ).</param>
    /// <param name="propose">PMMH proposal: θ′ given θ, with log q(θ | θ′) − log q(θ′ | θ).</param>
    /// <param name="parameterParticles">Number of θ-particles.</param>
    /// <param name="stateParticles">Particles per inner filter.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="moves">PMMH steps per θ-particle after each outer resampling.</param>
    /// <param name="essThreshold">Resample θ-particles when their ESS &lt; threshold · count.</param>
    /// <param name="options">Parallelism (over θ-particles), progress (per step) and cancellation.</param>
    public static Smc2Result<TParam> Run<TModel, TState, TParam>(Func<TParam, TModel> model, Func<Rng, TParam> samplePrior,
        Func<TParam, double> logPrior, Func<TParam, Rng, (TParam Proposed, double LogProposalRatio)> propose,
        int parameterParticles, int stateParticles, Rng rng, int moves = 1, double essThreshold = 0.5, RunOptions? options = null)
        where TModel : IStateSpaceModel<TState>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samplePrior);
        ArgumentNullException.ThrowIfNull(logPrior);
        ArgumentNullException.ThrowIfNull(propose);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameterParticles, 1);
        options ??= RunOptions.Default;
        var inner = new RunOptions { MaxDegreeOfParallelism = 1, Cancellation = options.Cancellation };
        ParticleFilter<TModel, TState> Start(TParam theta, Rng r) => new(model(theta), stateParticles, r.Split(), null, inner);
        var filters = new Smc2Filters<TParam, ParticleFilter<TModel, TState>>(Start,
            (filter, _, _) =>
            {
                filter.Step();
                return filter;
            },
            filter => filter.LogEvidence,
            (filter, r) => filter.Clone(r.Split()));
        return Smc2Loop.Run(filters, filter => filter.Model.Steps, 1, samplePrior, logPrior, propose, parameterParticles, rng, moves, essThreshold, options,
            t => $"SMC²: every one of the {parameterParticles} θ-particle weights is zero after step {t + 1}; no θ drawn from the prior explains the data up to there.");
    }
}

/// <summary>The outcome of <see cref="Smc2"/>.</summary>
public sealed class Smc2Result<TParam> : IPosteriorResult
{
    internal Smc2Result(TParam[] parameters, double[] logWeights, double logEvidence, IReadOnlyList<SmcStep> steps, IReadOnlyList<int[]?> ancestry, double acceptanceRate)
    {
        Parameters = parameters;
        LogWeights = logWeights;
        LogEvidence = logEvidence;
        Steps = steps;
        Ancestry = ancestry;
        AcceptanceRate = acceptanceRate;
    }

    /// <summary>The final θ-particles.</summary>
    public IReadOnlyList<TParam> Parameters { get; }

    /// <summary>Their unnormalised log weights; log-sum-exp = <see cref="LogEvidence"/>.</summary>
    public IReadOnlyList<double> LogWeights { get; }

    /// <summary>log Ẑ of p(y₁..y_T) with θ integrated out; Ẑ is unbiased.</summary>
    public double LogEvidence { get; }

    /// <summary>Outer ESS, resampling and running log Ẑ per step.</summary>
    public IReadOnlyList<SmcStep> Steps { get; }

    /// <summary>Per step, the θ-particles' parents after resampling (null where none).</summary>
    public IReadOnlyList<int[]?> Ancestry { get; }

    /// <summary>Fraction of PMMH moves accepted (NaN when none was tried).</summary>
    public double AcceptanceRate { get; }

    /// <summary>Σ wᵢ f(θᵢ): unbiased for Z·E[f(θ) | y].</summary>
    public double WeightedSum(Func<TParam, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double s = 0;
        for (var i = 0; i < Parameters.Count; i++) s += Math.Exp(LogWeights[i]) * f(Parameters[i]);
        return s;
    }

    /// <summary>The self-normalised posterior mean of f(θ).</summary>
    public double Mean(Func<TParam, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double s = 0;
        for (var i = 0; i < Parameters.Count; i++) s += Math.Exp(LogWeights[i] - LogEvidence) * f(Parameters[i]);
        return s;
    }

    /// <summary>
    /// The weighted θ-particles as a <see cref="Posterior"/> with the log evidence: for θ given as choices
    /// (<see cref="Smc2.Model{TArgs, TRet}"/>) its scalar choices by address; for a scalar θ (double, int, bool) one
    /// quantity named "θ". The evidence's standard error is NaN (one SMC run gives none).
    /// </summary>
    public Posterior ToPosterior()
    {
        var algorithm = $"SMC² ({Parameters.Count} θ-particles)";
        if (Parameters is IReadOnlyList<ChoiceMap> choices) return ChoiceChain.ToWeightedPosterior(algorithm, choices, LogWeights, LogEvidence);
        var values = Parameters.Select(p => new[]
        {
            p switch
            {
                double d => d,
                int i => i,
                bool b => b ? 1.0 : 0.0,
                _ => throw new NotSupportedException($"SMC²'s θ of type {typeof(TParam).Name} has no scalar quantities to convert; compute them with Mean(f) or WeightedSum(f)."),
            },
        }).ToArray();
        return new Posterior(algorithm, ["θ"], values, LogWeights, logEvidence: LogEvidence);
    }

    /// <summary>A printable summary of the outer SMC.</summary>
    public string Summary(int maxRows = 20)
    {
        return SmcSummary.Table($"SMC² (PMMH acceptance {AcceptanceRate:F2})", Parameters.Count, LogEvidence, SmcSummary.KishEss(LogWeights, LogEvidence), Steps,
            SmcSummary.SurvivingLineages(Ancestry, Parameters.Count), maxRows);
    }
}
