using MathNet.Numerics;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of uniform distributions on the unit sphere Sⁿ⁻¹ = {x ∈ ℝⁿ : ‖x‖ = 1}, n ≥ 2, over the last dimension: log p(x)
/// = log Γ(n/2) − log 2 − (n/2) log π (the reciprocal of the sphere's area) with respect to its surface measure; −∞ off
/// the sphere (a norm more than 1e-8 from 1 in float64, 1e-5 in lower precision). It has no parameters, so the
/// dimension, batch shape, dtype and device are given. Draws normalise standard normal vectors.
/// </summary>
public sealed class UnitVector : TensorDistribution
{
    /// <summary>Creates the uniform distribution on the unit sphere in ℝ^<paramref name="dimension"/> (default dtype and CPU unless given).</summary>
    public UnitVector(long dimension, long[]? batchShape = null, ScalarType? dtype = null, Device? device = null)
        : base(batchShape ?? [], [dimension], device ?? CPU, dtype ?? get_default_dtype()) => Dimension = dimension;

    /// <summary>The dimension n of the vectors.</summary>
    public long Dimension { get; }

    /// <inheritdoc />
    public override string Family => "UnitVector";

    /// <inheritdoc />
    public override Support Support => Support.UnitSphereOf((int)Math.Min(Dimension, int.MaxValue));

    /// <inheritdoc />
    public override string? ParameterError => Dimension >= 2 ? null : $"dimension must be at least 2, got {Dimension}";

    /// <summary>0: the sphere is symmetric under x ↦ −x.</summary>
    public override Tensor Mean => zeros(ExtendedShape([]), DType, Device);

    /// <summary>1/n: each coordinate's square averages to 1/n, as the n squares sum to 1.</summary>
    public override Tensor Variance => TensorArithmetic.Full(ExtendedShape([]), 1.0 / Dimension, DType, Device);

    /// <inheritdoc />
    public override ITensorBijector Bijector => new UnitVectorTensorBijector(Math.Max(Dimension, 2));

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new UnitVector(Dimension, batchShape, DType, Device);

    /// <summary>−log of the area of Sⁿ⁻¹, 2π^(n/2)/Γ(n/2).</summary>
    internal static double LogUniform(long n) => SpecialFunctions.GammaLn(0.5 * n) - Math.Log(2) - 0.5 * n * Math.Log(Math.PI);

    /// <summary>Whether each vector (last dimension) of <paramref name="value"/> has norm 1, to a tolerance suited to its dtype.</summary>
    internal static Tensor OnSphere(Tensor value) =>
        value.Squared().sum(-1).sqrt().Minus(1.0).abs().Le(value.dtype == ScalarType.Float64 ? 1e-8 : 1e-5);

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => UniformDirections(ExtendedShape(sampleShape), DType, Device, generator);

    /// <summary>Uniform draws on the sphere of the last dimension of <paramref name="shape"/>: standard normal vectors over their norms.</summary>
    internal static Tensor UniformDirections(long[] shape, ScalarType dtype, Device device, Generator? generator)
    {
        // A zero vector (probability 0, but float32 underflow is not impossible) would divide 0 by 0; its norm is held above 0.
        var y = randn(shape, dtype, device, generator: generator);
        return y / y.Squared().sum(-1, keepdim: true).sqrt().ClampMin(1e-30);
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        if (value.dim() < 1 || value.shape[^1] != Dimension)
            throw new ArgumentException($"UnitVector({Dimension}) scores vectors of length {Dimension} in the last dimension, got shape [{string.Join(", ", value.shape)}].", nameof(value));
        var shape = TensorParams.BroadcastShapes(value.shape[..^1], BatchShape);
        var lp = TensorArithmetic.Full(shape, LogUniform(Dimension), DType, Device);
        return MaskSupport(lp, OnSphere(value).expand(shape));
    }
}
