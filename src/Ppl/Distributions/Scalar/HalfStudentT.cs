using MN = MathNet.Numerics.Distributions;
using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>
/// The half-Student-t distribution: |X| for X ~ StudentT(ν, 0, σ), on [0, ∞). A weakly informative prior for scales
/// (between the half-Cauchy, ν = 1, and the half-normal, ν → ∞).
/// </summary>
public readonly struct HalfStudentT : IDistribution<double>, IHasMoments<double>, IHasBijector<double>, IHasCdf
{
    /// <summary>Creates HalfStudentT(<paramref name="nu"/>, <paramref name="sigma"/>). Parameters are checked when the distribution is used.</summary>
    public HalfStudentT(double nu, double sigma)
    {
        Nu = nu;
        Sigma = sigma;
    }

    /// <summary>The degrees of freedom ν &gt; 0.</summary>
    public double Nu { get; }

    /// <summary>The scale σ &gt; 0 (of the underlying Student's t).</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    public string Family => "HalfStudentT";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Positive;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Positive("nu", Nu) ?? ParameterChecks.Positive("sigma", Sigma);

    /// <summary>2σ √(ν/π) Γ((ν + 1)/2) / (Γ(ν/2)(ν − 1)) for ν &gt; 1; +∞ otherwise.</summary>
    public double Mean => Nu > 1
        ? 2 * Sigma * Math.Sqrt(Nu / Math.PI) * Math.Exp(SpecialFunctions.GammaLn(0.5 * (Nu + 1)) - SpecialFunctions.GammaLn(0.5 * Nu)) / (Nu - 1)
        : double.PositiveInfinity;

    /// <summary>σ²ν/(ν − 2) − mean² for ν &gt; 2; +∞ for 1 &lt; ν ≤ 2; NaN otherwise.</summary>
    public double Variance => Nu > 2 ? Sigma * Sigma * Nu / (Nu - 2) - Mean * Mean : Nu > 1 ? double.PositiveInfinity : double.NaN;

    /// <inheritdoc />
    public IBijector<double> Bijector => LowerBoundBijector.Positive;

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return Math.Abs(MN.StudentT.Sample(rng, 0, Sigma, Nu));
    }

    /// <summary>log 2 + the Student-t log density at x for x ≥ 0; −∞ below 0 and for NaN.</summary>
    /// <param name="value">The value.</param>
    public double LogDensity(double value)
    {
        Check();
        if (!(value >= 0)) return double.NegativeInfinity;
        return SpecialMath.Ln2 + SpecialMath.StudentTLogDensity(value / Sigma, Nu) - Math.Log(Sigma);
    }

    /// <inheritdoc />
    public double Cdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        return SpecialMath.StudentTCentral(x / Sigma, Nu);
    }

    /// <inheritdoc />
    public double LogCdf(double x)
    {
        Check();
        return SpecialMath.HalfStudentTLogCdf(x / Sigma, Nu);
    }

    /// <inheritdoc />
    public double LogCcdf(double x)
    {
        Check();
        return SpecialMath.HalfStudentTLogCcdf(x / Sigma, Nu);
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double)value);

    private void Check()
    {
        if (!(Nu > 0 && !double.IsPositiveInfinity(Nu) && Sigma > 0 && !double.IsPositiveInfinity(Sigma))) throw ParameterErrorOf(this);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static DistributionParameterException ParameterErrorOf(HalfStudentT d) => new(d.Family, d.ParameterError ?? "invalid parameters");

    /// <inheritdoc />
    public override string ToString() => $"HalfStudentT({Nu}, {Sigma})";
}
