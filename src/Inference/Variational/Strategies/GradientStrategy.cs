using Ppl.Distributions.Tensors;

namespace Ppl.Inference.Variational;

/// <summary>The kinds of gradient estimator a random choice can contribute (papers.md §2.3).</summary>
public enum StrategyKind
{
    /// <summary>Pathwise: the draw is a differentiable function of the parameters (explicit or implicit reparameterisation).</summary>
    Reparam,

    /// <summary>Score function: stop_grad(l − b)·∇log p(v), optionally with a baseline b.</summary>
    Reinforce,

    /// <summary>Exact: Σ_v p(v)·l(v), the rest of the program re-run once per support value.</summary>
    Enumerate,

    /// <summary>Measure-valued derivative: the rest re-run at the counterfactual values, weighted by ∇p.</summary>
    Mvd,

    /// <summary>
    /// Naive: the draw carries no gradient and no correction is added. Biased whenever the distribution
    /// depends on the parameters; it is the negative control of the unbiasedness tests and the right
    /// choice for parameter-free draws (e.g. a uniform).
    /// </summary>
    Naive,
}

/// <summary>
/// How one random choice contributes to the gradient estimate of an objective. Chosen at the call site,
/// by wrapping the distribution: <c>t.Sample("b", Bernoulli(p).With(GradientStrategy.Mvd))</c> or the
/// shorthands <c>.Reinforce()</c>, <c>.Enumerate()</c>, <c>.Mvd()</c>. Unwrapped sites get
/// <see cref="DefaultFor"/>. Outside variational inference the wrapper is transparent.
/// </summary>
public sealed class GradientStrategy
{
    private GradientStrategy(StrategyKind kind, Baseline? baseline)
    {
        Kind = kind;
        Baseline = baseline;
    }

    /// <summary>The kind of estimator.</summary>
    public StrategyKind Kind { get; }

    /// <summary>The control variate of a REINFORCE site, or null.</summary>
    public Baseline? Baseline { get; }

    /// <summary>Reparameterisation (needs <see cref="TensorDistribution.HasRSample"/>; Gamma, Beta, Dirichlet use implicit reparameterisation).</summary>
    public static GradientStrategy Reparam { get; } = new(StrategyKind.Reparam, null);

    /// <summary>REINFORCE without a baseline.</summary>
    public static GradientStrategy Reinforce { get; } = new(StrategyKind.Reinforce, null);

    /// <summary>Enumeration of a finite support (one scalar value per particle).</summary>
    public static GradientStrategy Enumerate { get; } = new(StrategyKind.Enumerate, null);

    /// <summary>Measure-valued derivative (Bernoulli with one counterfactual run; finite families with K − 1).</summary>
    public static GradientStrategy Mvd { get; } = new(StrategyKind.Mvd, null);

    /// <summary>No gradient through the draw and no correction (see <see cref="StrategyKind.Naive"/>).</summary>
    public static GradientStrategy Naive { get; } = new(StrategyKind.Naive, null);

    /// <summary>REINFORCE with the control variate <paramref name="baseline"/>.</summary>
    public static GradientStrategy ReinforceWith(Baseline baseline) =>
        new(StrategyKind.Reinforce, baseline ?? throw new ArgumentNullException(nameof(baseline)));

    /// <summary>
    /// The strategy of a site without a wrapper: reparameterisation when the family has a reparameterised
    /// sampler, REINFORCE otherwise (discrete families).
    /// </summary>
    public static GradientStrategy DefaultFor(TensorDistribution distribution) =>
        distribution.HasRSample ? Reparam : Reinforce;

    /// <inheritdoc />
    public override string ToString() => Baseline is null ? Kind.ToString() : $"{Kind}({Baseline})";
}
