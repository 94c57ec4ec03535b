namespace Ppl.Distributions;

/// <summary>
/// Azzalini's skew-normal distribution with location ξ, scale ω and shape α: density
/// (2/ω) φ((x − ξ)/ω) Φ(α (x − ξ)/ω) on ℝ. α = 0 is N(ξ, ω²); α &gt; 0 skews to the right.
/// </summary>
public readonly struct SkewNormal : IDistribution<double>, IHasMoments<double>, IHasBijector<double>
{
    /// <summary>Creates SkewNormal(<paramref name="xi"/>, <paramref name="omega"/>, <paramref name="alpha"/>). Parameters are checked when the distribution is used.</summary>
    public SkewNormal(double xi, double omega, double alpha)
    {
        Xi = xi;
        Omega = omega;
        Alpha = alpha;
    }

    /// <summary>The location ξ (finite).</summary>
    public double Xi { get; }

    /// <summary>The scale ω &gt; 0.</summary>
    public double Omega { get; }

    /// <summary>The shape α (finite).</summary>
    public double Alpha { get; }

    /// <inheritdoc />
    public string Family => "SkewNormal";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Real;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Finite("xi", Xi) ?? ParameterChecks.Positive("omega", Omega) ?? ParameterChecks.Finite("alpha", Alpha);

    private double Delta => Alpha / Math.Sqrt(1 + Alpha * Alpha);

    /// <summary>ξ + ωδ√(2/π) with δ = α/√(1 + α²).</summary>
    public double Mean => Xi + Omega * Delta * Math.Sqrt(2 / Math.PI);

    /// <summary>ω²(1 − 2δ²/π).</summary>
    public double Variance => Omega * Omega * (1 - 2 * Delta * Delta / Math.PI);

    /// <inheritdoc />
    public IBijector<double> Bijector => IdentityBijector.Instance;

    /// <summary>
    /// ξ + ω·z with z = δ|u₀| + √(1 − δ²) u₁ for independent standard normals (the representation of the skew-normal
    /// as a normal conditioned on the sign of a correlated one).
    /// </summary>
    /// <param name="rng">The random source.</param>
    public double Sample(Rng rng)
    {
        Check();
        var delta = Delta;
        var u0 = rng.NextGaussian();
        var u1 = rng.NextGaussian();
        var z = delta * Math.Abs(u0) + Math.Sqrt(1 - delta * delta) * u1;
        return Xi + Omega * z;
    }

    /// <summary>log 2 − log ω + log φ(z) + log Φ(αz) with z = (x − ξ)/ω; −∞ for NaN and ±∞.</summary>
    /// <param name="value">The value.</param>
    public double LogDensity(double value)
    {
        Check();
        if (!double.IsFinite(value)) return double.NegativeInfinity;
        var z = (value - Xi) / Omega;
        return SpecialMath.Ln2 - Math.Log(Omega) - 0.5 * z * z - SpecialMath.HalfLog2Pi + SpecialMath.LogPhi(Alpha * z);
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double)value);

    private void Check()
    {
        if (!(double.IsFinite(Xi) && Omega > 0 && !double.IsPositiveInfinity(Omega) && double.IsFinite(Alpha))) throw ParameterErrorOf(this);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static DistributionParameterException ParameterErrorOf(SkewNormal d) => new(d.Family, d.ParameterError ?? "invalid parameters");

    /// <inheritdoc />
    public override string ToString() => $"SkewNormal({Xi}, {Omega}, {Alpha})";
}
