using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of Laplace (double exponential) distributions with location and scale.</summary>
public sealed class Laplace : TensorDistribution
{
    /// <summary>Creates Laplace(<paramref name="loc"/>, <paramref name="scale"/>).</summary>
    public Laplace(Tensor loc, Tensor scale) : this(TensorParams.Broadcast(loc, scale)) { }

    private Laplace(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Loc = p[0];
        Scale = p[1];
    }

    /// <summary>The locations.</summary>
    public Tensor Loc { get; }

    /// <summary>The scales b (variance 2b²).</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override string Family => "Laplace";

    /// <inheritdoc />
    public override Support Support => Support.Real;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(() => TensorChecks.Finite("loc", Loc), () => TensorChecks.Positive("scale", Scale));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Loc;

    /// <inheritdoc />
    public override Tensor Variance => Scale.Squared().Times(2);

    /// <inheritdoc />
    public override ITensorBijector Bijector => new IdentityTensorBijector([]);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Laplace(Loc.expand(batchShape), Scale.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator)
    {
        var u = RandOpen(ExtendedShape(sampleShape), generator).Times(2).Minus(1);
        return Loc - Scale * u.sign() * (-u.abs()).log1p();
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value) => -Scale.Times(2).log() - (value - Loc).abs() / Scale;
}
