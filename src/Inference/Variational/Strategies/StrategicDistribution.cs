using Ppl.Distributions;
using Ppl.Distributions.Tensors;
using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// A tensor distribution tagged with the gradient strategy of the site that samples it. Every handler
/// other than the variational one sees the inner distribution unchanged (sampling and densities are
/// delegated), so a model written with strategies still simulates, generates and assesses as usual.
/// </summary>
public sealed class StrategicDistribution : IDistribution<Tensor>, ITensorLogDensity
{
    /// <summary>Tags <paramref name="inner"/> with <paramref name="strategy"/>.</summary>
    public StrategicDistribution(TensorDistribution inner, GradientStrategy strategy)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Strategy = strategy ?? throw new ArgumentNullException(nameof(strategy));
        if (strategy.Kind == StrategyKind.Reparam && !inner.HasRSample)
            throw new ArgumentException($"{inner.Family} has no reparameterised sampler; use Reinforce, Enumerate or Mvd for it.", nameof(strategy));
        if (strategy.Kind is StrategyKind.Enumerate or StrategyKind.Mvd && !inner.IsDiscrete)
            throw new ArgumentException($"{strategy.Kind} needs a finite discrete family; {inner.Family} is continuous.", nameof(strategy));
    }

    /// <summary>The distribution.</summary>
    public TensorDistribution Inner { get; }

    /// <summary>The site's gradient strategy.</summary>
    public GradientStrategy Strategy { get; }

    /// <inheritdoc />
    public string Family => Inner.Family;

    /// <inheritdoc />
    public bool IsDiscrete => Inner.IsDiscrete;

    /// <inheritdoc />
    public Support Support => Inner.Support;

    /// <inheritdoc />
    public string? ParameterError => Inner.ParameterError;

    /// <inheritdoc />
    public Tensor Sample(Rng rng) => Inner.Sample(rng);

    /// <inheritdoc />
    public double LogDensity(Tensor value) => Inner.LogDensity(value);

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Inner.SampleBoxed(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => Inner.LogDensityBoxed(value);

    /// <inheritdoc />
    public Tensor LogDensityTensor(Tensor value) => Inner.LogDensityTensor(value);

    /// <inheritdoc />
    public override string ToString() => $"{Inner} [{Strategy}]";
}
