using Ppl.Distributions.Tensors;

namespace Ppl.Inference.Variational;

/// <summary>Call-site syntax for choosing a site's gradient strategy: <c>t.Sample("b", Bernoulli(p).Mvd())</c>.</summary>
public static class StrategyExtensions
{
    /// <summary>Tags the distribution with <paramref name="strategy"/>.</summary>
    public static StrategicDistribution With(this TensorDistribution distribution, GradientStrategy strategy) => new(distribution, strategy);

    /// <summary>Reparameterisation (explicit or implicit).</summary>
    public static StrategicDistribution Reparam(this TensorDistribution distribution) => new(distribution, GradientStrategy.Reparam);

    /// <summary>REINFORCE, optionally with a baseline.</summary>
    public static StrategicDistribution Reinforce(this TensorDistribution distribution, Baseline? baseline = null) =>
        new(distribution, baseline is null ? GradientStrategy.Reinforce : GradientStrategy.ReinforceWith(baseline));

    /// <summary>Exact enumeration of the finite support.</summary>
    public static StrategicDistribution Enumerate(this TensorDistribution distribution) => new(distribution, GradientStrategy.Enumerate);

    /// <summary>Measure-valued derivative.</summary>
    public static StrategicDistribution Mvd(this TensorDistribution distribution) => new(distribution, GradientStrategy.Mvd);

    /// <summary>No gradient through the draw (biased unless the distribution has no trainable parameters).</summary>
    public static StrategicDistribution Naive(this TensorDistribution distribution) => new(distribution, GradientStrategy.Naive);
}
