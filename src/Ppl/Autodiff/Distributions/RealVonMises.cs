using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The von Mises distribution of an angle with mean direction μ and concentration κ over <see cref="Real"/> parameters:
/// the differentiable counterpart of <see cref="VonMises"/>. A latent angle is mapped from ℝ onto the window
/// (μ − π, μ + π) centred on μ (through μ on the tape); the density is periodic, so observed angles may be given in
/// any representation.
/// </summary>
public readonly struct RealVonMises : IRealContinuous
{
    /// <summary>Creates VonMises(<paramref name="mu"/>, <paramref name="kappa"/>). Parameters are checked when the distribution is used.</summary>
    public RealVonMises(Real mu, Real kappa)
    {
        Mu = mu;
        Kappa = kappa;
    }

    /// <summary>The mean direction μ (finite).</summary>
    public Real Mu { get; }

    /// <summary>The concentration κ &gt; 0.</summary>
    public Real Kappa { get; }

    /// <inheritdoc />
    public string Family => "VonMises";

    /// <inheritdoc />
    public string? ParameterError => new VonMises(Mu.Value, Kappa.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new VonMises(Mu.Value, Kappa.Value);

    /// <summary>
    /// κ cos(x − μ) − log 2π − log I₀(κ), one node: d/dx = −κ sin(x − μ), d/dμ = κ sin(x − μ),
    /// d/dκ = cos(x − μ) − I₁(κ)/I₀(κ). −∞ for NaN and ±∞.
    /// </summary>
    /// <param name="x">The angle.</param>
    public Real LogDensity(Real x)
    {
        var mu = Mu.Value;
        var kappa = Kappa.Value;
        if (!(double.IsFinite(mu) && kappa > 0 && !double.IsPositiveInfinity(kappa))) return double.NaN;
        var xv = x.Value;
        if (!double.IsFinite(xv)) return double.NegativeInfinity;
        var d = xv - mu;
        var cos = Math.Cos(d);
        var sin = Math.Sin(d);
        var value = kappa * cos - 2 * SpecialMath.HalfLog2Pi - SpecialMath.LogBesselI0(kappa);
        var dk = Kappa.IsConstant ? 0.0 : cos - SpecialMath.BesselRatioI1I0(kappa);
        return Real.Ternary(value, x, -kappa * sin, Mu, kappa * sin, Kappa, dk);
    }

    /// <summary>
    /// x = (μ − π) + 2π σ(u) onto the window (μ − π, μ + π), as the double family's <see cref="IntervalBijector"/>; adds
    /// log 2π + log σ(u) + log(1 − σ(u)) to <paramref name="logJacobian"/>. x moves with μ (dx/dμ = 1).
    /// </summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian.</param>
    public Real Constrain(Real u, ref Real logJacobian) => RealFamilies.ConstrainInterval(u, Mu - Math.PI, Mu + Math.PI, ref logJacobian);

    /// <summary>The unconstrained coordinate of an angle, after reading it in the window [μ − π, μ + π) (any representation of the angle is accepted).</summary>
    /// <param name="x">The angle.</param>
    public double Unconstrain(double x)
    {
        var mu = Mu.Value;
        var lower = mu - Math.PI;
        var upper = mu + Math.PI;
        if (double.IsFinite(x) && !(x >= lower && x <= upper))
        {
            var turns = Math.Floor((x - lower) / (2 * Math.PI));
            x -= turns * 2 * Math.PI;
        }
        return RealFamilies.UnconstrainInterval(x, lower, upper);
    }

    /// <inheritdoc />
    public override string ToString() => $"VonMises({Mu}, {Kappa})";
}
