using MN = MathNet.Numerics.Distributions;
using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>Student's t distribution with ν degrees of freedom, location μ and scale σ.</summary>
public readonly struct StudentT : IDistribution<double>, IHasMoments<double>, IHasBijector<double>, IHasCdf
{
    /// <summary>Creates StudentT(nu, mu, sigma). Parameters are checked when the distribution is used.</summary>
    public StudentT(double nu, double mu, double sigma)
    {
        Nu = nu;
        Mu = mu;
        Sigma = sigma;
    }

    /// <summary>The degrees of freedom ν &gt; 0.</summary>
    public double Nu { get; }

    /// <summary>The location μ.</summary>
    public double Mu { get; }

    /// <summary>The scale σ &gt; 0.</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    public string Family => "StudentT";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Real;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Positive("nu", Nu) ?? ParameterChecks.Finite("mu", Mu) ?? ParameterChecks.Positive("sigma", Sigma);

    /// <inheritdoc />
    public double Mean => Nu > 1 ? Mu : double.NaN;

    /// <inheritdoc />
    public double Variance => Nu > 2 ? Sigma * Sigma * Nu / (Nu - 2) : Nu > 1 ? double.PositiveInfinity : double.NaN;

    /// <inheritdoc />
    public IBijector<double> Bijector => IdentityBijector.Instance;

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return MN.StudentT.Sample(rng, Mu, Sigma, Nu);
    }

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        if (double.IsNaN(value)) return double.NegativeInfinity;
            var z = (value - Mu) / Sigma;
            return SpecialFunctions.GammaLn(0.5 * (Nu + 1)) - SpecialFunctions.GammaLn(0.5 * Nu)
                - 0.5 * Math.Log(Nu * Math.PI) - Math.Log(Sigma) - 0.5 * (Nu + 1) * MathUtil.Log1p(z * z / Nu);
    }

    /// <inheritdoc />
    public double Cdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        var z = (x - Mu) / Sigma;
        return SpecialMath.StudentTCdf(z, Nu);
    }

    /// <inheritdoc />
    public double LogCdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        var z = (x - Mu) / Sigma;
        return SpecialMath.StudentTLogCdf(z, Nu);
    }

    /// <inheritdoc />
    public double LogCcdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        var z = (x - Mu) / Sigma;
        return SpecialMath.StudentTLogCdf(-z, Nu);
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double)value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"StudentT({Nu}, {Mu}, {Sigma})";
}
