namespace Ppl.Distributions;

/// <summary>
/// The von Mises distribution of an angle, with mean direction μ and concentration κ: density
/// exp(κ cos(x − μ)) / (2π I₀(κ)). It is a distribution on the circle; its values are represented on the window
/// [μ − π, μ + π] centred on the mean direction (where draws fall and where the bijector maps ℝ, so that the
/// mode is in the middle of the unconstrained scale and μ moves the window smoothly). The density is
/// 2π-periodic, so an observed angle may be given in any representation (say in (−π, π]).
/// </summary>
public readonly struct VonMises : IDistribution<double>, IHasBijector<double>
{
    /// <summary>Creates VonMises(<paramref name="mu"/>, <paramref name="kappa"/>). Parameters are checked when the distribution is used.</summary>
    public VonMises(double mu, double kappa)
    {
        Mu = mu;
        Kappa = kappa;
    }

    /// <summary>The mean direction μ (finite).</summary>
    public double Mu { get; }

    /// <summary>The concentration κ &gt; 0.</summary>
    public double Kappa { get; }

    /// <inheritdoc />
    public string Family => "VonMises";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <summary>The window [μ − π, μ + π].</summary>
    public Support Support => Support.Interval(Mu - Math.PI, Mu + Math.PI);

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Finite("mu", Mu) ?? ParameterChecks.Positive("kappa", Kappa);

    /// <summary>μ + π(2σ(u) − 1): ℝ onto the window (μ − π, μ + π).</summary>
    public IBijector<double> Bijector => new IntervalBijector(Mu - Math.PI, Mu + Math.PI);

    /// <summary>A draw in [μ − π, μ + π] by Best and Fisher's (1979) wrapped-Cauchy rejection sampler.</summary>
    /// <param name="rng">The random source.</param>
    public double Sample(Rng rng)
    {
        Check();
        var k = Kappa;
        // τ = 1 + √(1 + 4κ²), ρ = (τ − √(2τ)) / (2κ), written without the cancellation of τ − √(2τ) at small κ.
        var root = Math.Sqrt(1 + 4 * k * k);
        var tau = 1 + root;
        var rho = 2 * k * tau / ((root + 1) * (tau + Math.Sqrt(2 * tau)));
        var r = (1 + rho * rho) / (2 * rho);
        while (true)
        {
            var z = Math.Cos(Math.PI * rng.NextDouble());
            var f = (1 + r * z) / (r + z);
            var c = k * (r - f);
            var u2 = rng.NextDouble();
            if (c * (2 - c) - u2 > 0 || Math.Log(c / u2) + 1 - c >= 0)
            {
                var theta = Math.Acos(Math.Clamp(f, -1, 1));
                return rng.NextDouble() < 0.5 ? Mu - theta : Mu + theta;
            }
        }
    }

    /// <summary>κ cos(x − μ) − log 2π − log I₀(κ) for every finite x (the density is periodic); −∞ for NaN and ±∞.</summary>
    /// <param name="value">The angle.</param>
    public double LogDensity(double value)
    {
        Check();
        if (!double.IsFinite(value)) return double.NegativeInfinity;
        return Kappa * Math.Cos(value - Mu) - 2 * SpecialMath.HalfLog2Pi - SpecialMath.LogBesselI0(Kappa);
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double)value);

    private void Check()
    {
        if (!(double.IsFinite(Mu) && Kappa > 0 && !double.IsPositiveInfinity(Kappa))) throw ParameterErrorOf(this);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static DistributionParameterException ParameterErrorOf(VonMises d) => new(d.Family, d.ParameterError ?? "invalid parameters");

    /// <inheritdoc />
    public override string ToString() => $"VonMises({Mu}, {Kappa})";
}
