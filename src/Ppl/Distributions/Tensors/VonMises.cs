using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of von Mises distributions of angles, with mean direction μ and concentration κ: density
/// exp(κ cos(x − μ)) / (2π I₀(κ)). As for the scalar family, values are represented on the window [μ − π, μ + π]
/// centred on the mean direction (where draws fall and where the bijector maps ℝ); the density is 2π-periodic, so an
/// observed angle may be given in any representation. Draws come from Best and Fisher's rejection sampler, which
/// has no reparameterisation, so <see cref="TensorDistribution.HasRSample"/> is false.
/// </summary>
public sealed class VonMises : TensorDistribution
{
    private const double Log2Pi = 1.83787706640934548356;

    /// <summary>Creates VonMises(<paramref name="mu"/>, <paramref name="kappa"/>); the parameters broadcast to the batch shape.</summary>
    public VonMises(Tensor mu, Tensor kappa) : this(TensorParams.Broadcast(mu, kappa)) { }

    private VonMises(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Mu = p[0];
        Kappa = p[1];
    }

    /// <summary>The mean directions μ.</summary>
    public Tensor Mu { get; }

    /// <summary>The concentrations κ.</summary>
    public Tensor Kappa { get; }

    /// <inheritdoc />
    public override string Family => "VonMises";

    /// <summary>An interval, the window [μ − π, μ + π]; it varies over the batch, so the bounds are not recorded here.</summary>
    public override Support Support => new(SupportKind.Interval);

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.FiniteAndPositive("mu", Mu, "kappa", Kappa);

    /// <summary>μ: the circular mean, and also the mean of the window representation, which is symmetric about μ.</summary>
    public override Tensor Mean => Mu;

    /// <summary>
    /// The circular variance 1 − I₁(κ)/I₀(κ) (one minus the mean resultant length), as PyTorch's VonMises reports:
    /// the variance of the window representation has no closed form.
    /// </summary>
    public override Tensor Variance => TensorSpecial.BesselRatioI1I0(Kappa).SubtractedFrom(1.0);

    /// <summary>μ + π(2σ(u) − 1): ℝ onto the window (μ − π, μ + π).</summary>
    public override ITensorBijector Bijector => new SigmoidTensorBijector(Mu.Minus(Math.PI), Mu.Plus(Math.PI));

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new VonMises(Mu.expand(batchShape), Kappa.expand(batchShape));

    /// <summary>
    /// Draws in [μ − π, μ + π] by Best and Fisher's (1979) wrapped-Cauchy rejection sampler, vectorised: every round
    /// proposes for all elements and keeps the first accepted proposal of each, until all have one (the acceptance
    /// rate is above 65% for every κ, so a few rounds suffice). Computed in float64 whatever the dtype, since r
    /// grows like κ and the acceptance test loses precision in float32.
    /// </summary>
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator)
    {
        using var scope = NewDisposeScope();
        var shape = ExtendedShape(sampleShape);
        var k = Kappa.to_type(ScalarType.Float64).expand(shape);
        // τ = 1 + √(1 + 4κ²), ρ = (τ − √(2τ)) / (2κ), written without the cancellation of τ − √(2τ) at small κ.
        var root = k.Squared().Times(4).Plus(1).sqrt();
        var tau = root.Plus(1);
        var rho = k.Times(2) * tau / (root.Plus(1) * tau.Plus(tau.Times(2).sqrt()));
        var r = rho.Squared().Plus(1) / rho.Times(2);
        var f = zeros(shape, ScalarType.Float64, Device);
        var done = zeros(shape, ScalarType.Bool, Device);
        while (!done.all().item<bool>())
        {
            var z = (rand(shape, ScalarType.Float64, Device, generator: generator).Times(Math.PI)).cos();
            var fz = (r * z).Plus(1) / r.Plus(z);
            var c = k * (r - fz);
            var u2 = rand(shape, ScalarType.Float64, Device, generator: generator);
            var accept = (c * c.SubtractedFrom(2.0) - u2).Gt(0.0).logical_or(((c / u2).log().Plus(1) - c).Ge(0.0));
            var fresh = accept.logical_and(done.logical_not());
            f = where(fresh, fz, f);
            done = done.logical_or(accept);
        }
        var theta = f.Clamp(-1.0, 1.0).acos();
        var sign = rand(shape, ScalarType.Float64, Device, generator: generator).Lt(0.5);
        var x = Mu.to_type(ScalarType.Float64).Plus(where(sign, -theta, theta));
        return x.to_type(DType).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var lp = (Kappa * (value - Mu).cos() - TensorSpecial.LogBesselI0(Kappa)).Minus(Log2Pi);
        // Every finite angle is in the support (the density is periodic); ±∞ and NaN score −∞, as for the scalar family.
        return MaskSupport(lp, value.isfinite());
    }
}
