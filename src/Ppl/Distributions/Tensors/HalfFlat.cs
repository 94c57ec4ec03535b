using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of improper flat priors on [0, ∞): log density 0 at every non-negative real (Stan's
/// <c>real&lt;lower=0&gt;</c> parameter with no prior statement). It has no parameters, so the batch shape, dtype
/// and device are given. It is not a probability distribution, so sampling throws
/// <see cref="ImproperDistributionException"/>; use it only where the posterior is proper, with inference that starts
/// from the density (NUTS, HMC, MALA) or for choices that are given a value.
/// </summary>
public sealed class HalfFlat : TensorDistribution
{
    /// <summary>Creates the half-flat prior over a batch of shape <paramref name="batchShape"/> (default dtype and CPU unless given).</summary>
    public HalfFlat(long[] batchShape, ScalarType? dtype = null, Device? device = null)
        : base(batchShape ?? throw new ArgumentNullException(nameof(batchShape)), [], device ?? CPU, dtype ?? get_default_dtype()) { }

    /// <inheritdoc />
    public override string Family => "HalfFlat";

    /// <inheritdoc />
    public override Support Support => Support.Positive;

    /// <summary>Always null: the family has no parameters.</summary>
    public override string? ParameterError => null;

    /// <summary>NaN: an improper prior has no mean.</summary>
    public override Tensor Mean => TensorArithmetic.Full(BatchShape, double.NaN, DType, Device);

    /// <summary>NaN: an improper prior has no variance.</summary>
    public override Tensor Variance => TensorArithmetic.Full(BatchShape, double.NaN, DType, Device);

    /// <inheritdoc />
    public override ITensorBijector Bijector => ExpTensorBijector.Instance;

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new HalfFlat(batchShape, DType, Device);

    /// <summary>Throws <see cref="ImproperDistributionException"/>: an improper prior cannot be sampled.</summary>
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => throw new ImproperDistributionException(Family);

    /// <summary>0 for every finite value ≥ 0; −∞ below 0, for NaN and for +∞.</summary>
    protected override Tensor LogProbCore(Tensor value) =>
        ImproperLogProb.Zero(value, BatchShape, value.Ge(0.0).logical_and(value.isfinite()));
}
