using MathNet.Numerics;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Distributions;

/// <summary>
/// The von Mises–Fisher distribution on the unit sphere Sⁿ⁻¹ with mean direction μ (a unit vector) and concentration
/// κ ≥ 0: log p(x) = log Cₙ(κ) + κ μᵀx with respect to the sphere's surface measure, where
/// Cₙ(κ) = κ^(n/2 − 1) / ((2π)^(n/2) I_(n/2−1)(κ)) (the uniform distribution at κ = 0). E[x] = Aₙ(κ) μ with
/// Aₙ(κ) = I_(n/2)(κ)/I_(n/2−1)(κ) (coth κ − 1/κ on S²). A choice of it is a unit vector, mapped from ℝⁿ by
/// <see cref="UnitVectorBijector"/>. Bessel functions from MathNet's exponentially scaled I_ν; draws by Wood's (1994)
/// rejection sampler. The array is not copied.
/// </summary>
public readonly struct VonMisesFisher : IDistribution<double[]>, IHasBijector<double[]>
{
    /// <summary>Creates VonMisesFisher(<paramref name="mu"/>, <paramref name="kappa"/>). Checked when used.</summary>
    public VonMisesFisher(double[] mu, double kappa)
    {
        Mu = mu;
        Kappa = kappa;
    }

    /// <summary>The mean direction μ (not a copy).</summary>
    public double[] Mu { get; }

    /// <summary>The concentration κ.</summary>
    public double Kappa { get; }

    /// <summary>The dimension n.</summary>
    public int Dimension => Mu?.Length ?? 0;

    /// <inheritdoc />
    public string Family => "VonMisesFisher";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.UnitSphereOf(Dimension);

    /// <inheritdoc />
    public string? ParameterError => Check(Mu, Kappa);

    internal static string? Check(ReadOnlySpan<double> mu, double kappa)
    {
        if (mu.Length < 2) return $"mu must have at least 2 entries, got {mu.Length}";
        double s = 0;
        for (var i = 0; i < mu.Length; i++)
        {
            if (!double.IsFinite(mu[i])) return $"mu[{i}] must be finite, got {ParameterChecks.Format(mu[i])}";
            s += mu[i] * mu[i];
        }
        if (!(Math.Abs(Math.Sqrt(s) - 1) <= 1e-6)) return $"mu must be a unit vector, got one of norm {ParameterChecks.Format(Math.Sqrt(s))}";
        if (!(kappa >= 0) || !double.IsFinite(kappa)) return $"kappa must be finite and non-negative, got {ParameterChecks.Format(kappa)}";
        return null;
    }

    /// <inheritdoc />
    public IBijector<double[]> Bijector => new UnitVectorBijector(Math.Max(Dimension, 2));

    /// <summary>log Cₙ(κ), the log normaliser on Sⁿ⁻¹ (κ ≥ 0).</summary>
    public static double LogNormalizer(int dimension, double kappa)
    {
        if (kappa < 1e-12) return UnitVector.LogUniform(dimension) - kappa * kappa / (2.0 * dimension);
        var v = 0.5 * dimension - 1;
        // log I_v(κ) = κ + log(e^−κ I_v(κ)).
        return v * Math.Log(kappa) - 0.5 * dimension * Math.Log(2 * Math.PI) - kappa - Math.Log(SpecialFunctions.BesselIScaled(v, kappa));
    }

    /// <summary>Aₙ(κ) = I_(n/2)(κ)/I_(n/2−1)(κ) = E[μᵀx], and −d log Cₙ/dκ.</summary>
    public static double MeanResultantLength(int dimension, double kappa)
    {
        if (kappa < 1e-8) return kappa / dimension;
        return SpecialFunctions.BesselIScaled(0.5 * dimension, kappa) / SpecialFunctions.BesselIScaled(0.5 * dimension - 1, kappa);
    }

    /// <summary>
    /// Wood (1994): the cosine w = μᵀx by rejection from a transformed Beta((n − 1)/2, (n − 1)/2) draw, a uniform direction
    /// orthogonal to e₁ for the rest, and the Householder reflection taking e₁ to μ.
    /// </summary>
    public double[] Sample(Rng rng)
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
        var n = Dimension;
        var m = n - 1;
        double w;
        if (Kappa == 0) w = 2 * MN.Beta.Sample(rng, 0.5 * m, 0.5 * m) - 1;
        else
        {
            var b = m / (2 * Kappa + Math.Sqrt(4 * Kappa * Kappa + m * m));
            var x0 = (1 - b) / (1 + b);
            var c = Kappa * x0 + m * Math.Log(1 - x0 * x0);
            while (true)
            {
                var z = MN.Beta.Sample(rng, 0.5 * m, 0.5 * m);
                w = (1 - (1 + b) * z) / (1 - (1 - b) * z);
                if (Kappa * w + m * Math.Log(1 - x0 * w) - c >= Math.Log(rng.NextOpenDouble())) break;
            }
        }
        var v = UnitVector.SampleUniform(rng, m);
        var r = Math.Sqrt(Math.Max(0, 1 - w * w));
        var y = new double[n];
        y[0] = w;
        for (var i = 1; i < n; i++) y[i] = r * v[i - 1];
        // H = I − 2hhᵀ/‖h‖² with h = e₁ − μ maps e₁ to μ (the identity when μ = e₁).
        var h = new double[n];
        double hh = 0, hy = 0;
        for (var i = 0; i < n; i++)
        {
            h[i] = (i == 0 ? 1 : 0) - Mu[i];
            hh += h[i] * h[i];
            hy += h[i] * y[i];
        }
        if (hh > 1e-30)
            for (var i = 0; i < n; i++) y[i] -= 2 * hy / hh * h[i];
        return y;
    }

    /// <inheritdoc />
    public double LogDensity(double[] value)
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
        if (value is null || !UnitVector.OnSphere(value, Dimension)) return double.NegativeInfinity;
        double dot = 0;
        for (var i = 0; i < value.Length; i++) dot += Mu[i] * value[i];
        return LogNormalizer(Dimension, Kappa) + Kappa * dot;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double[])value);

    /// <inheritdoc />
    public override string ToString() => $"VonMisesFisher([{string.Join(", ", Mu ?? [])}], {Kappa})";
}
