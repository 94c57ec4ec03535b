using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of Cauchy distributions with location and scale.</summary>
public sealed class Cauchy : TensorDistribution
{
    /// <summary>Creates Cauchy(<paramref name="loc"/>, <paramref name="scale"/>).</summary>
    public Cauchy(Tensor loc, Tensor scale) : this(TensorParams.Broadcast(loc, scale)) { }

    private Cauchy(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Loc = p[0];
        Scale = p[1];
    }

    /// <summary>The locations (medians).</summary>
    public Tensor Loc { get; }

    /// <summary>The scales (half-widths at half-maximum).</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override string Family => "Cauchy";

    /// <inheritdoc />
    public override Support Support => Support.Real;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(() => TensorChecks.Finite("loc", Loc), () => TensorChecks.Positive("scale", Scale));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <summary>NaN: the Cauchy distribution has no mean.</summary>
    public override Tensor Mean => Loc.FullLike(double.NaN);

    /// <summary>+∞.</summary>
    public override Tensor Variance => Loc.FullLike(double.PositiveInfinity);

    /// <inheritdoc />
    public override ITensorBijector Bijector => new IdentityTensorBijector([]);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Cauchy(Loc.expand(batchShape), Scale.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        Loc.Plus(Scale * RandOpen(ExtendedShape(sampleShape), generator).Minus(0.5).Times(Math.PI).tan());

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var z = (value - Loc) / Scale;
        return Scale.log().SubtractedFrom(-Math.Log(Math.PI)) - (z * z).log1p();
    }
}
